// test_thread_churn: thread ids are reused, flags are not. Many threads set
// true and exit; every thread after them must start false.
#include "hermetic_pyobject_tls.h"
#include "testing.h"

enum { DYING = 20000, BATCH = 32, FRESH = 2000 };

static void *set_true_and_exit(void *arg) {
  (void)arg;
  hermetic_pyobject_tls_set_state(true);
  return hermetic_pyobject_tls_get_state() ? NULL : (void *)1;
}

static void *read_fresh(void *arg) {
  (void)arg;
  return hermetic_pyobject_tls_get_state() ? (void *)1 : NULL;
}

static int run_batches(int total, void *(*fn)(void *)) {
  int bad = 0;
  pthread_t t[BATCH];
  for (int done = 0; done < total; done += BATCH) {
    int n = total - done < BATCH ? total - done : BATCH;
    for (int i = 0; i < n; i++) start_thread(&t[i], fn, NULL);
    for (int i = 0; i < n; i++) {
      void *failed;
      CHECK(pthread_join(t[i], &failed) == 0);
      bad += failed != NULL;
    }
  }
  return bad;
}

int main(void) {
  CHECK(run_batches(DYING, set_true_and_exit) == 0);
  int stale = run_batches(FRESH, read_fresh);
  printf("test_thread_churn: %d threads set true and exited; %d of %d new threads read true\n",
         DYING, stale, FRESH);
  CHECK(stale == 0);
  CHECK(!hermetic_pyobject_tls_get_state());
  return 0;
}
