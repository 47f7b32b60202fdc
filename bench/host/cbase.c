/* cbase.c: the plain C baselines, built -O2 -fPIC as a shared library.
 *   hptls_cbase_empty         the ctypes floor: an empty C function
 *   hptls_cbase_empty_bool    the same, with set_state's signature
 *   hptls_cbase_return_false  the same, with get_state's signature
 *   hptls_cbase_atomic_load   have_state's baseline: a C atomic load (seq_cst)
 *                             of a global behind a call
 *   hptls_cbase_atomic_store  its store twin
 *   hptls_cbase_tls_load      a plain C _Thread_local bool, as a C library
 *   hptls_cbase_tls_store     would keep the flag (default TLS model of a
 *                             -fPIC library: general-dynamic), seq_cst
 */
#include <stdbool.h>
#include <stdint.h>

#define API __attribute__((visibility("default"), noinline))

static uint32_t word;
static _Thread_local bool thread_word;

API void hptls_cbase_empty(void) {}
API void hptls_cbase_empty_bool(bool state) { (void)state; }
API bool hptls_cbase_return_false(void) { return false; }
API bool hptls_cbase_atomic_load(void) {
  return __atomic_load_n(&word, __ATOMIC_SEQ_CST) != 0;
}
API void hptls_cbase_atomic_store(void) {
  __atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
}
API bool hptls_cbase_tls_load(void) {
  return __atomic_load_n(&thread_word, __ATOMIC_SEQ_CST);
}
API void hptls_cbase_tls_store(bool state) {
  __atomic_store_n(&thread_word, state, __ATOMIC_SEQ_CST);
}
