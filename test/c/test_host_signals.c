// test_host_signals: a host that takes its signals with sigwait()/signalfd()
// gets them all, as without the library, and a write leaves the caller's
// signal mask as it found it.
//
//   test_host_signals sigwait ROUNDS   main blocks every signal, writes, and
//       sigwaits for SIGTERM, SIGCHLD and SIGWINCH sent to the process (and a
//       SIGCHLD from a child that exits): each must arrive, none may kill.
//   test_host_signals signalfd ROUNDS  the same through a signalfd.
//   test_host_signals mask ROUNDS      on new threads with assorted masks,
//       the first and later set_state/init_state leave the mask unchanged.
//   test_host_signals chain ROUNDS     after the load the host installs its
//       own SIGPROF handler, which calls the handler it replaced (what
//       profilers and crash reporters do); ROUNDS raise()s of SIGPROF each
//       run the host's handler once, and the process lives.
//   test_host_signals siginfo ROUNDS   main blocks every signal and takes
//       with sigwaitinfo() what the kernel sent: a child's SIGCHLD with that
//       child's pid and status, ITIMER_PROF's SIGPROF as SI_KERNEL, and a
//       sigqueue()d SIGRTMIN with its value.
//   test_host_signals reset ROUNDS     as sigwait for a child's SIGCHLD, but
//       the host sets SIGCHLD to SIG_DFL after the load first.
//   test_host_signals threads ROUNDS   after ROUNDS threads wrote, every other
//       thread of the process (the runtime's) blocks every signal but the
//       synchronous ones and glibc's 32 and 33 (read from /proc).
//   test_host_signals eintr ROUNDS     main blocks nothing and leaves SIGCHLD
//       at SIG_DFL; a child exits while main sleeps in poll() or
//       nanosleep(): neither may return EINTR.
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <dirent.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hermetic_pyobject_tls.h"
#include "testing.h"

static int failures;

#define FAIL(...)                                                                                  \
  do {                                                                                             \
    fprintf(stderr, "FAIL: " __VA_ARGS__);                                                         \
    fputc('\n', stderr);                                                                           \
    failures++;                                                                                    \
  } while (0)

// Waits up to 5 s for sig; 0 on a timeout.
static int take(int sig, siginfo_t *info) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  struct timespec ts = {5, 0};
  int got;
  do got = sigtimedwait(&set, info, &ts);
  while (got < 0 && errno == EINTR);
  return got == sig;
}

static int wait_for(int how, int fd, int want) {
  if (how == 0) return take(want, NULL);
  struct signalfd_siginfo si;
  for (;;) {
    fd_set r;
    FD_ZERO(&r);
    FD_SET(fd, &r);
    struct timeval tv = {5, 0};
    if (select(fd + 1, &r, NULL, NULL, &tv) <= 0) return 0;
    if (read(fd, &si, sizeof si) != sizeof si) return 0;
    if ((int)si.ssi_signo == want) return 1;
  }
}

static void *writer(void *arg) {
  (void)arg;
  hermetic_pyobject_tls_set_state(true);
  hermetic_pyobject_tls_set_state(false);
  return NULL;
}

static int run_waits(int how, int rounds) {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, NULL);
  int fd = -1;
  if (how == 1) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGWINCH);
    fd = signalfd(-1, &set, SFD_CLOEXEC);
    if (fd < 0) {
      perror("signalfd");
      return 1;
    }
  }
  const int sigs[] = {SIGTERM, SIGCHLD, SIGWINCH};
  int got[3] = {0, 0, 0}, child_got = 0;
  for (int r = 0; r < rounds; r++) {
    pthread_t t; // a new thread enters Go: the runtime may start more threads
    pthread_create(&t, NULL, writer, NULL);
    pthread_join(t, NULL);
    hermetic_pyobject_tls_set_state(r & 1);
    for (int i = 0; i < 3; i++) {
      kill(getpid(), sigs[i]);
      got[i] += wait_for(how, fd, sigs[i]);
    }
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    child_got += wait_for(how, fd, SIGCHLD);
    waitpid(pid, NULL, 0);
  }
  printf("%s: SIGTERM %d/%d, SIGCHLD %d/%d, SIGWINCH %d/%d, child's SIGCHLD %d/%d\n",
         how ? "signalfd" : "sigwait", got[0], rounds, got[1], rounds, got[2], rounds, child_got,
         rounds);
  if (got[0] != rounds || got[1] != rounds || got[2] != rounds || child_got != rounds)
    FAIL("a signal the host blocks for itself did not reach it");
  return failures != 0;
}

static const int masks[][4] = {
    {0, 0, 0, 0},                      // nothing blocked
    {SIGCHLD, SIGURG, SIGPROF, SIGSEGV}, // what Go unblocks
    {SIGTERM, SIGINT, SIGUSR1, 0},
    {-1, 0, 0, 0}, // everything
};

static int same_mask(const sigset_t *a, const sigset_t *b) {
  for (int s = 1; s < NSIG; s++)
    if (sigismember(a, s) != sigismember(b, s)) return 0;
  return 1;
}

static void *check_mask(void *arg) {
  const int *m = arg;
  sigset_t want, now;
  sigemptyset(&want);
  if (m[0] == -1)
    sigfillset(&want);
  else
    for (int i = 0; i < 4; i++)
      if (m[i]) sigaddset(&want, m[i]);
  pthread_sigmask(SIG_SETMASK, &want, NULL);
  pthread_sigmask(SIG_SETMASK, NULL, &want); // what the kernel keeps of it
  for (int i = 0; i < 3; i++) {
    if (i == 1)
      hermetic_pyobject_tls_init_state();
    else
      hermetic_pyobject_tls_set_state(i == 0);
    pthread_sigmask(SIG_SETMASK, NULL, &now);
    if (!same_mask(&want, &now)) {
      for (int s = 1; s < NSIG; s++)
        if (sigismember(&want, s) != sigismember(&now, s))
          fprintf(stderr, "  signal %d (%s): %s after call %d\n", s, strsignal(s),
                  sigismember(&now, s) ? "blocked" : "unblocked", i);
      return (void *)1;
    }
  }
  return NULL;
}

static int run_masks(int rounds) {
  int bad = 0;
  for (int r = 0; r < rounds; r++)
    for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++) {
      pthread_t t;
      void *res;
      pthread_create(&t, NULL, check_mask, (void *)masks[i]);
      pthread_join(t, &res);
      bad += res != NULL;
    }
  printf("mask: %d of %d threads left with another signal mask\n", bad,
         rounds * (int)(sizeof masks / sizeof masks[0]));
  return bad != 0;
}

static struct sigaction replaced;
static volatile sig_atomic_t host_calls;

static void chaining_handler(int sig, siginfo_t *info, void *context) {
  host_calls++;
  if ((replaced.sa_flags & SA_SIGINFO) && replaced.sa_sigaction)
    replaced.sa_sigaction(sig, info, context);
  else if (replaced.sa_handler != SIG_DFL && replaced.sa_handler != SIG_IGN)
    replaced.sa_handler(sig);
}

static int run_chain(int rounds) {
  hermetic_pyobject_tls_set_state(true);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = chaining_handler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGPROF, &sa, &replaced) != 0) {
    perror("sigaction");
    return 1;
  }
  for (int r = 0; r < rounds; r++) raise(SIGPROF);
  struct sigaction now;
  sigaction(SIGPROF, NULL, &now);
  int kept = (now.sa_flags & SA_SIGINFO) && now.sa_sigaction == chaining_handler;
  printf("chain: the host's SIGPROF handler ran %d/%d times, still installed: %d\n", (int)host_calls,
         rounds, kept);
  return host_calls == rounds && kept ? 0 : 1;
}

static void block_all(void) {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, NULL);
}

// A child's SIGCHLD, taken with sigwaitinfo: 1 when it carries the child's
// pid and exit status. The child exits while this thread is busy elsewhere
// (in waitid), not waiting in sigtimedwait(), as in an event loop: the kernel
// then picks whichever thread does not block SIGCHLD.
static int child_sigchld(int status) {
  pid_t pid = fork();
  if (pid == 0) _exit(status);
  siginfo_t info;
  memset(&info, 0, sizeof info);
  while (waitid(P_PID, pid, &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
  }
  int ok = take(SIGCHLD, &info) && info.si_code == CLD_EXITED && info.si_pid == pid &&
           info.si_status == status;
  waitpid(pid, NULL, 0);
  return ok;
}

static int run_siginfo(int rounds) {
  block_all();
  int child = 0, prof = 0, rt = 0;
  for (int r = 0; r < rounds; r++) {
    pthread_t t; // a new thread enters Go: the runtime may start more threads
    pthread_create(&t, NULL, writer, NULL);
    pthread_join(t, NULL);
    child += child_sigchld(r & 0x7f);

    // ITIMER_PROF counts this process's CPU time: spin until it fires.
    struct itimerval it = {{0, 0}, {0, 10000}};
    setitimer(ITIMER_PROF, &it, NULL);
    sigset_t set, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGPROF);
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
      sigpending(&pending);
      clock_gettime(CLOCK_MONOTONIC, &now);
    } while (!sigismember(&pending, SIGPROF) && now.tv_sec - t0.tv_sec < 2);
    siginfo_t info;
    prof += take(SIGPROF, &info) && info.si_code == SI_KERNEL;

    union sigval v = {.sival_int = r + 1};
    sigqueue(getpid(), SIGRTMIN, v);
    rt += take(SIGRTMIN, &info) && info.si_code == SI_QUEUE && info.si_value.sival_int == r + 1 &&
          info.si_pid == getpid();
  }
  printf("siginfo: child's SIGCHLD %d/%d, ITIMER_PROF's SIGPROF %d/%d, SIGRTMIN %d/%d\n", child,
         rounds, prof, rounds, rt, rounds);
  if (child != rounds || prof != rounds || rt != rounds)
    FAIL("a signal reached sigwaitinfo() without the kernel's siginfo, or not at all");
  return failures != 0;
}

static int run_reset(int rounds) {
  block_all();
  hermetic_pyobject_tls_set_state(true);
  signal(SIGCHLD, SIG_DFL); // what Python's subprocess and many daemons do
  int child = 0;
  for (int r = 0; r < rounds; r++) {
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL);
    pthread_join(t, NULL);
    child += child_sigchld(r & 0x7f);
  }
  printf("reset: child's SIGCHLD %d/%d after SIGCHLD was set to SIG_DFL\n", child, rounds);
  if (child != rounds) FAIL("a child's SIGCHLD did not reach sigwaitinfo()");
  return failures != 0;
}

static int run_eintr(int rounds) {
  sigset_t none;
  sigemptyset(&none);
  pthread_sigmask(SIG_SETMASK, &none, NULL);
  hermetic_pyobject_tls_set_state(true);
  int eintr_poll = 0, eintr_sleep = 0;
  for (int r = 0; r < rounds; r++) {
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL);
    pthread_join(t, NULL);
    for (int how = 0; how < 2; how++) {
      pid_t pid = fork();
      if (pid == 0) {
        usleep(20000);
        _exit(0);
      }
      int rc;
      if (how == 0) {
        rc = poll(NULL, 0, 200);
        eintr_poll += rc < 0 && errno == EINTR;
      } else {
        struct timespec ts = {0, 200000000};
        rc = nanosleep(&ts, NULL);
        eintr_sleep += rc < 0 && errno == EINTR;
      }
      waitpid(pid, NULL, 0);
    }
  }
  printf("eintr: poll() %d/%d and nanosleep() %d/%d interrupted by a child's exit\n", eintr_poll,
         rounds, eintr_sleep, rounds);
  if (eintr_poll || eintr_sleep) FAIL("an ignored SIGCHLD interrupted the host's system calls");
  return failures != 0;
}

// What the Go runtime needs unblocked on its threads: faults, and glibc's
// SIGCANCEL and SIGSETXID (setuid() signals every thread and waits).
static int runtime_may_unblock(int sig) {
  switch (sig) {
  case SIGKILL: case SIGSTOP: // cannot be blocked
  case SIGILL: case SIGTRAP: case SIGBUS: case SIGFPE: case SIGSEGV: case SIGSYS: case 32: case 33:
    return 1;
  }
  return 0;
}

static int run_threads(int rounds) {
  hermetic_pyobject_tls_set_state(true);
  for (int r = 0; r < rounds; r++) {
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL);
    pthread_join(t, NULL);
  }
  usleep(100000); // let the runtime settle (idle Ms, GC workers)
  char self[32];
  snprintf(self, sizeof self, "%ld", (long)syscall(SYS_gettid));
  DIR *d = opendir("/proc/self/task");
  if (!d) {
    perror("/proc/self/task");
    return 1;
  }
  int threads = 0, bad = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.' || !strcmp(e->d_name, self)) continue;
    unsigned long long blk = 0;
    if (!thread_sigblk(e->d_name, &blk)) continue; // exited meanwhile
    threads++;
    for (int sig = 1; sig <= 64; sig++)
      if (!(blk >> (sig - 1) & 1) && !runtime_may_unblock(sig)) {
        fprintf(stderr, "  runtime thread %s: signal %d (%s) unblocked\n", e->d_name, sig, strsignal(sig));
        bad++;
      }
  }
  closedir(d);
  printf("threads: %d runtime threads, %d signals unblocked that the host may want\n", threads, bad);
  if (threads == 0) FAIL("no runtime thread found: the runtime did not start");
  if (bad) FAIL("a runtime thread can take a process-directed signal of the host's");
  return failures != 0;
}

int main(int argc, char **argv) {
  alarm(120); // never hang: SIGALRM ends the test
  if (argc != 3) {
    fprintf(stderr, "usage: %s sigwait|signalfd|mask|chain|siginfo|reset|eintr|threads ROUNDS\n", argv[0]);
    return 2;
  }
  int rounds = atoi(argv[2]);
  if (!strcmp(argv[1], "sigwait")) return run_waits(0, rounds);
  if (!strcmp(argv[1], "signalfd")) return run_waits(1, rounds);
  if (!strcmp(argv[1], "mask")) return run_masks(rounds);
  if (!strcmp(argv[1], "chain")) return run_chain(rounds);
  if (!strcmp(argv[1], "siginfo")) return run_siginfo(rounds);
  if (!strcmp(argv[1], "reset")) return run_reset(rounds);
  if (!strcmp(argv[1], "eintr")) return run_eintr(rounds);
  if (!strcmp(argv[1], "threads")) return run_threads(rounds);
  fprintf(stderr, "unknown mode %s\n", argv[1]);
  return 2;
}
