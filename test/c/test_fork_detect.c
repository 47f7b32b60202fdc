// test_fork_detect LIBRARY atfork-first|_Fork|clone CHILDREN: a new process
// is recognised without our pthread_atfork handler (issue 13, item 5).
//
// While 3 threads keep writing, the main thread makes CHILDREN children:
//   atfork-first: with fork(), and a pthread_atfork child handler the host
//                 registered before dlopen() (so it runs before ours) writes;
//   _Fork:        with glibc's _Fork(), which runs no atfork handler;
//   clone:        with a raw clone() system call (no CLONE_VM).
// Each child writes (set_state true/false, init_state), reads back and exits
// 0; a child that enters the Go runtime there can hang, and is killed after
// its timeout and counted. Every child must exit 0 in time.
#include <sched.h>
#include <sys/syscall.h>

#include "testing.h"

extern pid_t _Fork(void);

enum { WRITERS = 3 };
static const double CHILD_TIMEOUT = 5.0;

static struct hptls_api api;
static volatile int stop, api_ready;

static void *writer(void *arg) {
  uintptr_t i = (uintptr_t)arg;
  while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) api.set_state((i++ & 1) != 0);
  return NULL;
}

// The child's checks; returns its exit status.
static int child_writes(void) {
  api.set_state(true);
  if (!api.get_state()) return 3;
  api.init_state();
  if (!api.have_state()) return 4;
  api.set_state(false);
  return api.get_state() ? 5 : 0;
}

static int atfork_result = -1;
static void host_child_handler(void) {
  if (__atomic_load_n(&api_ready, __ATOMIC_SEQ_CST)) atfork_result = child_writes();
}

int main(int argc, char **argv) {
  CHECK(argc == 4);
  const char *mode = argv[2];
  long children = arg_long(argc, argv, 3, 30);
  int atfork = strcmp(mode, "atfork-first") == 0;
  CHECK(atfork || strcmp(mode, "_Fork") == 0 || strcmp(mode, "clone") == 0);
  if (atfork) CHECK(pthread_atfork(NULL, NULL, host_child_handler) == 0);
  api = load_api(argv[1], RTLD_NOW | RTLD_LOCAL);
  api.set_state(true);
  __atomic_store_n(&api_ready, 1, __ATOMIC_SEQ_CST);

  pthread_t t[WRITERS];
  for (uintptr_t i = 0; i < WRITERS; i++) start_thread(&t[i], writer, (void *)i);
  usleep(20000);
  int ok = 0, hung = 0, failed = 0;
  for (long n = 0; n < children; n++) {
    pid_t pid;
    if (atfork)
      pid = fork();
    else if (mode[0] == '_')
      pid = _Fork();
    else
      pid = (pid_t)syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
    CHECK(pid >= 0);
    if (pid == 0) _exit(atfork ? atfork_result : child_writes());
    int status = wait_child(pid, CHILD_TIMEOUT);
    if (status == -1)
      hung++;
    else if (child_ok(status))
      ok++;
    else
      failed++;
    if (hung >= 3) break; // enough to fail; keep the run short
  }
  __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
  for (int i = 0; i < WRITERS; i++) join_thread(t[i]);
  printf("test_fork_detect %s: %d children exited 0, %d hung (killed after %.0f s), %d failed, "
         "of %ld\n", mode, ok, hung, CHILD_TIMEOUT, failed, children);
  return ok == children ? 0 : 1;
}
