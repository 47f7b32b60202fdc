// test_signals LIBRARY before|after: a host's own signal handlers keep
// working once the library (and the Go runtime in it) is loaded.
//
// The host installs SIGUSR1 and SIGINT handlers (SA_ONSTACK, as CPython's
// since 3.10) and ignores SIGPIPE (as CPython does), either before it
// dlopen()s the library or after. Then, while 3 threads keep calling the
// library (so signals also land while a thread is inside the Go runtime):
// - sigaction() still reports the host's handlers and flags;
// - each signal, sent to every thread of the host in turn (the main thread
//   and the callers) and to the process, runs the host's handler, once per
//   signal, and the process lives on;
// - the Go runtime's own threads block both signals (docs/reliability.md: the host's
//   signals reach the host's threads only), read from /proc/self/task/*/status;
// - a write to a pipe without reader fails with EPIPE, on the main thread and
//   on a caller, instead of killing the process.
// A signal that never reaches its handler is waited for up to 5 s, then
// counted as lost; the test fails on any lost signal.
//
// test_signals LIBRARY exec|exec-at-once: a host that ignores SIGPIPE before
// loading execs a program after loading (after a call, or at once), which must inherit SIGPIPE ignored, as it
// does without the library. The Go runtime replaces an ignored SIGPIPE with
// its own forwarding handler, and execve() resets handled signals to
// SIG_DFL, so the library puts SIG_IGN back once the runtime has started
// (cabi/sigpipe.c). See docs/reliability.md.
#include <sys/syscall.h>
#include <dirent.h>

#include "testing.h"

enum { CALLERS = 3, ROUNDS = 20, PROCESS_SIGNALS = 50 };
static const double DELIVERY_TIMEOUT = 5.0;

static struct hptls_api api;
static volatile int stop;
static int handled[NSIG];

static void on_signal(int sig, siginfo_t *info, void *context) {
  (void)context;
  if (info->si_signo == sig) __atomic_add_fetch(&handled[sig], 1, __ATOMIC_SEQ_CST);
}

static struct sigaction installed[NSIG];

static void install(int sig) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  CHECK(sigaction(sig, &sa, NULL) == 0);
  CHECK(sigaction(sig, NULL, &installed[sig]) == 0);
}

static void install_all(void) {
  install(SIGUSR1);
  install(SIGINT);
  CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
}

// The host's view of its handlers is what it installed.
static int handlers_changed(void) {
  int changed = 0;
  int sigs[] = {SIGUSR1, SIGINT};
  for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) {
    struct sigaction now;
    CHECK(sigaction(sigs[i], NULL, &now) == 0);
    const int ours = SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_RESETHAND | SA_NODEFER;
    if (now.sa_sigaction != installed[sigs[i]].sa_sigaction ||
        (now.sa_flags & ours) != (installed[sigs[i]].sa_flags & ours)) {
      fprintf(stderr, "signal %d: handler %p flags %#x, host installed %p flags %#x\n", sigs[i],
              (void *)now.sa_sigaction, now.sa_flags, (void *)installed[sigs[i]].sa_sigaction,
              installed[sigs[i]].sa_flags);
      changed++;
    }
  }
  return changed;
}

static pid_t caller_tids[CALLERS];

static void *caller(void *arg) {
  uintptr_t i = (uintptr_t)arg;
  __atomic_store_n(&caller_tids[i], (pid_t)syscall(SYS_gettid), __ATOMIC_SEQ_CST);
  while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
    bool want = (i++ & 1) != 0;
    api.set_state(want);
    if (api.get_state() != want) return (void *)1;
    if (!api.have_state()) return (void *)2;
  }
  return NULL;
}

// Waits until handled[sig] passes before; returns 0 if it never does.
static int delivered(int sig, int before) {
  double deadline = seconds_now() + DELIVERY_TIMEOUT;
  while (__atomic_load_n(&handled[sig], __ATOMIC_SEQ_CST) == before) {
    if (seconds_now() > deadline) return 0;
    usleep(50);
  }
  return 1;
}

static int list_threads(pid_t *tids, int max) {
  DIR *d = opendir("/proc/self/task");
  CHECK(d != NULL);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < max)
    if (e->d_name[0] != '.') tids[n++] = (pid_t)atoi(e->d_name);
  closedir(d);
  return n;
}

static pid_t host_tids[256];
static int host_threads;

static int is_host_thread(pid_t tid) {
  for (int i = 0; i < host_threads; i++)
    if (host_tids[i] == tid) return 1;
  for (int i = 0; i < CALLERS; i++)
    if (__atomic_load_n(&caller_tids[i], __ATOMIC_SEQ_CST) == tid) return 1;
  return 0;
}

// Whether thread tid blocks sig (SigBlk in /proc/self/task/TID/status); -1
// when the thread has ended.
static int thread_blocks(pid_t tid, int sig) {
  char name[32];
  snprintf(name, sizeof name, "%d", (int)tid);
  unsigned long long mask = 0;
  return thread_sigblk(name, &mask) ? (int)((mask >> (sig - 1)) & 1) : -1;
}

static int write_to_broken_pipe(void) {
  int fds[2];
  CHECK(pipe(fds) == 0);
  close(fds[0]);
  errno = 0;
  ssize_t n = write(fds[1], "x", 1);
  int err = errno;
  close(fds[1]);
  return n == -1 && err == EPIPE;
}

static void *broken_pipe_on_thread(void *arg) {
  api.set_state(true); // a thread the Go runtime has seen
  *(int *)arg = write_to_broken_pipe();
  return NULL;
}

// In the exec'd program: exit 0 if SIGPIPE is ignored.
static int report_sigpipe(void) {
  struct sigaction sa;
  CHECK(sigaction(SIGPIPE, NULL, &sa) == 0);
  return sa.sa_handler == SIG_IGN ? 0 : 1;
}

// call_first: a write before the exec (the runtime is surely up); otherwise
// the host execs right after dlopen() returns.
static int exec_inherits_ignored_sigpipe(const char *library, bool call_first) {
  CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
  api = load_api(library, RTLD_NOW | RTLD_LOCAL);
  if (call_first) api.set_state(true);
  struct sigaction now;
  CHECK(sigaction(SIGPIPE, NULL, &now) == 0);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    execl("/proc/self/exe", "test_signals", "-", "report-sigpipe", (char *)NULL);
    _exit(127);
  }
  int status = wait_child(pid, 10.0);
  printf("test_signals (exec): SIGPIPE ignored before loading; after loading, sigaction reports %s; "
         "an exec'd program inherits it %s\n",
         now.sa_handler == SIG_IGN ? "SIG_IGN" : "another handler",
         child_ok(status) ? "ignored" : "NOT ignored (SIG_DFL)");
  return child_ok(status) ? 0 : 1;
}

int main(int argc, char **argv) {
  CHECK(argc == 3);
  if (strcmp(argv[2], "report-sigpipe") == 0) return report_sigpipe();
  if (strcmp(argv[2], "exec") == 0) return exec_inherits_ignored_sigpipe(argv[1], true);
  if (strcmp(argv[2], "exec-at-once") == 0) return exec_inherits_ignored_sigpipe(argv[1], false);
  bool before = strcmp(argv[2], "before") == 0;
  CHECK(before || strcmp(argv[2], "after") == 0);

  pid_t tids[256];
  int threads_before_load = list_threads(host_tids, 256);
  host_threads = threads_before_load;
  if (before) install_all();
  api = load_api(argv[1], RTLD_NOW | RTLD_LOCAL);
  api.init_state();
  api.set_state(true);
  if (!before) install_all();
  int threads_after_load = list_threads(tids, 256);

  pthread_t t[CALLERS];
  for (uintptr_t i = 0; i < CALLERS; i++) start_thread(&t[i], caller, (void *)i);

  int changed = handlers_changed();
  int sent = 0, lost = 0, max_threads = 0, runtime_threads = 0, runtime_unblocked = 0;
  while (!__atomic_load_n(&caller_tids[CALLERS - 1], __ATOMIC_SEQ_CST)) usleep(100);
  int sigs[] = {SIGUSR1, SIGINT};
  for (int round = 0; round < ROUNDS; round++) {
    int n = list_threads(tids, 256);
    if (n > max_threads) max_threads = n;
    for (int i = 0; i < n; i++) {
      for (unsigned s = 0; s < sizeof sigs / sizeof *sigs; s++) {
        int sig = sigs[s];
        if (!is_host_thread(tids[i])) { // a thread of the Go runtime
          int blocks = thread_blocks(tids[i], sig);
          runtime_threads += blocks >= 0;
          if (blocks == 0) {
            runtime_unblocked++;
            fprintf(stderr, "runtime thread %d does not block signal %d\n", (int)tids[i], sig);
          }
          continue;
        }
        int count = __atomic_load_n(&handled[sig], __ATOMIC_SEQ_CST);
        if (syscall(SYS_tgkill, getpid(), tids[i], sig) != 0) {
          CHECK(errno == ESRCH); // that thread has ended
          continue;
        }
        sent++;
        if (!delivered(sig, count)) {
          lost++;
          fprintf(stderr, "signal %d to thread %d: handler never ran\n", sig, (int)tids[i]);
        }
      }
    }
  }
  for (int i = 0; i < PROCESS_SIGNALS; i++) {
    for (unsigned s = 0; s < sizeof sigs / sizeof *sigs; s++) {
      int count = __atomic_load_n(&handled[sigs[s]], __ATOMIC_SEQ_CST);
      CHECK(kill(getpid(), sigs[s]) == 0);
      sent++;
      lost += !delivered(sigs[s], count);
    }
  }
  int handled_total = handled[SIGUSR1] + handled[SIGINT];

  int pipe_main = write_to_broken_pipe();
  int pipe_thread = 0;
  pthread_t p;
  start_thread(&p, broken_pipe_on_thread, &pipe_thread);
  join_thread(p);

  __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
  for (int i = 0; i < CALLERS; i++) {
    void *failed;
    CHECK(pthread_join(t[i], &failed) == 0);
    CHECK(failed == NULL);
  }
  changed += handlers_changed();
  CHECK(api.get_state());

  printf("test_signals (handlers installed %s loading): threads %d before load, %d after, up to %d "
         "with callers; %d signals sent, %d handled, %d lost; handlers changed: %d; "
         "EPIPE on main thread %s, on a caller %s; runtime threads seen %d times, "
         "not blocking a host signal %d times\n",
         before ? "before" : "after", threads_before_load, threads_after_load, max_threads, sent,
         handled_total, lost, changed, pipe_main ? "yes" : "NO", pipe_thread ? "yes" : "NO", runtime_threads, runtime_unblocked);
  CHECK(lost == 0 && handled_total == sent);
  CHECK(changed == 0);
  CHECK(runtime_threads > 0 && runtime_unblocked == 0);
  CHECK(pipe_main && pipe_thread);
  return 0;
}
