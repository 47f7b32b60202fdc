// entry.c: the public C entry points (the libtailscale pattern: a small C
// file over the Go exports). Reads are served here from the storage that
// pkg/hermetic declares; writes go to Go, except in a forked child, where
// the Go runtime must not be entered (fork.c, docs/design.md).
#include <stdint.h>
#include <string.h>

#include "_cgo_export.h"
#include "cabi.h"
#include "hermetic_pyobject_tls.h"
#include "state.h"

static int forked(void) {
  return __atomic_load_n(&hptls_in_forked_child, __ATOMIC_RELAXED);
}

// word turns a bool argument into 0 or 1 by its whole byte. A caller with an
// int prototype (ctypes without argtypes) may pass 2 or 255, which a
// compiler trusting the bool type would store as is.
static uint32_t word(bool state) {
  unsigned char byte;
  memcpy(&byte, &state, 1);
  __asm__("" : "+r"(byte)); // forget that a bool can only hold 0 or 1
  return byte != 0;
}

void hermetic_pyobject_tls_set_state(bool state) {
  uint32_t on = word(state);
  if (forked()) {
    hptls_store_thread_state(on);
    return;
  }
  hptls_go_set_state(hptls_thread_state_address(), on);
}

bool hermetic_pyobject_tls_get_state(void) {
  return hptls_load_thread_state() != 0;
}

void hermetic_pyobject_tls_init_state(void) {
  if (forked()) {
    hptls_store_have_state();
    return;
  }
  hptls_go_init_state();
}

bool hermetic_pyobject_tls_have_state(void) {
  return hptls_load_have_state() != 0;
}

const char *hermetic_pyobject_tls_version(void) {
  return HERMETIC_PYOBJECT_TLS_VERSION;
}

unsigned hermetic_pyobject_tls_version_number(void) {
  return HERMETIC_PYOBJECT_TLS_VERSION_NUMBER;
}
