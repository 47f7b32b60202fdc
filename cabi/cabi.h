// cabi.h: what the C files of cabi/ share. Internal: not installed.
#ifndef HPTLS_CABI_H
#define HPTLS_CABI_H

#include "state.h" // HPTLS_HIDDEN

// Nonzero in a child of fork(): from then on no call may enter Go (fork.c).
extern int hptls_in_forked_child HPTLS_HIDDEN;

static inline int hptls_forked(void) {
  return __atomic_load_n(&hptls_in_forked_child, __ATOMIC_RELAXED);
}

#endif
