// demo: two threads, one of them in hermetic mode, report what each sees.
#define _POSIX_C_SOURCE 200809L // pthread_barrier_t under -std=c11
#include <pthread.h>
#include <stdio.h>

#include "hermetic_pyobject_tls.h"

static pthread_barrier_t both_set;

struct worker {
  bool set_to; // what the thread stores
  bool seen;   // what it reads back after both threads have stored
};

static void *work(void *arg) {
  struct worker *w = arg;
  hermetic_pyobject_tls_set_state(w->set_to);
  pthread_barrier_wait(&both_set);
  w->seen = hermetic_pyobject_tls_get_state();
  return NULL;
}

static const char *yes_no(bool b) { return b ? "true" : "false"; }

int main(void) {
  printf("hermetic-pyobject-tls %s\n", hermetic_pyobject_tls_version());
  printf("have_state() = %s\n", yes_no(hermetic_pyobject_tls_have_state()));
  hermetic_pyobject_tls_init_state();
  printf("init_state(); have_state() = %s\n", yes_no(hermetic_pyobject_tls_have_state()));

  struct worker hermetic = {.set_to = true}, ordinary = {.set_to = false};
  pthread_t t1, t2;
  pthread_barrier_init(&both_set, NULL, 2);
  pthread_create(&t1, NULL, work, &hermetic);
  pthread_create(&t2, NULL, work, &ordinary);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  pthread_barrier_destroy(&both_set);

  printf("hermetic thread: set_state(true),  get_state() = %s\n", yes_no(hermetic.seen));
  printf("ordinary thread: set_state(false), get_state() = %s\n", yes_no(ordinary.seen));
  printf("main thread:     never set,        get_state() = %s\n",
         yes_no(hermetic_pyobject_tls_get_state()));
  return hermetic.seen && !ordinary.seen ? 0 : 1;
}
