// cabi.h: what the C files of cabi/ share. Internal: not installed.
#ifndef HPTLS_CABI_H
#define HPTLS_CABI_H

#include <signal.h>

#include "state.h" // HPTLS_HIDDEN

// Nonzero in a child of fork(): from then on no call may enter Go (fork.c).
extern int hptls_in_forked_child HPTLS_HIDDEN;

static inline int hptls_forked(void) {
  return __atomic_load_n(&hptls_in_forked_child, __ATOMIC_RELAXED);
}

// Nonzero once the calling thread has entered Go: its first entry binds a Go
// M to it and sets its signal mask, which the caller gets back around that
// one call (hostsignals.c); later entries leave the mask alone.
extern _Thread_local unsigned char hptls_bound __attribute__((tls_model("initial-exec"))) HPTLS_HIDDEN;
int hptls_mask_save(sigset_t *mask) HPTLS_HIDDEN;
void hptls_mask_restore(int saved, const sigset_t *mask) HPTLS_HIDDEN;

#endif
