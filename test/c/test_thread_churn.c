// test_thread_churn [DYING [FRESH [MAX_GROWTH_KB]]]: thread ids are reused,
// flags are not. DYING threads (100000) set true and exit, 32 at a time;
// then FRESH new threads (2000) must all read false, and the resident memory
// of the process must have grown by less than MAX_GROWTH_KB (1024) across
// the churn: a flag, or anything the Go runtime keeps per C thread, that
// outlived its thread would show in one or the other.
#include "hermetic_pyobject_tls.h"
#include "testing.h"

enum { BATCH = 32, WARM_UP = 10000 };

static void *set_true_and_exit(void *arg) {
  (void)arg;
  hermetic_pyobject_tls_set_state(true);
  return hermetic_pyobject_tls_get_state() ? NULL : (void *)1;
}

static void *read_fresh(void *arg) {
  (void)arg;
  return hermetic_pyobject_tls_get_state() ? (void *)1 : NULL;
}

static int run_batches(long total, void *(*fn)(void *)) {
  int bad = 0;
  pthread_t t[BATCH];
  for (long done = 0; done < total; done += BATCH) {
    int n = total - done < BATCH ? (int)(total - done) : BATCH;
    for (int i = 0; i < n; i++) start_thread(&t[i], fn, NULL);
    for (int i = 0; i < n; i++) {
      void *failed;
      CHECK(pthread_join(t[i], &failed) == 0);
      bad += failed != NULL;
    }
  }
  return bad;
}

int main(int argc, char **argv) {
  long dying = arg_long(argc, argv, 1, 100000);
  long fresh = arg_long(argc, argv, 2, 2000);
  long max_growth_kb = arg_long(argc, argv, 3, 1024);

  // Warm up first, so that the baseline already holds what any thread
  // costs once: glibc's cache of thread stacks, the Go runtime's Ms for C
  // threads, the first-call work of both.
  CHECK(run_batches(WARM_UP, set_true_and_exit) == 0);
  long before = rss_kb();
  CHECK(run_batches(dying, set_true_and_exit) == 0);
  long after = rss_kb();
  int stale = run_batches(fresh, read_fresh);

  printf("test_thread_churn: %ld threads set true and exited; %d of %ld new threads read true; "
         "RSS %ld KiB -> %ld KiB (%+ld KiB, limit %ld)\n",
         dying, stale, fresh, before, after, after - before, max_growth_kb);
  CHECK(stale == 0);
  CHECK(after - before < max_growth_kb);
  CHECK(!hermetic_pyobject_tls_get_state());
  return 0;
}
