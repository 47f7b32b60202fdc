// suspended_thread: a host that stops a thread the way stop-the-world
// collectors do (Boehm's GC: a signal whose handler waits until it is told
// to go on) while that thread keeps calling set_state, then asks whether a
// write on another thread still completes (docs/reliability.md, "Hosts that
// suspend threads").
//
//   suspended_thread ROUNDS TIMEOUT_MS
//
// Each round stops the looping thread at a random moment, lets a second
// thread make one write, and waits TIMEOUT_MS for it. A write that has not
// completed by then is counted as stuck; the looping thread is then let go,
// and the write must complete after all (else the probe exits 1: a real
// deadlock). Run it with GOMAXPROCS=1 and with the default.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hermetic_pyobject_tls.h"

#define SIG_SUSPEND SIGXCPU  // what Boehm's GC uses on Linux by default
#define SIG_RESUME SIGXFSZ

static sem_t suspended, do_write, wrote;
static atomic_int resume_now, stop_loop;

static void on_suspend(int sig) {
  (void)sig;
  int saved = errno;
  sigset_t wait_for;
  sigfillset(&wait_for);
  sigdelset(&wait_for, SIG_RESUME);
  sem_post(&suspended);
  while (!atomic_load(&resume_now)) sigsuspend(&wait_for);
  errno = saved;
}

static void on_resume(int sig) { (void)sig; }

static void *loop_writes(void *arg) {
  (void)arg;
  for (unsigned long i = 0; !atomic_load(&stop_loop); i++) hermetic_pyobject_tls_set_state(i & 1);
  return NULL;
}

static void *write_on_request(void *arg) {
  (void)arg;
  for (;;) {
    while (sem_wait(&do_write) != 0) {
    }
    if (atomic_load(&stop_loop)) return NULL;
    hermetic_pyobject_tls_set_state(true);
    sem_post(&wrote);
  }
}

static int wait_ms(sem_t *s, long ms) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  t.tv_sec += ms / 1000;
  t.tv_nsec += (ms % 1000) * 1000000L;
  if (t.tv_nsec >= 1000000000L) t.tv_sec++, t.tv_nsec -= 1000000000L;
  for (;;) {
    if (sem_timedwait(s, &t) == 0) return 0;
    if (errno != EINTR) return -1;
  }
}

int main(int argc, char **argv) {
  if (argc != 3 || atoi(argv[1]) < 1 || atol(argv[2]) < 1) {
    fprintf(stderr, "usage: %s ROUNDS TIMEOUT_MS\n", argv[0]);
    return 2;
  }
  int rounds = atoi(argv[1]);
  long timeout_ms = atol(argv[2]);
  sem_init(&suspended, 0, 0);
  sem_init(&do_write, 0, 0);
  sem_init(&wrote, 0, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_flags = SA_RESTART | SA_ONSTACK;
  sigfillset(&sa.sa_mask);
  sa.sa_handler = on_suspend;
  sigaction(SIG_SUSPEND, &sa, NULL);
  sa.sa_handler = on_resume;
  sigaction(SIG_RESUME, &sa, NULL);

  hermetic_pyobject_tls_set_state(false);  // runtime started before the first round
  pthread_t looper, writer;
  pthread_create(&looper, NULL, loop_writes, NULL);
  pthread_create(&writer, NULL, write_on_request, NULL);
  srand(1);
  int stuck = 0;
  for (int r = 0; r < rounds; r++) {
    usleep(1000 + (unsigned)(rand() % 4000));
    atomic_store(&resume_now, 0);
    pthread_kill(looper, SIG_SUSPEND);
    if (wait_ms(&suspended, 10000) != 0) {
      fprintf(stderr, "round %d: the looping thread did not stop\n", r);
      return 1;
    }
    sem_post(&do_write);
    int done = wait_ms(&wrote, timeout_ms) == 0;
    if (!done) stuck++;
    atomic_store(&resume_now, 1);
    pthread_kill(looper, SIG_RESUME);
    if (!done && wait_ms(&wrote, 10000) != 0) {
      fprintf(stderr, "round %d: the write never completed, even after the thread went on\n", r);
      return 1;
    }
  }
  atomic_store(&stop_loop, 1);
  sem_post(&do_write);
  pthread_join(looper, NULL);
  pthread_join(writer, NULL);
  const char *procs = getenv("GOMAXPROCS");
  printf("GOMAXPROCS=%s rounds=%d timeout_ms=%ld stuck_while_suspended=%d\n", procs ? procs : "default", rounds,
         timeout_ms, stuck);
  return 0;
}
