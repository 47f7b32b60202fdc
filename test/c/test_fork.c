// test_fork [FORKS [called|fresh]]: the main thread forks FORKS times (200)
// while 3 threads keep calling set_state/get_state/have_state. "called": the
// forking thread calls the library before every fork (it sets its own flag);
// "fresh": it never calls the library in the parent at all.
//
// Each child must see the forking thread's flag and have_state, write and
// read its flag 1e5 times, start a thread that reads false and sets its own
// flag, and fork a grandchild that does the same checks; every process must
// exit 0 in time. The Go runtime cannot serve a forked child (the threads
// that held its Ps are gone), so a write that entered Go there could hang:
// such a child is killed after its timeout and counted as a hang.
#include "hermetic_pyobject_tls.h"
#include "testing.h"

enum { HAMMERS = 3, CHILD_WRITES = 100000, GIVE_UP_AFTER_HANGS = 3 };
static const double CHILD_TIMEOUT = 10.0, GRANDCHILD_TIMEOUT = 4.0;

static volatile int stop, hammers_ready;

static void *hammer(void *arg) {
  uintptr_t i = (uintptr_t)arg;
  if (i == 0) hermetic_pyobject_tls_init_state();
  __atomic_add_fetch(&hammers_ready, 1, __ATOMIC_SEQ_CST);
  while (__atomic_load_n(&hammers_ready, __ATOMIC_SEQ_CST) < HAMMERS) usleep(100); // init done
  while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
    bool want = (i++ & 1) != 0;
    hermetic_pyobject_tls_set_state(want);
    if (hermetic_pyobject_tls_get_state() != want) return (void *)1;
    if (!hermetic_pyobject_tls_have_state()) return (void *)2;
  }
  return NULL;
}

static void *new_thread_in_child(void *arg) {
  bool *ok = arg;
  *ok = !hermetic_pyobject_tls_get_state(); // a new thread starts false
  hermetic_pyobject_tls_set_state(true);
  *ok = *ok && hermetic_pyobject_tls_get_state();
  hermetic_pyobject_tls_init_state();
  *ok = *ok && hermetic_pyobject_tls_have_state();
  return NULL;
}

// Exit codes name what went wrong; 0 means everything behaved.
static int in_child(bool inherited, int writes, bool fork_again) {
  if (hermetic_pyobject_tls_get_state() != inherited) return 2;
  if (!hermetic_pyobject_tls_have_state()) return 3;
  for (int i = 0; i < writes; i++) {
    bool want = ((i * 7) & 2) != 0;
    hermetic_pyobject_tls_set_state(want);
    if (hermetic_pyobject_tls_get_state() != want) return 4;
  }
  hermetic_pyobject_tls_init_state();
  if (!hermetic_pyobject_tls_have_state()) return 5;
  if (strcmp(hermetic_pyobject_tls_version(), HERMETIC_PYOBJECT_TLS_VERSION) != 0) return 6;
  if (hermetic_pyobject_tls_version_number() != HERMETIC_PYOBJECT_TLS_VERSION_NUMBER) return 6;

  bool mine = !inherited; // this thread's flag from now on
  hermetic_pyobject_tls_set_state(mine);
  bool thread_ok = false;
  pthread_t t;
  if (pthread_create(&t, NULL, new_thread_in_child, &thread_ok) != 0) return 7;
  pthread_join(t, NULL);
  if (!thread_ok) return 8;
  if (hermetic_pyobject_tls_get_state() != mine) return 9; // the thread's write stayed its own

  if (fork_again) {
    pid_t pid = fork();
    if (pid < 0) return 10;
    if (pid == 0) _exit(in_child(mine, 1000, false));
    int status = wait_child(pid, GRANDCHILD_TIMEOUT);
    if (status == -1) return 11; // the grandchild hung
    if (!child_ok(status)) return 12;
  }
  return 0;
}

int main(int argc, char **argv) {
  int forks = (int)arg_long(argc, argv, 1, 200);
  const char *mode = argc > 2 ? argv[2] : "called";
  bool called = strcmp(mode, "called") == 0;
  CHECK(called || strcmp(mode, "fresh") == 0);

  pthread_t t[HAMMERS];
  for (uintptr_t i = 0; i < HAMMERS; i++) start_thread(&t[i], hammer, (void *)i);
  while (__atomic_load_n(&hammers_ready, __ATOMIC_SEQ_CST) < HAMMERS) usleep(100);

  int hangs = 0, wrong = 0, grandchild_hangs = 0, done = 0;
  for (int i = 0; i < forks && hangs < GIVE_UP_AFTER_HANGS; i++, done++) {
    bool state = false;
    if (called) {
      state = (i & 1) != 0;
      hermetic_pyobject_tls_set_state(state);
      CHECK(hermetic_pyobject_tls_get_state() == state);
    }
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) _exit(in_child(state, CHILD_WRITES, true));
    int status = wait_child(pid, CHILD_TIMEOUT);
    if (status == -1) {
      hangs++;
      fprintf(stderr, "fork %d: child hung, killed after %.0f s\n", i, CHILD_TIMEOUT);
    } else if (!child_ok(status)) {
      wrong++;
      grandchild_hangs += WIFEXITED(status) && WEXITSTATUS(status) == 11;
      fprintf(stderr, "fork %d: child status %#x (exit code %d)\n", i, status,
              WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
  }

  __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
  for (int i = 0; i < HAMMERS; i++) {
    void *failed;
    CHECK(pthread_join(t[i], &failed) == 0);
    CHECK(failed == NULL);
  }
  printf("test_fork (%s): %d forks under load, each child forking again: %d hangs, "
         "%d wrong (%d of them grandchild hangs)\n",
         mode, done, hangs, wrong, grandchild_hangs);
  CHECK(hangs == 0 && wrong == 0);
  return 0;
}
