// test_state: the behaviour of one process's state, from a C host.
#include <stdint.h>

#include "hermetic_pyobject_tls.h"
#include "testing.h"

enum { THREADS = 8, TOGGLES = 20000 };

static void *read_state(void *out) {
  *(bool *)out = hermetic_pyobject_tls_get_state();
  return NULL;
}

static bool state_on_new_thread(void) {
  bool seen = true;
  pthread_t t;
  start_thread(&t, read_state, &seen);
  join_thread(t);
  return seen;
}

static void test_version(void) {
  CHECK(strcmp(hermetic_pyobject_tls_version(), HERMETIC_PYOBJECT_TLS_VERSION) == 0);
  CHECK(hermetic_pyobject_tls_version_number() == HERMETIC_PYOBJECT_TLS_VERSION_NUMBER);
  char expect[32];
  snprintf(expect, sizeof expect, "%d.%d.%d", HERMETIC_PYOBJECT_TLS_VERSION_MAJOR,
           HERMETIC_PYOBJECT_TLS_VERSION_MINOR, HERMETIC_PYOBJECT_TLS_VERSION_PATCH);
  CHECK(strcmp(HERMETIC_PYOBJECT_TLS_VERSION, expect) == 0);
}

static void test_defaults(void) {
  CHECK(!hermetic_pyobject_tls_have_state());
  CHECK(!hermetic_pyobject_tls_get_state());
  CHECK(!state_on_new_thread());
}

static void test_main_thread_round_trip(void) {
  hermetic_pyobject_tls_set_state(true);
  CHECK(hermetic_pyobject_tls_get_state());
  CHECK(!state_on_new_thread()); // the main thread's flag is its own
  hermetic_pyobject_tls_set_state(false);
  CHECK(!hermetic_pyobject_tls_get_state());
}

// get_state is not gated by have_state: it works before init_state.
static void test_get_state_not_gated(void) {
  CHECK(!hermetic_pyobject_tls_have_state());
  hermetic_pyobject_tls_set_state(true);
  CHECK(hermetic_pyobject_tls_get_state());
  hermetic_pyobject_tls_set_state(false);
}

static pthread_barrier_t start_together;

// Each thread toggles its own flag and must always read its own last write.
static void *toggle(void *arg) {
  uintptr_t id = (uintptr_t)arg;
  pthread_barrier_wait(&start_together);
  for (int i = 0; i < TOGGLES; i++) {
    bool want = ((i + id) & 1) != 0;
    hermetic_pyobject_tls_set_state(want);
    if (hermetic_pyobject_tls_get_state() != want) return (void *)1;
  }
  return NULL;
}

static void test_isolation(void) {
  pthread_t t[THREADS];
  pthread_barrier_init(&start_together, NULL, THREADS);
  for (uintptr_t i = 0; i < THREADS; i++) start_thread(&t[i], toggle, (void *)i);
  for (int i = 0; i < THREADS; i++) {
    void *failed;
    CHECK(pthread_join(t[i], &failed) == 0);
    CHECK(failed == NULL);
  }
  pthread_barrier_destroy(&start_together);
  CHECK(!hermetic_pyobject_tls_get_state());
}

static void *init_and_watch(void *arg) {
  (void)arg;
  pthread_barrier_wait(&start_together);
  hermetic_pyobject_tls_init_state();
  for (int i = 0; i < 10000; i++)
    if (!hermetic_pyobject_tls_have_state()) return (void *)1;
  return NULL;
}

static void test_init_state_race(void) {
  CHECK(!hermetic_pyobject_tls_have_state());
  pthread_t t[THREADS];
  pthread_barrier_init(&start_together, NULL, THREADS);
  for (int i = 0; i < THREADS; i++) start_thread(&t[i], init_and_watch, NULL);
  for (int i = 0; i < THREADS; i++) {
    void *failed;
    CHECK(pthread_join(t[i], &failed) == 0);
    CHECK(failed == NULL);
  }
  pthread_barrier_destroy(&start_together);
  CHECK(hermetic_pyobject_tls_have_state());
  hermetic_pyobject_tls_init_state(); // again: still fine, still true
  CHECK(hermetic_pyobject_tls_have_state());
  hermetic_pyobject_tls_set_state(false); // writes to the flag leave it alone
  CHECK(hermetic_pyobject_tls_have_state());
}

// get_state returns exactly 0 or 1 in its return byte.
static void test_reads_are_canonical(void) {
  hermetic_pyobject_tls_set_state(true);
  bool on = hermetic_pyobject_tls_get_state();
  unsigned char byte;
  memcpy(&byte, &on, 1);
  CHECK(byte == 1);
  hermetic_pyobject_tls_set_state(false);
  bool off = hermetic_pyobject_tls_get_state();
  memcpy(&byte, &off, 1);
  CHECK(byte == 0);
}

int main(void) {
  test_version();
  test_defaults();
  test_main_thread_round_trip();
  test_get_state_not_gated();
  test_isolation();
  test_reads_are_canonical();
  test_init_state_race();
  puts("test_state: ok");
  return 0;
}
