// test_load_only: a process that maps the library and only reads has nothing
// of Go in it: one thread, every signal's action and the signal mask as
// without the library, and unshare(CLONE_NEWUSER) works (the kernel refuses
// it in a multithreaded process, so a Go runtime makes it fail with EINVAL).
//
//   test_load_only report        prints one line: threads, signal mask, every
//                                signal's action, and what unshare() said;
//                                built as test_load_only_linked (the library
//                                a DT_NEEDED of it) it reads first. A check
//                                compares the line with and without the
//                                library (check_load_only.sh).
//   test_load_only LIB           the same within one process, before and after
//                                dlopen() and reads; then the first write:
//                                the runtime starts (threads appear, unshare
//                                fails), and reads and writes agree.
#include <sched.h>

#include "hermetic_pyobject_tls.h"
#include "testing.h"

// One line: the mask, then each signal's action (D default, I ignore, H a
// handler) with its flags. SA_RESTORER is left out: glibc's sigaction()
// adds it to whatever it sets.
static void describe_signals(char *out, size_t size) {
  sigset_t mask;
  CHECK(pthread_sigmask(SIG_SETMASK, NULL, &mask) == 0);
  size_t at = 0;
  at += (size_t)snprintf(out + at, size - at, "mask=");
  for (int sig = 1; sig < NSIG; sig++) at += (size_t)snprintf(out + at, size - at, "%d", sigismember(&mask, sig));
  at += (size_t)snprintf(out + at, size - at, " actions=");
  for (int sig = 1; sig < NSIG && at < size; sig++) {
    struct sigaction sa;
    if (sigaction(sig, NULL, &sa) != 0) continue;
    char kind = sa.sa_handler == SIG_DFL ? 'D' : sa.sa_handler == SIG_IGN ? 'I' : 'H';
    at += (size_t)snprintf(out + at, size - at, "%d%c%x,", sig, kind, (unsigned)sa.sa_flags & ~0x04000000u);
  }
}

static const char *try_unshare(void) {
  if (unshare(CLONE_NEWUSER) == 0) return "ok";
  return errno == EINVAL ? "EINVAL" : strerror(errno);
}

static int report(void) {
#ifdef LINKED
  CHECK(!hermetic_pyobject_tls_get_state() && !hermetic_pyobject_tls_have_state());
#endif
  static char signals[8192];
  describe_signals(signals, sizeof signals);
  int n = count_threads();
  printf("threads=%d unshare=%s %s\n", n, try_unshare(), signals);
  return 0;
}

static int load_then_write(const char *path) {
  static char before[8192], after[8192];
  describe_signals(before, sizeof before);
  CHECK(count_threads() == 1);
  struct hptls_api api = load_api(path, RTLD_NOW);
  CHECK(!api.get_state() && !api.have_state());
  describe_signals(after, sizeof after);
  int loaded_threads = count_threads();
  printf("after dlopen and reads: %d thread(s), signals %s\n", loaded_threads,
         strcmp(before, after) == 0 ? "unchanged" : "CHANGED");
  CHECK(loaded_threads == 1);
  CHECK(strcmp(before, after) == 0);
  // A multithreaded process gets EINVAL, which is what a started runtime
  // would cause. Where user namespaces are refused to every process (a
  // chroot: EPERM; a container's seccomp policy) the call fails for that
  // reason, library or not; it must still not be EINVAL.
  const char *ns = try_unshare();
  printf("unshare(CLONE_NEWUSER) after load: %s%s\n", ns,
         strcmp(ns, "ok") == 0 || strcmp(ns, "EINVAL") == 0
             ? ""
             : " (user namespaces are refused here for another reason, library or not)");
  CHECK(strcmp(ns, "EINVAL") != 0);

  // The first write starts the runtime.
  api.set_state(true);
  CHECK(api.get_state());
  api.init_state();
  CHECK(api.have_state());
  int written_threads = count_threads();
  ns = try_unshare();
  printf("after the first write: %d threads, unshare(CLONE_NEWUSER): %s\n", written_threads, ns);
  CHECK(written_threads > 1);
  CHECK(strcmp(ns, "EINVAL") == 0);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "report") == 0) return report();
  if (argc == 2) return load_then_write(argv[1]);
  fprintf(stderr, "usage: %s report | LIB\n", argv[0]);
  return 2;
}
