// entry.c: the public C entry points (the libtailscale pattern: a small C
// file over the Go exports). Reads are served here from the storage that
// pkg/hermetic declares; writes go to Go, except before the runtime started
// (static archive, fork.c) and in a forked child, where
// the Go runtime must not be entered (fork.c, docs/design.md).

#include "_cgo_export.h"
#include "cabi.h"
#include "hermetic_pyobject_tls.h"
#include "state.h"

// hermetic_pyobject_tls_set_state is in set_state.c.

bool hermetic_pyobject_tls_get_state(void) {
  return hptls_load_thread_state() != 0;
}

void hermetic_pyobject_tls_init_state(void) {
  if (hptls_stay_in_c()) {
    hptls_store_have_state();
    return;
  }
  if (hptls_in_go) { // a handler that interrupted a write (cabi.h)
    hptls_store_have_state();
    return;
  }
  if (!hptls_bound) { // first entry: keep the caller's signal mask (hostsignals.c)
    hptls_enter_go_first(1, 0);
    return;
  }
  hptls_in_go = 1;
  hptls_go_init_state();
  hptls_in_go = 0;
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
