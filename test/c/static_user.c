// static_user.c: a shared library built from the static archive (the
// README's Python-extension case) whose constructor writes; test_static_so
// dlopen()s it. The write must complete.
#include "hermetic_pyobject_tls.h"

__attribute__((visibility("default"))) int static_user_constructor_ok;

__attribute__((constructor)) static void write_at_load(void) {
  hermetic_pyobject_tls_set_state(true);
  static_user_constructor_ok = hermetic_pyobject_tls_get_state();
}
