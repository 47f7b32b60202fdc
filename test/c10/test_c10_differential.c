// SPDX-License-Identifier: BSD-3-Clause
// test_c10_differential LIBC10 LAYER [OPS]: the real libc10.so (from a torch
// wheel) and the c10 ABI layer, both dlopen()ed RTLD_LOCAL, get the same
// random operations on 8 threads; every read must agree: c10's
// get_tls_state, the layer's, and our C ABI's get_state (the layer's
// dependency). haveState_: 0 in both at the start, 1 in both once a thread
// has called init_state on both. Prints the counts; exit 1 on a mismatch.
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_THREADS 8

struct c10 {
  const char *name;
  void (*set_state)(bool);
  bool (*get_tls_state)(void);
  void (*init_state)(void);
  _Atomic unsigned char *have_state;
};

static struct c10 real, layer;
static bool (*our_get_state)(void);
static long n_ops = 200000;
static atomic_long mismatches, reads, sets, inits;
static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;

static void *sym(void *h, const char *file, const char *name) {
  void *p = dlsym(h, name);
  if (!p) {
    fprintf(stderr, "FAIL: %s: no %s: %s\n", file, name, dlerror());
    exit(1);
  }
  return p;
}

static void load(struct c10 *c, const char *path) {
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    fprintf(stderr, "FAIL: dlopen %s: %s\n", path, dlerror());
    exit(1);
  }
  c->name = path;
  *(void **)&c->set_state = sym(h, path, "_ZN3c104impl19HermeticPyObjectTLS9set_stateEb");
  *(void **)&c->get_tls_state = sym(h, path, "_ZN3c104impl19HermeticPyObjectTLS13get_tls_stateEv");
  *(void **)&c->init_state = sym(h, path, "_ZN3c104impl19HermeticPyObjectTLS10init_stateEv");
  c->have_state = sym(h, path, "_ZN3c104impl19HermeticPyObjectTLS10haveState_E");
}

static void mismatch(int t, long i, const char *what, int r, int l, int o) {
  long n = atomic_fetch_add(&mismatches, 1);
  if (n < 10) {
    pthread_mutex_lock(&print_lock);
    fprintf(stderr, "MISMATCH thread %d op %ld %s: libc10 %d, layer %d, C ABI %d\n", t, i, what, r, l, o);
    pthread_mutex_unlock(&print_lock);
  }
}

static void check(int t, long i, const char *what) {
  int r = real.get_tls_state(), l = layer.get_tls_state(), o = our_get_state();
  atomic_fetch_add(&reads, 1);
  if (r != l || l != o) mismatch(t, i, what, r, l, o);
}

static void *worker(void *arg) {
  int t = (int)(intptr_t)arg;
  uint64_t x = 0x2545f4914f6cdd1dull ^ ((uint64_t)(t + 1) * 0x9e3779b97f4a7c15ull) ^ (uint64_t)(uintptr_t)&t;
  check(t, -1, "new thread");
  for (long i = 0; i < n_ops; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    switch (x % 8) {
    case 0: case 1: case 2: { // set
      bool v = (x >> 8) & 1;
      real.set_state(v);
      layer.set_state(v);
      atomic_fetch_add(&sets, 1);
      check(t, i, v ? "after set(true)" : "after set(false)");
      break;
    }
    case 3: { // PyTorch's guard: old = get; set(true); ...; set(old)
      bool old_r = real.get_tls_state(), old_l = layer.get_tls_state();
      real.set_state(true);
      layer.set_state(true);
      check(t, i, "inside the guard");
      real.set_state(old_r);
      layer.set_state(old_l);
      atomic_fetch_add(&sets, 2);
      check(t, i, "after the guard");
      break;
    }
    case 4: // init: haveState_ true in both right after
      if (((x >> 20) & 1023) == 0) {
        real.init_state();
        layer.init_state();
        atomic_fetch_add(&inits, 1);
        int r = atomic_load(real.have_state), l = atomic_load(layer.have_state);
        if (r != 1 || l != 1) mismatch(t, i, "haveState_ after init", r, l, -1);
        break;
      }
      /* fall through */
    default:
      check(t, i, "get");
      break;
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: test_c10_differential LIBC10 LAYER [OPS_PER_THREAD]\n");
    return 2;
  }
  if (argc > 3) n_ops = atol(argv[3]);
  load(&real, argv[1]);
  load(&layer, argv[2]);
  void *h = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
  *(void **)&our_get_state = sym(h, argv[2], "hermetic_pyobject_tls_get_state"); // its dependency's
  if (real.get_tls_state == layer.get_tls_state) {
    fprintf(stderr, "FAIL: both handles resolve to the same get_tls_state\n");
    return 1;
  }
  int r0 = atomic_load(real.have_state), l0 = atomic_load(layer.have_state);
  if (r0 != 0 || l0 != 0) mismatch(-1, -1, "haveState_ at start", r0, l0, -1);
  check(-1, -1, "main thread at start");
  real.set_state(true); // the main thread's flag: no worker may see it
  layer.set_state(true);
  pthread_t th[N_THREADS];
  for (int i = 0; i < N_THREADS; i++) {
    if (pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i) != 0) {
      fprintf(stderr, "FAIL: pthread_create\n");
      return 1;
    }
  }
  for (int i = 0; i < N_THREADS; i++) pthread_join(th[i], NULL);
  check(-1, -1, "main thread after the workers");
  if (!layer.get_tls_state()) mismatch(-1, -1, "main thread's flag kept", 1, 0, -1);
  real.init_state();
  layer.init_state();
  int r1 = atomic_load(real.have_state), l1 = atomic_load(layer.have_state);
  if (r1 != 1 || l1 != 1) mismatch(-1, -1, "haveState_ at the end", r1, l1, -1);
  printf("differential %s vs the c10 layer: %d threads, %ld operations (%ld sets, %ld inits), %ld reads "
         "compared, %ld mismatches\n",
         argv[1], N_THREADS, N_THREADS * n_ops, atomic_load(&sets), atomic_load(&inits), atomic_load(&reads),
         atomic_load(&mismatches));
  return atomic_load(&mismatches) == 0 ? 0 : 1;
}
