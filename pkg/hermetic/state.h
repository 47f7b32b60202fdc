/*
 * state.h: the storage of hermetic-pyobject-tls, shared by pkg/hermetic (Go)
 * and the C entry points in cabi/. Internal: not installed, not public.
 *
 * Both variables are uint32_t accessed only with __atomic builtins at
 * seq_cst, so that Go's sync/atomic can address the same words.
 */
#ifndef HPTLS_STATE_H
#define HPTLS_STATE_H

#include <stdint.h>

#if defined(__GNUC__)
#define HPTLS_HIDDEN __attribute__((visibility("hidden")))
#else
#define HPTLS_HIDDEN
#endif

/*
 * The calling thread's hermetic mode, 0 or 1. initial-exec: a Go c-shared
 * library is already STATIC_TLS, so this costs no new loading constraint and
 * makes a read one %fs-relative load, without __tls_get_addr.
 */
extern _Thread_local uint32_t hptls_thread_state
    __attribute__((tls_model("initial-exec"))) HPTLS_HIDDEN;

/* have_state, 0 or 1; it only ever goes from 0 to 1. */
extern uint32_t hptls_have_state HPTLS_HIDDEN;

static inline uint32_t hptls_load_thread_state(void) {
  return __atomic_load_n(&hptls_thread_state, __ATOMIC_SEQ_CST);
}

static inline void hptls_store_thread_state(uint32_t on) {
  __atomic_store_n(&hptls_thread_state, on, __ATOMIC_SEQ_CST);
}

static inline uint32_t *hptls_thread_state_address(void) {
  return &hptls_thread_state;
}

static inline uint32_t hptls_load_have_state(void) {
  return __atomic_load_n(&hptls_have_state, __ATOMIC_SEQ_CST);
}

static inline void hptls_store_have_state(void) {
  __atomic_store_n(&hptls_have_state, 1, __ATOMIC_SEQ_CST);
}

#endif /* HPTLS_STATE_H */
