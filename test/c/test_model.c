// test_model [THREADS [OPS [SEED]]]: THREADS threads (8) each run OPS (1e6)
// random operations, set true, set false, get, init and have, all at once,
// and check every result against a shadow model:
// - get returns exactly this thread's last write (false before any), and its
//   return value is the byte 0 or 1;
// - have is true once any init has returned (as this thread knows before
//   calling), is false while no init has started, and never goes back to
//   false on a thread that saw it true.
// CTest also runs it with GOMAXPROCS=1, where every write waits for the one P
// of the library's Go runtime.
#include "hermetic_pyobject_tls.h"
#include "testing.h"

enum { MAX_THREADS = 64 };

static long ops_per_thread;
static uint64_t seed;
static int init_started, init_returned; // set around every init, seq_cst
static pthread_barrier_t start_together;

struct result {
  long mismatches, gets, sets, inits, haves;
  char first[160];
};

static void mismatch(struct result *r, long i, const char *what) {
  if (r->mismatches++ == 0) snprintf(r->first, sizeof r->first, "op %ld: %s", i, what);
}

static void *run(void *arg) {
  struct result *r = arg;
  uint64_t rng = seed ^ (0x9E3779B97F4A7C15ULL * (uint64_t)(uintptr_t)(r + 1));
  if (rng == 0) rng = 1;
  bool mine = false, saw_have = false;
  pthread_barrier_wait(&start_together);
  for (long i = 0; i < ops_per_thread; i++) {
    switch (next_random(&rng) % 8) {
    case 0:
    case 1: {
      bool want = (next_random(&rng) & 1) != 0;
      hermetic_pyobject_tls_set_state(want);
      mine = want;
      r->sets++;
      break;
    }
    case 2:
    case 3:
    case 4: {
      bool got = hermetic_pyobject_tls_get_state();
      unsigned char byte;
      memcpy(&byte, &got, 1);
      if (byte > 1) mismatch(r, i, "get returned a byte other than 0 or 1");
      if (got != mine) mismatch(r, i, mine ? "get = false after set(true)" : "get = true after set(false)");
      r->gets++;
      break;
    }
    case 5: {
      __atomic_store_n(&init_started, 1, __ATOMIC_SEQ_CST);
      hermetic_pyobject_tls_init_state();
      __atomic_store_n(&init_returned, 1, __ATOMIC_SEQ_CST);
      if (!hermetic_pyobject_tls_have_state()) mismatch(r, i, "have = false right after init");
      saw_have = true;
      r->inits++;
      break;
    }
    default: {
      bool must = __atomic_load_n(&init_returned, __ATOMIC_SEQ_CST) || saw_have;
      bool got = hermetic_pyobject_tls_have_state();
      bool may = __atomic_load_n(&init_started, __ATOMIC_SEQ_CST);
      if (must && !got) mismatch(r, i, "have = false after an init returned");
      if (got && !may) mismatch(r, i, "have = true before any init started");
      saw_have = saw_have || got;
      r->haves++;
      break;
    }
    }
  }
  if (hermetic_pyobject_tls_get_state() != mine) mismatch(r, ops_per_thread, "final get");
  return NULL;
}

static void *read_state(void *out) {
  *(bool *)out = hermetic_pyobject_tls_get_state();
  return NULL;
}

int main(int argc, char **argv) {
  int threads = (int)arg_long(argc, argv, 1, 8);
  ops_per_thread = arg_long(argc, argv, 2, 1000000);
  seed = (uint64_t)arg_long(argc, argv, 3, (long)time(NULL));
  CHECK(threads > 0 && threads <= MAX_THREADS);
  const char *gomaxprocs = getenv("GOMAXPROCS");

  CHECK(!hermetic_pyobject_tls_have_state()); // nothing has called init yet
  static struct result results[MAX_THREADS];
  pthread_t t[MAX_THREADS];
  pthread_barrier_init(&start_together, NULL, (unsigned)threads);
  for (int i = 0; i < threads; i++) start_thread(&t[i], run, &results[i]);
  long mismatches = 0, gets = 0, sets = 0, inits = 0, haves = 0;
  for (int i = 0; i < threads; i++) {
    join_thread(t[i]);
    struct result *r = &results[i];
    if (r->mismatches) fprintf(stderr, "thread %d: %ld mismatches, first %s\n", i, r->mismatches, r->first);
    mismatches += r->mismatches;
    gets += r->gets, sets += r->sets, inits += r->inits, haves += r->haves;
  }
  pthread_barrier_destroy(&start_together);

  // None of that reached the main thread or a thread made afterwards.
  bool fresh = true;
  pthread_t after;
  start_thread(&after, read_state, &fresh);
  join_thread(after);
  if (fresh) mismatches++, fprintf(stderr, "a new thread read true\n");
  if (hermetic_pyobject_tls_get_state()) mismatches++, fprintf(stderr, "the main thread read true\n");

  printf("test_model: %d threads x %ld ops (seed %llu, GOMAXPROCS=%s): %ld sets, %ld gets, "
         "%ld inits, %ld haves; %ld mismatches\n",
         threads, ops_per_thread, (unsigned long long)seed, gomaxprocs ? gomaxprocs : "unset", sets,
         gets, inits, haves, mismatches);
  CHECK(mismatches == 0);
  return 0;
}
