// writer_memory: what a process keeps after N threads ran at once and each
// made one call, then exited (docs/reliability.md, "Memory per peak
// concurrent writers").
//
//   writer_memory write|read|none N IDLE_SECONDS
//
// The main thread writes first, so the library is loaded and the Go runtime
// runs before the first measurement in every mode. Then N threads start,
// each calls set_state (write), get_state (read) or nothing (none), all wait
// until every one has made its call, and all exit. After malloc_trim and
// IDLE_SECONDS of idle time (the Go scavenger returns freed heap memory in the
// background) it prints the growth of resident memory. "none" is the
// baseline: what glibc itself keeps of N thread stacks and arenas.
#include <malloc.h>

#include "hermetic_pyobject_tls.h"
#include "testing.h"  // test/c: rss_kb()

enum mode { WRITE, READ, NONE };

static enum mode mode;
static pthread_barrier_t all_called;

static void *one_call(void *arg) {
  (void)arg;
  if (mode == WRITE) hermetic_pyobject_tls_set_state(true);
  if (mode == READ) (void)hermetic_pyobject_tls_get_state();
  pthread_barrier_wait(&all_called);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s write|read|none N IDLE_SECONDS\n", argv[0]);
    return 2;
  }
  if (!strcmp(argv[1], "write")) mode = WRITE;
  else if (!strcmp(argv[1], "read")) mode = READ;
  else if (!strcmp(argv[1], "none")) mode = NONE;
  else {
    fprintf(stderr, "%s: unknown mode %s\n", argv[0], argv[1]);
    return 2;
  }
  int n = atoi(argv[2]);
  int idle = atoi(argv[3]);
  if (n < 1 || idle < 0) {
    fprintf(stderr, "%s: N must be >= 1 and IDLE_SECONDS >= 0\n", argv[0]);
    return 2;
  }

  hermetic_pyobject_tls_set_state(false);  // load and start the runtime in every mode
  malloc_trim(0);
  long before = rss_kb();

  pthread_t *threads = calloc((size_t)n, sizeof *threads);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);  // small stacks: 5000 at once fit anywhere
  pthread_barrier_init(&all_called, NULL, (unsigned)n);
  for (int i = 0; i < n; i++) {
    int rc = pthread_create(&threads[i], &attr, one_call, NULL);
    if (rc != 0) {
      fprintf(stderr, "pthread_create %d of %d: %s\n", i + 1, n, strerror(rc));
      return 1;
    }
  }
  for (int i = 0; i < n; i++) pthread_join(threads[i], NULL);
  free(threads);

  malloc_trim(0);
  sleep((unsigned)idle);
  malloc_trim(0);
  long after = rss_kb();
  printf("mode=%s threads=%d idle_s=%d rss_before_kb=%ld rss_after_kb=%ld growth_kb=%ld per_thread_kb=%.1f\n",
         argv[1], n, idle, before, after, after - before, (double)(after - before) / n);
  return 0;
}
