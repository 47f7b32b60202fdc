// testing.h: the little the C tests share: CHECK, threads that must start,
// and children that must end in time.
#ifndef HPTLS_TESTING_H
#define HPTLS_TESTING_H

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

#endif
