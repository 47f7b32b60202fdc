// test_start: the runtime starts at the process's first write, once.
//
//   test_start LIB race THREADS       THREADS threads make their first write at
//                                     the same moment: every write lands, the
//                                     runtime side is mapped once.
//   test_start LIB fork-before N      a parent that never wrote (its threads
//                                     only read) forks N children; each starts
//                                     its own runtime at its first write, and
//                                     a grandchild forked after that stays in
//                                     C. Then the parent writes, and a child
//                                     forked after it stays in C.
//   test_start LIB fork-during N      N times, in a fresh process: one thread
//                                     makes the first write while the main
//                                     thread forks; every child writes, reads
//                                     and exits in time, never hangs.
//   test_start LIB first-write 1      one write and a read; prints the threads
//                                     after it (check_nproc_first_write.sh).
// The library is dlopen()ed (LIB), so that each process starts with nothing.
#include <stdatomic.h>

#include "testing.h"

static struct hptls_api api;
static const double CHILD_TIMEOUT = 10.0;

// How many times the runtime side is mapped (distinct files in the maps).
static int runtime_sides_mapped(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  CHECK(f != NULL);
  char line[512], seen[4][256];
  int n = 0;
  while (fgets(line, sizeof line, f)) {
    char *p = strstr(line, "/libhermetic_pyobject_tls_go.so");
    if (!p) continue;
    char *path = strchr(line, '/');
    path[strcspn(path, "\n")] = 0;
    int known = 0;
    for (int i = 0; i < n; i++) known |= strcmp(seen[i], path) == 0;
    if (!known && n < 4) snprintf(seen[n++], sizeof seen[0], "%s", path);
  }
  fclose(f);
  return n;
}

// --- race --------------------------------------------------------------------

static pthread_barrier_t barrier;

static void *first_write(void *arg) {
  bool on = (uintptr_t)arg & 1;
  pthread_barrier_wait(&barrier);
  api.set_state(on);
  if (api.get_state() != on) return (void *)1;
  api.set_state(!on);
  return api.get_state() == !on ? NULL : (void *)1;
}

static int race(int n) {
  CHECK(n > 0 && n <= 64);
  pthread_t t[64];
  pthread_barrier_init(&barrier, NULL, (unsigned)n);
  for (int i = 0; i < n; i++) start_thread(&t[i], first_write, (void *)(uintptr_t)i);
  int wrong = 0;
  for (int i = 0; i < n; i++) {
    void *r;
    CHECK(pthread_join(t[i], &r) == 0);
    wrong += r != NULL;
  }
  int sides = runtime_sides_mapped();
  printf("race: %d threads' first writes at once: %d wrong, runtime side mapped %d time(s), %d threads now\n", n,
         wrong, sides, count_threads());
  CHECK(wrong == 0);
  CHECK(sides == 1);
  return 0;
}

// --- fork-before -------------------------------------------------------------

static atomic_int stop;

static void *reader(void *unused) {
  (void)unused;
  while (!atomic_load(&stop)) CHECK(!api.get_state());
  return NULL;
}

static void *write_on_new_thread(void *unused) {
  (void)unused;
  if (api.get_state()) return (void *)1;
  api.set_state(true);
  return api.get_state() ? NULL : (void *)1;
}

// In a child of a process whose writes entered Go: writes stay in C, so no
// thread ever appears.
static void grandchild(void) {
  if (!api.get_state()) _exit(11); // inherited from the forking thread
  api.set_state(false);
  api.set_state(true);
  if (!api.get_state()) _exit(12);
  if (count_threads() != 1) _exit(13); // it entered Go: a runtime thread appeared
  _exit(0);
}

// A child of a parent that never wrote: its first write starts its own runtime.
static void child_of_unstarted(void) {
  if (count_threads() != 1) _exit(21);
  if (api.get_state() || api.have_state()) _exit(22);
  api.set_state(true);
  if (!api.get_state()) _exit(23);
  if (count_threads() < 2) _exit(24); // no runtime of its own started
  if (runtime_sides_mapped() != 1) _exit(25);
  pthread_t t;
  void *r;
  start_thread(&t, write_on_new_thread, NULL);
  if (pthread_join(t, &r) != 0 || r != NULL) _exit(26);
  api.init_state();
  if (!api.have_state()) _exit(27);
  pid_t pid = fork();
  if (pid < 0) _exit(28);
  if (pid == 0) grandchild();
  _exit(child_ok(wait_child(pid, CHILD_TIMEOUT)) ? 0 : 29);
}

static int fork_before(int n) {
  pthread_t readers[2];
  for (int i = 0; i < 2; i++) start_thread(&readers[i], reader, NULL);
  int failed = 0;
  for (int i = 0; i < n; i++) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) child_of_unstarted();
    int status = wait_child(pid, CHILD_TIMEOUT);
    if (!child_ok(status)) {
      failed++;
      fprintf(stderr, "child %d: %s %d\n", i, status == -1 ? "hung" : "exit status",
              status == -1 ? 0 : WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status));
    }
  }
  atomic_store(&stop, 1);
  for (int i = 0; i < 2; i++) join_thread(readers[i]);
  CHECK(runtime_sides_mapped() == 0); // the parent itself never started one
  api.set_state(true);
  CHECK(count_threads() > 1);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) grandchild();
  int after = child_ok(wait_child(pid, CHILD_TIMEOUT));
  printf("fork-before: %d of %d children of an unstarted parent started their own runtime and passed; "
         "child after the parent's start stayed in C: %s\n", n - failed, n, after ? "yes" : "NO");
  return failed == 0 && after ? 0 : 1;
}

// --- fork-during -------------------------------------------------------------

static void *start_it(void *unused) {
  (void)unused;
  api.set_state(true);
  return api.get_state() ? NULL : (void *)1;
}

static void during_child(void) {
  bool inherited = api.get_state(); // the main thread never set it
  if (inherited) _exit(31);
  api.set_state(true);
  if (!api.get_state()) _exit(32);
  api.init_state();
  if (!api.have_state()) _exit(33);
  _exit(count_threads() > 1 ? 0 : 1); // 0: it started its own runtime; 1: it stayed in C
}

static atomic_int own_runtime, in_c;

// One fresh process: a thread starts the runtime while main forks. Its exit
// status: 0, or a failure code; its children's verdicts go to counts.
static int one_start_with_forks(int counts_fd) {
  enum { FORKS = 6 };
  pthread_t t;
  pid_t kids[FORKS];
  start_thread(&t, start_it, NULL);
  for (int i = 0; i < FORKS; i++) {
    kids[i] = fork();
    if (kids[i] < 0) return 41;
    if (kids[i] == 0) during_child();
  }
  void *r;
  if (pthread_join(t, &r) != 0 || r != NULL) return 42;
  int bad = 0;
  char verdicts[FORKS];
  for (int i = 0; i < FORKS; i++) {
    int status = wait_child(kids[i], CHILD_TIMEOUT);
    bool done = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) <= 1;
    bad += !done;
    verdicts[i] = done ? (char)('0' + WEXITSTATUS(status)) : 'x';
  }
  if (write(counts_fd, verdicts, FORKS) != FORKS) return 44;
  return bad ? 43 : 0;
}

static int fork_during(int n) {
  int failed = 0, fds[2];
  CHECK(pipe(fds) == 0);
  for (int i = 0; i < n; i++) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) _exit(one_start_with_forks(fds[1]));
    int status = wait_child(pid, 4 * CHILD_TIMEOUT);
    if (!child_ok(status)) {
      failed++;
      fprintf(stderr, "round %d: %s %d\n", i, status == -1 ? "hung" : "exit status",
              status == -1 ? 0 : WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status));
    }
  }
  close(fds[1]);
  char v;
  while (read(fds[0], &v, 1) == 1) atomic_fetch_add(v == '0' ? &own_runtime : &in_c, v != 'x');
  printf("fork-during: %d of %d rounds (6 forks each while a thread starts the runtime) passed; "
         "children that started their own runtime: %d, that stayed in C: %d\n",
         n - failed, n, atomic_load(&own_runtime), atomic_load(&in_c));
  return failed == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s LIB race|fork-before|fork-during|first-write N\n", argv[0]);
    return 2;
  }
  api = load_api(argv[1], RTLD_NOW);
  int n = (int)arg_long(argc, argv, 3, 1);
  if (strcmp(argv[2], "race") == 0) return race(n);
  if (strcmp(argv[2], "fork-before") == 0) return fork_before(n);
  if (strcmp(argv[2], "fork-during") == 0) return fork_during(n);
  if (strcmp(argv[2], "first-write") == 0) {
    api.set_state(true);
    CHECK(api.get_state());
    printf("threads %d\n", count_threads());
    return 0;
  }
  fprintf(stderr, "unknown mode %s\n", argv[2]);
  return 2;
}
