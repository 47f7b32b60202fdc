// test_handler_writes SIGNALS: a signal handler that writes while the thread
// it interrupted is inside a write. A worker thread keeps
// calling set_state and init_state; the main thread sends it SIGNALS
// SIGUSR1s, whose handler calls set_state(true), checks get_state(), calls
// init_state() and set_state(false). Entering Go again from such a handler
// aborted the process ("exitsyscall: syscall frame is no longer valid") or
// hung it; the library serves that nested write in C (cabi/writes.c).
// Every handler must see its own write, and the process must end in time.
// Each signal is sent once the handler of the one before has run, so none
// merge with a pending one and every one must be handled, however loaded
// the machine is.
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hermetic_pyobject_tls.h"

static volatile sig_atomic_t handled, wrong;
static volatile int stop;

static void on_usr1(int sig) {
  (void)sig;
  hermetic_pyobject_tls_set_state(true);
  if (!hermetic_pyobject_tls_get_state()) wrong++;
  hermetic_pyobject_tls_init_state();
  hermetic_pyobject_tls_set_state(false);
  if (hermetic_pyobject_tls_get_state()) wrong++;
  handled++;
}

static void *writer(void *arg) {
  (void)arg;
  for (unsigned i = 0; !__atomic_load_n(&stop, __ATOMIC_RELAXED); i++) {
    if (i % 64 == 0)
      hermetic_pyobject_tls_init_state();
    else
      hermetic_pyobject_tls_set_state(i & 1);
  }
  return NULL;
}

int main(int argc, char **argv) {
  alarm(60); // a hang ends the test
  int signals = argc > 1 ? atoi(argv[1]) : 2000;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sa.sa_flags = SA_ONSTACK | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGUSR1, &sa, NULL) != 0) return 2;
  pthread_t t;
  if (pthread_create(&t, NULL, writer, NULL) != 0) return 2;
  usleep(10000);
  int lost = 0;
  for (int i = 0; i < signals; i++) {
    int before = handled;
    pthread_kill(t, SIGUSR1);
    int waited = 0;
    while (handled == before && waited < 5000000) { // 5 s: then it is lost
      usleep(20);
      waited += 20;
    }
    lost += handled == before;
  }
  __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
  pthread_join(t, NULL);
  printf("test_handler_writes: %d handlers ran for %d signals, %d not handled within 5 s, %d saw another "
         "flag than they wrote\n",
         (int)handled, signals, lost, (int)wrong);
  if (wrong || lost || handled != signals) {
    fprintf(stderr, "FAIL\n");
    return 1;
  }
  return 0;
}
