// test_dlopen LIBRARY: the library's lifetime in a host that loads it at run
// time (this program does not link it).
// - A thread created before the library was loaded calls it afterwards: it
//   reads false, sets its own flag, and reads it back.
// - dlclose() does not unload it (a Go runtime cannot be unloaded):
//   dlopen(RTLD_NOLOAD) still finds it, and the next dlopen() returns the
//   same functions with the state as it was: every thread's flag, have_state.
// - 100 rounds of dlopen + calls + dlclose in one process all work.
#include "hermetic_pyobject_tls.h"
#include "testing.h"

enum { ROUNDS = 100 };

static struct hptls_api api;
static int step; // 0: wait for load; 1: loaded, go; 2: done; 3: check again
static bool early_saw_false, early_read_back, early_kept;

static int wait_step(int want) {
  while (__atomic_load_n(&step, __ATOMIC_SEQ_CST) < want) usleep(100);
  return want;
}

static void *early_thread(void *arg) {
  (void)arg;
  wait_step(1); // the library was not loaded when this thread started
  early_saw_false = !api.get_state();
  api.set_state(true);
  early_read_back = api.get_state();
  __atomic_store_n(&step, 2, __ATOMIC_SEQ_CST);
  wait_step(3); // meanwhile the main thread dlclose()s and dlopen()s again
  early_kept = api.get_state();
  return NULL;
}

static void *read_state(void *out) {
  *(bool *)out = api.get_state();
  return NULL;
}

int main(int argc, char **argv) {
  CHECK(argc == 2);
  const char *path = argv[1];
  CHECK(dlopen(path, RTLD_NOW | RTLD_NOLOAD) == NULL); // not loaded yet

  pthread_t early;
  start_thread(&early, early_thread, NULL);
  usleep(1000);

  api = load_api(path, RTLD_NOW | RTLD_LOCAL);
  CHECK(strcmp(api.version(), HERMETIC_PYOBJECT_TLS_VERSION) == 0);
  CHECK(!api.have_state());
  CHECK(!api.get_state());
  __atomic_store_n(&step, 1, __ATOMIC_SEQ_CST);
  wait_step(2);
  CHECK(early_saw_false);
  CHECK(early_read_back);
  CHECK(!api.get_state()); // the early thread's flag is its own

  api.set_state(true);
  api.init_state();
  struct hptls_api first = api;
  CHECK(dlclose(first.handle) == 0);
  void *still = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  bool stays_loaded = still != NULL;
  if (still) dlclose(still);

  int rounds_ok = 0;
  for (int round = 0; round < ROUNDS; round++) {
    api = load_api(path, RTLD_NOW | RTLD_LOCAL);
    bool ok = api.set_state == first.set_state && api.get_state == first.get_state;
    ok = ok && api.have_state() && api.get_state(); // as it was before dlclose
    api.set_state(false);
    ok = ok && !api.get_state();
    api.set_state(true);
    ok = ok && api.get_state();
    api.init_state();
    bool fresh = true;
    pthread_t t;
    start_thread(&t, read_state, &fresh);
    join_thread(t);
    ok = ok && !fresh;
    rounds_ok += ok;
    CHECK(dlclose(api.handle) == 0);
  }

  api = load_api(path, RTLD_NOW | RTLD_LOCAL);
  __atomic_store_n(&step, 3, __ATOMIC_SEQ_CST);
  join_thread(early);
  CHECK(dlclose(api.handle) == 0);

  printf("test_dlopen: a thread from before the load read false, set and read back its flag; "
         "after dlclose the library %s; %d of %d dlopen/calls/dlclose rounds ok; "
         "the early thread kept its flag: %s\n",
         stays_loaded ? "stays loaded" : "was UNLOADED", rounds_ok, ROUNDS, early_kept ? "yes" : "NO");
  CHECK(stays_loaded);
  CHECK(rounds_ok == ROUNDS);
  CHECK(early_kept);
  return 0;
}
