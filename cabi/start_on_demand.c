//go:build hptls_front

// start_on_demand.c: the front library starts the runtime side at the
// process's first write. Never built by cgo (the build tag is never set):
// scripts/build-library.sh compiles it into the front only.
//
// Until then the process has nothing of Go: no thread, no signal handler,
// no changed signal mask or action, so a process that only reads, or never
// calls, can still unshare(CLONE_NEWUSER), setuid() cheaply and spend its
// RLIMIT_NPROC on its own threads.
//
// The start is dlopen() of libhermetic_pyobject_tls_go.so.X.Y.Z, found
// through the front's RUNPATH $ORIGIN (beside the front, wherever it is
// installed or bundled). Its constructors and the Go runtime's initializer
// run on the writing thread, inside dlopen(), as they did at load time in a
// single-object library (cabi.h's table). Other threads' first writes wait
// for the start; a write from a signal handler that interrupted the start
// is served in C (hptls_in_go). A child forked while another thread was
// starting the runtime never enters Go: its runtime side may be half loaded.
//
// When the runtime side cannot be loaded (missing, another version, no room
// left in the static TLS block), or RLIMIT_NPROC leaves too few threads for
// the runtime (which would abort the process when it cannot start one), the
// write is still made, in C, and so is every later one: the process loses
// nothing, and stderr says so once.
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cabi.h"
#include "hermetic_pyobject_tls.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define RUNTIME_SIDE "libhermetic_pyobject_tls_go.so." HERMETIC_PYOBJECT_TLS_VERSION

// NONE, STARTED, FAILED, or the pid of the process in which a thread is
// starting it: a child forked meanwhile sees another pid than its own.
enum { NONE = 0, STARTED = -1, FAILED = -2 };
static pid_t state = NONE;

// Threads the Go runtime may start: 5 when it starts, a few more later
// (bench/limits/run measures the 5).
enum { THREADS_NEEDED = 8 };

static long status_number(FILE *f, const char *field) {
  char line[256];
  size_t n = strlen(field);
  long v = -1;
  rewind(f);
  while (fgets(line, sizeof line, f))
    if (strncmp(line, field, n) == 0) {
      v = strtol(line + n, NULL, 10);
      break;
    }
  return v;
}

// How many more threads RLIMIT_NPROC lets this user start (below 0 when it
// already runs more), or LONG_MAX when the limit does not apply: no limit, or a real uid 0, CAP_SYS_RESOURCE or CAP_SYS_ADMIN
// (the kernel's exemptions). The usual cost is one getrlimit(); near a limit
// it reads /proc/loadavg (every thread of the system, an upper bound) and
// only then counts this user's threads in /proc.
static long threads_left(void) {
  struct rlimit limit;
  if (getrlimit(RLIMIT_NPROC, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY || getuid() == 0) return LONG_MAX;
  FILE *f = fopen("/proc/self/status", "r");
  if (!f) return LONG_MAX; // no /proc to ask: let the runtime try
  char line[256];
  unsigned long long caps = 0;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "CapEff: %llx", &caps) == 1) break;
  fclose(f);
  if (caps & (1ULL << 21 | 1ULL << 24)) return LONG_MAX; // CAP_SYS_ADMIN, CAP_SYS_RESOURCE
  long everyone = -1;
  if ((f = fopen("/proc/loadavg", "r"))) {
    if (fscanf(f, "%*s %*s %*s %*d/%ld", &everyone) != 1) everyone = -1;
    fclose(f);
  }
  if (everyone >= 0 && (long)limit.rlim_cur - everyone >= THREADS_NEEDED) return LONG_MAX;
  DIR *proc = opendir("/proc");
  if (!proc) return LONG_MAX;
  long used = 0;
  uid_t uid = getuid();
  for (struct dirent *e; (e = readdir(proc));) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    char path[64];
    snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
    if (!(f = fopen(path, "r"))) continue; // gone meanwhile
    if (status_number(f, "Uid:") == (long)uid) used += status_number(f, "Threads:");
    fclose(f);
  }
  closedir(proc);
  return (long)limit.rlim_cur - used;
}

static const struct hptls_runtime *load_runtime_side(void) {
  long left = threads_left();
  if (left < THREADS_NEEDED) {
    char why[160];
    snprintf(why, sizeof why, "RLIMIT_NPROC lets this user start %ld more threads, and the runtime needs %d",
             left < 0 ? 0 : left, (int)THREADS_NEEDED);
    hptls_warn("cannot start the Go runtime: ", why,
               " (raise it: ulimit -u); this process's writes are served in C");
    return NULL;
  }
  // RTLD_LOCAL: its one symbol stays out of the global scope.
  void *handle = dlopen(RUNTIME_SIDE, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    hptls_warn("cannot start the Go runtime: ", why ? why : RUNTIME_SIDE " not loaded",
               "; this process's writes are served in C");
    return NULL;
  }
  const struct hptls_runtime *go = dlsym(handle, "hptls_runtime");
  if (!go || go->abi != HPTLS_RUNTIME_ABI || go->version != HERMETIC_PYOBJECT_TLS_VERSION_NUMBER) {
    hptls_warn("cannot start the Go runtime: ", RUNTIME_SIDE,
               " is not the runtime side of this build (" HERMETIC_PYOBJECT_TLS_VERSION
               ", ABI " STR(HPTLS_RUNTIME_ABI) "); this process's writes are served in C");
    return NULL;
  }
  return go;
}

static int start(void) {
  hptls_in_go = 1; // a handler's write on this thread, meanwhile, stays in C
  const struct hptls_runtime *go = load_runtime_side();
  if (go) hptls_publish(go);
  __atomic_store_n(&state, go ? STARTED : FAILED, __ATOMIC_RELEASE);
  hptls_in_go = 0;
  return go != NULL;
}

int hptls_start_runtime(void) {
  pid_t self = getpid();
  for (unsigned spins = 0;; spins++) {
    pid_t now = __atomic_load_n(&state, __ATOMIC_ACQUIRE);
    if (now == STARTED) return hptls_may_enter_go(); // published: a child if the page says so
    if (now == FAILED) return 0;
    if (now == NONE) {
      if (__atomic_compare_exchange_n(&state, &now, self, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return start();
      continue;
    }
    if (now != self) { // the parent of this child was starting it
      hptls_note_new_process();
      return 0;
    }
    // Another thread of this process is starting it.
    if (spins < 64) {
      sched_yield();
    } else {
      struct timespec pause = {0, 50 * 1000};
      nanosleep(&pause, NULL);
    }
  }
}
