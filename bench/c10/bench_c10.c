// SPDX-License-Identifier: BSD-3-Clause
// bench_c10 c10 LAYER LIBC10...: ns/call of c10::impl::HermeticPyObjectTLS
//   get_tls_state and set_state through the c10 layer and through each real
//   libc10.so, all dlopen()ed RTLD_LOCAL in this one process and called
//   through function pointers (as libtorch_python's PLT call does), plus our
//   C ABI's set_state called directly. Interleaved repetitions, minimum.
// bench_c10 floor GOFLOOR: ns/call of the C→Go floor (an empty //export in
//   its own Go c-shared library: a process may hold one Go runtime).
// Prints "name ns" lines.
#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long iters = 20000000;
static int reps = 7;

static void *must(void *p, const char *what) {
  if (!p) {
    fprintf(stderr, "bench_c10: %s: %s\n", what, dlerror());
    exit(1);
  }
  return p;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

typedef bool (*get_fn)(void);
typedef void (*set_fn)(bool);
typedef void (*void_fn)(void);

static volatile int sink;

static double time_get(get_fn f) {
  double t = now();
  int acc = 0;
  for (long i = 0; i < iters; i++) acc += f();
  sink = acc;
  return (now() - t) / iters;
}

static double time_set(set_fn f) {
  double t = now();
  for (long i = 0; i < iters; i++) f(i & 1);
  f(false);
  return (now() - t) / iters;
}

static double time_void(void_fn f) {
  double t = now();
  for (long i = 0; i < iters; i++) f();
  return (now() - t) / iters;
}

#define MAXLIB 8

int main(int argc, char **argv) {
  if (getenv("BENCH_C10_ITERS")) iters = atol(getenv("BENCH_C10_ITERS"));
  if (getenv("BENCH_C10_REPS")) reps = atoi(getenv("BENCH_C10_REPS"));
  if (argc == 3 && strcmp(argv[1], "floor") == 0) {
    void *h = must(dlopen(argv[2], RTLD_NOW | RTLD_LOCAL), argv[2]);
    void_fn f = (void_fn)must(dlsym(h, "hptls_floor_empty"), "hptls_floor_empty");
    f(); // the Go runtime's start, this thread's first entry
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
      double x = time_void(f);
      if (x < best) best = x;
    }
    printf("floor/empty_export %.3f\n", best);
    return 0;
  }
  if (argc < 4 || strcmp(argv[1], "c10") != 0 || argc - 2 > MAXLIB) {
    fprintf(stderr, "usage: bench_c10 c10 LAYER LIBC10... | bench_c10 floor GOFLOOR\n");
    return 2;
  }
  int n = argc - 2;
  get_fn get[MAXLIB];
  set_fn set[MAXLIB];
  for (int i = 0; i < n; i++) {
    void *h = must(dlopen(argv[2 + i], RTLD_NOW | RTLD_LOCAL), argv[2 + i]);
    get[i] = (get_fn)must(dlsym(h, "_ZN3c104impl19HermeticPyObjectTLS13get_tls_stateEv"), "get_tls_state");
    set[i] = (set_fn)must(dlsym(h, "_ZN3c104impl19HermeticPyObjectTLS9set_stateEb"), "set_state");
  }
  void *hl = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
  set_fn ours_set = (set_fn)must(dlsym(hl, "hermetic_pyobject_tls_set_state"), "hermetic_pyobject_tls_set_state");
  ours_set(false); // the Go runtime's start, this thread's first entry
  double best_get[MAXLIB], best_set[MAXLIB], best_ours_set = 1e30;
  for (int i = 0; i < n; i++) best_get[i] = best_set[i] = 1e30;
  for (int r = 0; r < reps; r++) { // interleaved: drift hits every one alike
    for (int i = 0; i < n; i++) {
      double g = time_get(get[i]), s = time_set(set[i]);
      if (g < best_get[i]) best_get[i] = g;
      if (s < best_set[i]) best_set[i] = s;
    }
    double o = time_set(ours_set);
    if (o < best_ours_set) best_ours_set = o;
  }
  for (int i = 0; i < n; i++) {
    const char *name = i == 0 ? "layer" : argv[2 + i];
    printf("get_tls_state:%s %.3f\n", name, best_get[i]);
    printf("set_state:%s %.3f\n", name, best_set[i]);
  }
  printf("ours/set_state %.3f\n", best_ours_set);
  return 0;
}
