/* bench_count.c: instruction counts per call, for valgrind --tool=callgrind.
 *
 *   bench_count KIND PATH N OP...
 *
 * KIND/PATH as in libs.h; OP is get_state, set_state, have_state, init_state,
 * empty or atomic_load. For each OP it warms up (the first calls bind a Go M
 * to the thread, allocate dynamic TLS, ...), then, between callgrind client
 * requests, makes N calls and dumps the counters, then 2N calls and dumps
 * again. bench/run takes (Ir of the 2N dump - Ir of the N dump) / N, which
 * cancels the dumps' own cost and everything that does not grow with N. The
 * figure includes the caller's loop (about 3 instructions), as every
 * baseline's does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/callgrind.h>

#include "libs.h"

static volatile bool sink;

#define LOOP(n, body)                                                          \
  do {                                                                         \
    for (long i_ = 0; i_ < (n); i_++) {                                        \
      body;                                                                    \
    }                                                                          \
  } while (0)

static void run(const hptls_bench_api *api, const char *op, long n) {
  bool (*get)(void) = api->get_state;
  bool (*have)(void) = api->have_state;
  bool (*load)(void) = api->atomic_load;
  void (*set)(bool) = api->set_state;
  void (*init)(void) = api->init_state;
  void (*empty)(void) = api->empty;
  if (strcmp(op, "get_state") == 0) LOOP(n, sink = get());
  else if (strcmp(op, "have_state") == 0) LOOP(n, sink = have());
  else if (strcmp(op, "atomic_load") == 0) LOOP(n, sink = load());
  else if (strcmp(op, "set_state") == 0) LOOP(n, set(true));
  else if (strcmp(op, "init_state") == 0) LOOP(n, init());
  else if (strcmp(op, "empty") == 0) LOOP(n, empty());
  else {
    fprintf(stderr, "unknown op %s\n", op);
    exit(2);
  }
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s KIND PATH N OP...\n", argv[0]);
    return 2;
  }
  hptls_bench_api api = hptls_bench_load(argv[1], argv[2]);
  long n = atol(argv[3]);
  for (int i = 4; i < argc; i++) {
    char name[128];
    run(&api, argv[i], 1000);
    CALLGRIND_ZERO_STATS;
    run(&api, argv[i], n);
    snprintf(name, sizeof name, "%s:N", argv[i]);
    CALLGRIND_DUMP_STATS_AT(name);
    run(&api, argv[i], 2 * n);
    snprintf(name, sizeof name, "%s:2N", argv[i]);
    CALLGRIND_DUMP_STATS_AT(name);
  }
  return 0;
}
