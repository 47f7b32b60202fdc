// test_child_signals LIBRARY CHILDREN: signals the Go runtime handles behave
// in the host as without the library (docs/reliability.md, "A guest in other people's processes").
//
// The host installs a SIGURG handler and records SIGPIPE, SIGSEGV, SIGBUS and
// SIGFPE's actions, then dlopen()s the library; 8 threads keep starting
// short-lived writer threads.
// - SIGURG sent to the process 50 times runs the host's handler 50 times
//   (the Go runtime's handler used to take it for good);
// - each of CHILDREN forked children finds the pre-load actions in place and
//   dies of SIGPIPE (a write to a pipe without reader) or SIGSEGV (a null
//   write) as SIG_DFL wants, in time: none runs Go's handler, which could
//   hang entering a runtime that has no threads in the child.
#include "testing.h"

enum { SPAWNERS = 8, URGS = 50 };
static const double CHILD_TIMEOUT = 5.0;
static const int recorded[] = {SIGPIPE, SIGSEGV, SIGBUS, SIGFPE};
enum { RECORDED = sizeof recorded / sizeof recorded[0] };

static struct hptls_api api;
static struct sigaction before[RECORDED];
static volatile int stop, urgs;

static void on_urg(int sig) {
  (void)sig;
  __atomic_add_fetch(&urgs, 1, __ATOMIC_SEQ_CST);
}

static void *short_writer(void *arg) {
  (void)arg;
  api.set_state(true);
  return NULL;
}

static void *spawner(void *arg) {
  (void)arg;
  while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
    pthread_t t;
    if (pthread_create(&t, NULL, short_writer, NULL) == 0) pthread_join(t, NULL);
  }
  return NULL;
}

static int child(long n) {
  for (int i = 0; i < RECORDED; i++) {
    struct sigaction now;
    sigaction(recorded[i], NULL, &now);
    if (now.sa_handler != before[i].sa_handler) return 10 + i;
  }
  if (n & 1) {
    int fds[2];
    if (pipe(fds) != 0) return 20;
    close(fds[0]);
    (void)!write(fds[1], "x", 1);
    return 21; // SIGPIPE should have ended the process
  }
  *(volatile int *)(uintptr_t)(n & 2) = 1; // address 0
  return 22;
}

int main(int argc, char **argv) {
  CHECK(argc == 3);
  long children = arg_long(argc, argv, 2, 100);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_urg;
  sa.sa_flags = SA_ONSTACK | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  CHECK(sigaction(SIGURG, &sa, NULL) == 0);
  for (int i = 0; i < RECORDED; i++) CHECK(sigaction(recorded[i], NULL, &before[i]) == 0);
  api = load_api(argv[1], RTLD_NOW | RTLD_LOCAL);
  api.set_state(true);

  pthread_t t[SPAWNERS];
  for (int i = 0; i < SPAWNERS; i++) start_thread(&t[i], spawner, NULL);
  int urg_got = 0;
  for (int i = 0; i < URGS; i++) {
    int was = __atomic_load_n(&urgs, __ATOMIC_SEQ_CST);
    CHECK(kill(getpid(), SIGURG) == 0);
    double deadline = seconds_now() + 2.0;
    while (__atomic_load_n(&urgs, __ATOMIC_SEQ_CST) == was && seconds_now() < deadline) usleep(100);
    urg_got += __atomic_load_n(&urgs, __ATOMIC_SEQ_CST) != was;
  }

  int ok = 0, hung = 0, wrong = 0;
  for (long n = 0; n < children; n++) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) _exit(child(n));
    int status = wait_child(pid, CHILD_TIMEOUT);
    int want = (n & 1) ? SIGPIPE : SIGSEGV;
    if (status == -1)
      hung++;
    else if (WIFSIGNALED(status) && WTERMSIG(status) == want)
      ok++;
    else {
      wrong++;
      if (wrong <= 3)
        fprintf(stderr, "child %ld: %s %d\n", n, WIFSIGNALED(status) ? "signal" : "exit",
                WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    }
    if (hung >= 3) break;
  }
  __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
  for (int i = 0; i < SPAWNERS; i++) join_thread(t[i]);
  printf("test_child_signals: host SIGURG handler ran %d/%d; children dying of SIGPIPE/SIGSEGV as "
         "without the library %d/%ld (%d hung, %d otherwise)\n",
         urg_got, URGS, ok, children, hung, wrong);
  return urg_got == URGS && ok == children ? 0 : 1;
}
