// test_fork: the main thread forks while 3 threads keep calling the library.
// Each child must see the forking thread's flag and have_state, call every
// entry point, and exit in time: the Go runtime cannot serve it, so a write
// that entered Go could hang there.
#include <stdint.h>

#include "hermetic_pyobject_tls.h"
#include "testing.h"

enum { FORKS = 50, HAMMERS = 3, GIVE_UP_AFTER_HANGS = 3 };
static const double CHILD_TIMEOUT = 10.0;

static volatile int stop;

static void *hammer(void *arg) {
  uintptr_t i = (uintptr_t)arg;
  while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
    bool want = (i++ & 1) != 0;
    hermetic_pyobject_tls_set_state(want);
    if (hermetic_pyobject_tls_get_state() != want) return (void *)1;
    (void)hermetic_pyobject_tls_have_state();
  }
  return NULL;
}

static void *child_thread(void *arg) {
  bool *ok = arg;
  *ok = !hermetic_pyobject_tls_get_state();
  hermetic_pyobject_tls_set_state(true);
  *ok = *ok && hermetic_pyobject_tls_get_state();
  return NULL;
}

// In the child: exit code 0 only if everything behaved.
static int child(bool parent_state) {
  if (hermetic_pyobject_tls_get_state() != parent_state) return 2;
  if (!hermetic_pyobject_tls_have_state()) return 3;
  for (int i = 0; i < 1000; i++) {
    hermetic_pyobject_tls_set_state((i & 1) != 0);
    if (hermetic_pyobject_tls_get_state() != ((i & 1) != 0)) return 4;
  }
  hermetic_pyobject_tls_init_state();
  if (!hermetic_pyobject_tls_have_state()) return 5;
  if (strcmp(hermetic_pyobject_tls_version(), HERMETIC_PYOBJECT_TLS_VERSION) != 0) return 6;
  if (hermetic_pyobject_tls_version_number() != HERMETIC_PYOBJECT_TLS_VERSION_NUMBER) return 6;
  bool thread_ok = false;
  pthread_t t;
  if (pthread_create(&t, NULL, child_thread, &thread_ok) != 0) return 7;
  pthread_join(t, NULL);
  return thread_ok ? 0 : 8;
}

int main(void) {
  hermetic_pyobject_tls_init_state();
  pthread_t t[HAMMERS];
  for (uintptr_t i = 0; i < HAMMERS; i++) start_thread(&t[i], hammer, (void *)i);

  int hangs = 0, wrong = 0;
  int forks = 0;
  for (int i = 0; i < FORKS && hangs < GIVE_UP_AFTER_HANGS; i++, forks++) {
    bool state = (i & 1) != 0;
    hermetic_pyobject_tls_set_state(state);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) _exit(child(state));
    int status = wait_child(pid, CHILD_TIMEOUT);
    if (status == -1) {
      hangs++;
    } else if (!child_ok(status)) {
      wrong++;
      fprintf(stderr, "fork %d: child status %d\n", i, status);
    }
  }

  __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
  for (int i = 0; i < HAMMERS; i++) {
    void *failed;
    CHECK(pthread_join(t[i], &failed) == 0);
    CHECK(failed == NULL);
  }
  printf("test_fork: %d forks under load: %d hangs, %d wrong\n", forks, hangs, wrong);
  CHECK(hangs == 0 && wrong == 0);
  return 0;
}
