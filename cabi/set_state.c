// set_state.c: hermetic_pyobject_tls_set_state, defined apart from the public
// header on purpose. The header declares a bool parameter; x86-64 and AArch64
// pass a bool exactly as an unsigned char, in the low byte of a register.
// Defined with unsigned char, no compiler may assume that byte is 0 or 1
// (clang -O0 masks a bool parameter to its lowest bit, so 2 would read as
// false), and a caller with an int prototype (ctypes without argtypes) that
// passes 2, 255 or -1 gets true, as any nonzero value should.
#include <stdint.h>

#include "_cgo_export.h"
#include "cabi.h"

__attribute__((visibility("default"))) void hermetic_pyobject_tls_set_state(unsigned char state) {
  uint32_t on = state != 0;
  if (hptls_stay_in_c()) { // a forked child, or the runtime not started yet (fork.c)
    hptls_store_thread_state(on);
    return;
  }
  if (__builtin_expect(hptls_in_go, 0)) { // a handler that interrupted a write (cabi.h)
    hptls_store_thread_state(on);
    return;
  }
  if (__builtin_expect(!hptls_bound, 0)) { // first entry: keep the caller's signal mask
    hptls_enter_go_first(0, on);
    return;
  }
  hptls_in_go = 1;
  hptls_go_set_state(hptls_thread_state_address(), on);
  hptls_in_go = 0;
}

_Thread_local unsigned char hptls_in_go __attribute__((tls_model("initial-exec")));

// A thread's first entry into Go, out of line so that the frequent calls
// keep no stack frame for a signal set (a tail call into Go).
void hptls_enter_go_first(int init, uint32_t on) {
  hptls_note_go_thread();
  sigset_t mask;
  int saved = hptls_mask_save(&mask);
  hptls_in_go = 1;
  if (init)
    hptls_go_init_state();
  else
    hptls_go_set_state(hptls_thread_state_address(), on);
  hptls_in_go = 0;
  hptls_mask_restore(saved, &mask);
}
