// testing.h: the little the C tests share: CHECK, threads that must start,
// children that must end in time, counts from argv, resident memory, the
// threads and their signal masks (/proc), a seeded random generator, and
// the library's entry points found by dlsym() for hosts that load it at run
// time.
#ifndef HPTLS_TESTING_H
#define HPTLS_TESTING_H

#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

static inline void start_thread(pthread_t *t, void *(*fn)(void *), void *arg) {
  int rc = pthread_create(t, NULL, fn, arg);
  if (rc != 0) {
    fprintf(stderr, "pthread_create: %s\n", strerror(rc));
    exit(1);
  }
}

static inline void join_thread(pthread_t t) { CHECK(pthread_join(t, NULL) == 0); }

static inline double seconds_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// wait_child waits for pid up to timeout seconds. It returns the child's
// wait status, or -1 after killing a child that did not end in time.
static inline int wait_child(pid_t pid, double timeout) {
  double deadline = seconds_now() + timeout;
  for (;;) {
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    CHECK(r == 0 || (r < 0 && errno == EINTR));
    if (seconds_now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    usleep(1000);
  }
}

// child_ok reports whether a wait_child status is a clean exit 0.
static inline int child_ok(int status) {
  return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// arg_long returns argv[i] as a number, or fallback when there is none.
static inline long arg_long(int argc, char **argv, int i, long fallback) {
  if (i >= argc) return fallback;
  char *end;
  long v = strtol(argv[i], &end, 0);
  if (*argv[i] == '\0' || *end != '\0') {
    fprintf(stderr, "argument %d: not a number: %s\n", i, argv[i]);
    exit(2);
  }
  return v;
}

// rss_kb returns the process's resident set size in KiB (/proc/self/statm).
static inline long rss_kb(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  CHECK(f != NULL);
  long size, resident;
  CHECK(fscanf(f, "%ld %ld", &size, &resident) == 2);
  fclose(f);
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// count_threads returns the process's threads (Threads in /proc/self/status).
static inline int count_threads(void) {
  FILE *f = fopen("/proc/self/status", "r");
  CHECK(f != NULL);
  char line[256];
  int n = -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "Threads: %d", &n) == 1) break;
  fclose(f);
  return n;
}

// thread_sigblk reads the signal mask of thread TID (SigBlk in
// /proc/self/task/TID/status, bit sig-1 per signal) into *mask; 0 when the
// thread has ended meanwhile.
static inline int thread_sigblk(const char *tid, unsigned long long *mask) {
  char path[320], line[256];
  snprintf(path, sizeof path, "/proc/self/task/%s/status", tid);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  int found = 0;
  while (!found && fgets(line, sizeof line, f)) found = sscanf(line, "SigBlk: %llx", mask) == 1;
  fclose(f);
  return found;
}

// xorshift64star: a small seeded generator, one per thread.
static inline uint64_t next_random(uint64_t *s) {
  uint64_t x = *s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *s = x;
  return x * 0x2545F4914F6CDD1DULL;
}

// The entry points, for hosts that dlopen() the library instead of linking it.
struct hptls_api {
  void *handle;
  void (*set_state)(bool);
  bool (*get_state)(void);
  void (*init_state)(void);
  bool (*have_state)(void);
  const char *(*version)(void);
};

static inline void *must_dlsym(void *handle, const char *name) {
  void *p = dlsym(handle, name);
  if (p == NULL) {
    fprintf(stderr, "dlsym %s: %s\n", name, dlerror());
    exit(1);
  }
  return p;
}

static inline struct hptls_api load_api(const char *path, int flags) {
  struct hptls_api api;
  api.handle = dlopen(path, flags);
  if (api.handle == NULL) {
    fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
    exit(1);
  }
  *(void **)&api.set_state = must_dlsym(api.handle, "hermetic_pyobject_tls_set_state");
  *(void **)&api.get_state = must_dlsym(api.handle, "hermetic_pyobject_tls_get_state");
  *(void **)&api.init_state = must_dlsym(api.handle, "hermetic_pyobject_tls_init_state");
  *(void **)&api.have_state = must_dlsym(api.handle, "hermetic_pyobject_tls_have_state");
  *(void **)&api.version = must_dlsym(api.handle, "hermetic_pyobject_tls_version");
  return api;
}

// A child process made the way HOW says: "fork" (atfork handlers run),
// "_Fork" (glibc 2.34's _Fork(), no handlers; looked up at run time, since
// the portable hosts link against glibc 2.17) or "clone" (a raw clone()
// system call without CLONE_VM). -1 when HOW is unknown or the call fails.
static inline pid_t new_process(const char *how) {
  if (strcmp(how, "fork") == 0) return fork();
  if (strcmp(how, "clone") == 0) return (pid_t)syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
  if (strcmp(how, "_Fork") != 0) return -1;
  pid_t (*fn)(void) = (pid_t(*)(void))dlsym(RTLD_DEFAULT, "_Fork");
  if (!fn) fprintf(stderr, "_Fork: not in this C library (glibc 2.34 or later has it)\n");
  return fn ? fn() : -1;
}

#endif
