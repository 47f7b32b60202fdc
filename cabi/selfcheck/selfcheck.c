// selfcheck: scripts/build-library.sh runs it on every library it builds, so
// that a Go release which changes what the guards rely on (go_internals.c)
// fails the build instead of passing unnoticed.
//
//   selfcheck shared FRONT [emulated]  FRONT: the built front library
//   selfcheck static [emulated]        built with -DSELFCHECK_STATIC and
//                                      linked with the built archive
//
// It must exit 0 with nothing on stderr (build-library.sh runs it without
// GODEBUG and treats any stderr line, such as the library's own warnings, as
// a failure). It checks:
//   - shared: loading the front starts nothing: one thread, every signal's
//     action and the mask as before;
//   - a write and a read work; after the write, the runtime side reports
//     every guard in place (shared);
//   - every thread of the runtime blocks the host's signals: SIGTERM (the
//     mask it started with) and SIGSTKFLT, SIGCHLD, SIGPROF and, under glibc,
//     SIGRTMIN (the patched table), read from /proc (not "emulated": under
//     qemu-user /proc shows the emulator's threads);
//   - SIGURG is the host's action again (asynchronous preemption is off).
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cabi.h"
#include "hermetic_pyobject_tls.h"

static int failures;

static void fail(const char *what) {
  printf("selfcheck: FAIL: %s\n", what);
  failures++;
}

static int count_threads(void) {
  DIR *d = opendir("/proc/self/task");
  if (!d) return -1;
  int n = 0;
  for (struct dirent *e; (e = readdir(d));)
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

// The signal mask of thread tid, from /proc, or 0 when unreadable.
static unsigned long long blocked_of(const char *tid) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/self/task/%s/status", tid);
  FILE *f = fopen(path, "r");
  unsigned long long mask = 0;
  if (!f) return 0;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "SigBlk: %llx", &mask) == 1) break;
  fclose(f);
  return mask;
}

// Every thread but this one is the runtime's: each must block the host's.
static void check_runtime_masks(void) {
  static const int host_signals[] = {SIGTERM, SIGSTKFLT, SIGCHLD, SIGPROF,
#ifdef __GLIBC__
                                     34,
#endif
  };
  char self[32];
  snprintf(self, sizeof self, "%ld", (long)syscall(SYS_gettid)); // gettid(): glibc 2.30
  int runtime_threads = 0;
  // The runtime starts its threads on its own schedule: give it a moment.
  for (int tries = 0; tries < 200 && count_threads() < 3; tries++) usleep(5000);
  DIR *d = opendir("/proc/self/task");
  if (!d) return fail("cannot read /proc/self/task");
  for (struct dirent *e; (e = readdir(d));) {
    if (e->d_name[0] == '.' || strcmp(e->d_name, self) == 0) continue;
    runtime_threads++;
    unsigned long long mask = blocked_of(e->d_name);
    for (unsigned i = 0; i < sizeof host_signals / sizeof host_signals[0]; i++) {
      if (!(mask & (1ULL << (host_signals[i] - 1)))) {
        char what[160];
        snprintf(what, sizeof what, "runtime thread %s leaves signal %d unblocked (SigBlk %016llx)",
                 e->d_name, host_signals[i], mask);
        fail(what);
      }
    }
  }
  closedir(d);
  if (runtime_threads == 0) fail("no runtime thread after a write");
}

struct signals {
  struct sigaction action[NSIG];
  sigset_t mask;
};

static void snapshot(struct signals *s) {
  memset(s, 0, sizeof *s);
  for (int sig = 1; sig < NSIG; sig++) sigaction(sig, NULL, &s->action[sig]);
  pthread_sigmask(SIG_SETMASK, NULL, &s->mask);
}

// SA_RESTORER (x86-64): glibc's sigaction() adds it to every action it sets.
#define RESTORER 0x04000000

static bool same_action(const struct sigaction *a, const struct sigaction *b) {
  return a->sa_handler == b->sa_handler && (a->sa_flags & ~RESTORER) == (b->sa_flags & ~RESTORER);
}

int main(int argc, char **argv) {
  if (argc < 2 || (strcmp(argv[1], "shared") != 0 && strcmp(argv[1], "static") != 0) ||
      (strcmp(argv[1], "shared") == 0 && argc < 3)) {
    fprintf(stderr, "usage: %s shared FRONT [emulated] | static\n", argv[0]);
    return 2;
  }
  bool shared = strcmp(argv[1], "shared") == 0;
  bool emulated = shared ? argc > 3 && strcmp(argv[3], "emulated") == 0 : argc > 2;
  struct sigaction urg_before;
  sigaction(SIGURG, NULL, &urg_before);

#ifdef SELFCHECK_STATIC
  if (shared) return fail("this selfcheck was built for the static archive"), 2;
  void (*set_state)(bool) = hermetic_pyobject_tls_set_state;
  bool (*get_state)(void) = hermetic_pyobject_tls_get_state;
#else
  if (!shared) return fail("this selfcheck was built for the shared library"), 2;
  void (*set_state)(bool) = NULL;
  bool (*get_state)(void) = NULL;
#endif
  const struct hptls_runtime *runtime = NULL;
  if (shared) {
    struct signals before, after;
    int threads = count_threads();
    snapshot(&before);
    void *front = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
    if (!front) {
      printf("selfcheck: FAIL: dlopen %s: %s\n", argv[2], dlerror());
      return 1;
    }
    *(void **)&set_state = dlsym(front, "hermetic_pyobject_tls_set_state");
    *(void **)&get_state = dlsym(front, "hermetic_pyobject_tls_get_state");
    if (!set_state || !get_state) return fail("the front lacks its entry points"), 1;
    snapshot(&after);
    if (!emulated && count_threads() != threads) fail("loading the front started a thread");
    for (int sig = 1; sig < NSIG; sig++)
      if (!same_action(&before.action[sig], &after.action[sig])) fail("loading the front changed a signal's action");
    if (memcmp(&before.mask, &after.mask, sizeof before.mask) != 0) fail("loading the front changed the signal mask");
  }

  set_state(true);
  if (!get_state()) fail("get_state() after set_state(true) is false");
  set_state(false);
  if (get_state()) fail("get_state() after set_state(false) is true");

  if (shared) {
    void *side = dlopen("libhermetic_pyobject_tls_go.so." HERMETIC_PYOBJECT_TLS_VERSION, RTLD_NOW | RTLD_NOLOAD);
    runtime = side ? dlsym(side, "hptls_runtime") : NULL;
    if (!runtime) {
      fail("the runtime side is not loaded after a write");
    } else {
      unsigned want = HPTLS_GUARD_SIGTABLE | HPTLS_GUARD_PREEMPTOFF | HPTLS_GUARD_SIGURG |
                      HPTLS_GUARD_CROSSCALL2 | HPTLS_GUARD_INIT_RAN;
      unsigned got = runtime->report();
      static const char *names[] = {"the signal table patch", "asyncpreemptoff=1 in effect",
                                    "SIGURG given back", "the crosscall2 wrapper", "Go's package init"};
      for (int bit = 0; bit < 5; bit++)
        if ((want & (1u << bit)) && !(got & (1u << bit))) {
          char what[96];
          snprintf(what, sizeof what, "the runtime side reports no %s", names[bit]);
          fail(what);
        }
    }
  }
  struct sigaction urg_after;
  sigaction(SIGURG, NULL, &urg_after);
  // The static archive's runtime started before main: the host's action is
  // the one inherited through exec, SIG_DFL or SIG_IGN.
  bool host_urg = shared ? same_action(&urg_before, &urg_after)
                         : urg_after.sa_handler == SIG_DFL || urg_after.sa_handler == SIG_IGN;
  if (!host_urg) fail("SIGURG is not the host's action after the first write");
  if (!emulated) check_runtime_masks();
  if (failures) return 1;
  printf("selfcheck: %s library: ok\n", shared ? "shared" : "static");
  return 0;
}
