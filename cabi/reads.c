//go:build !hptls_runtime_side

// reads.c: the reads and the version, served in C from the storage that
// pkg/hermetic declares. A read never enters the Go runtime, never starts it
// and never checks for a new process: it is the one TLS load PyTorch's own
// implementation makes (check_read_path.sh holds it to that).
#include "hermetic_pyobject_tls.h"
#include "state.h"

bool hermetic_pyobject_tls_get_state(void) {
  return hptls_load_thread_state() != 0;
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
