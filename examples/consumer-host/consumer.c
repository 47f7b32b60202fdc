// A C host of hermetic-pyobject-tls: checks that the header it was compiled
// with matches the library it runs with, then that hermetic mode is per thread.
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <hermetic_pyobject_tls.h>

static void *other_thread(void *arg) {
  *(bool *)arg = hermetic_pyobject_tls_get_state(); // a new thread starts false
  return NULL;
}

int main(void) {
  const char *runtime = hermetic_pyobject_tls_version();
  printf("header %s, library %s\n", HERMETIC_PYOBJECT_TLS_VERSION, runtime);
  if (strcmp(runtime, HERMETIC_PYOBJECT_TLS_VERSION) != 0 ||
      hermetic_pyobject_tls_version_number() != HERMETIC_PYOBJECT_TLS_VERSION_NUMBER) {
    fprintf(stderr, "header and library versions differ\n");
    return 1;
  }

  hermetic_pyobject_tls_init_state();
  hermetic_pyobject_tls_set_state(true);
  bool other = true;
  pthread_t t;
  if (pthread_create(&t, NULL, other_thread, &other) != 0 || pthread_join(t, NULL) != 0) {
    return 1;
  }
  bool ok = hermetic_pyobject_tls_have_state() && hermetic_pyobject_tls_get_state() && !other;
  printf("C host: %s\n", ok ? "OK" : "FAILED");
  return ok ? 0 : 1;
}
