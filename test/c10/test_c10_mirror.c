// SPDX-License-Identifier: BSD-3-Clause
// test_c10_mirror MODE [LAYER]: the c10 ABI layer mirrors our C ABI.
// The c10 symbols are looked up at run time, so the one program serves
// three ways of getting the layer into the process:
//   linked   the program is linked with HermeticPyObjectTLS::c10
//   preload  it is not; the test runs it with LD_PRELOAD=<layer>
//   dlopen   it is not; it inits through the C ABI first, then dlopen()s
//            LAYER RTLD_LOCAL: haveState_ must read true from the load on.
// In every mode, 8 threads do random sets through either ABI and check both
// getters after each one; a thread never sees another's state; haveState_
// and hermetic_pyobject_tls_have_state() agree with docs/pytorch.md.
#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hermetic_pyobject_tls.h"

#define N_THREADS 8
#define N_OPS 200000

static void (*c10_set_state)(bool);
static bool (*c10_get_tls_state)(void);
static void (*c10_init_state)(void);
static volatile unsigned char *c10_have_state;
static long failures;
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

static void fail(const char *what, long op, int want, int got) {
  pthread_mutex_lock(&fail_lock);
  if (failures++ < 10) {
    fprintf(stderr, "FAIL: %s at op %ld: want %d got %d\n", what, op, want, got);
  }
  pthread_mutex_unlock(&fail_lock);
}

static void *lookup(void *handle, const char *name, const char *want_file) {
  void *p = dlsym(handle, name);
  if (!p) {
    fprintf(stderr, "FAIL: %s not found: %s\n", name, dlerror());
    exit(1);
  }
  Dl_info info;
  if (!dladdr(p, &info) || !info.dli_fname || !strstr(info.dli_fname, want_file)) {
    fprintf(stderr, "FAIL: %s comes from %s, not %s\n", name, info.dli_fname ? info.dli_fname : "?", want_file);
    exit(1);
  }
  return p;
}

static void *worker(void *arg) {
  uint64_t x = 0x9e3779b97f4a7c15ull * ((uintptr_t)arg + 1);
  bool model = false;
  for (long i = 0; i < N_OPS; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    bool v = (x >> 8) & 1;
    switch ((x >> 16) % 3) {
    case 0: c10_set_state(v); model = v; break;
    case 1: hermetic_pyobject_tls_set_state(v); model = v; break;
    default: break; // a read only
    }
    bool a = c10_get_tls_state(), b = hermetic_pyobject_tls_get_state();
    if (a != model) fail("c10 get_tls_state", i, model, a);
    if (b != model) fail("hermetic_pyobject_tls_get_state", i, model, b);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: test_c10_mirror linked|preload|dlopen [LAYER]\n");
    return 2;
  }
  const char *mode = argv[1];
  void *handle = RTLD_DEFAULT;
  bool dl = strcmp(mode, "dlopen") == 0;
  if (dl) {
    if (argc < 3) {
      fprintf(stderr, "dlopen mode needs the layer's path\n");
      return 2;
    }
    hermetic_pyobject_tls_init_state(); // before the layer is loaded
    handle = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      fprintf(stderr, "FAIL: dlopen %s: %s\n", argv[2], dlerror());
      return 1;
    }
  } else if (strcmp(mode, "linked") != 0 && strcmp(mode, "preload") != 0) {
    fprintf(stderr, "unknown mode %s\n", mode);
    return 2;
  }
  const char *file = "libhermetic_pyobject_tls_c10.so";
  *(void **)&c10_set_state = lookup(handle, "_ZN3c104impl19HermeticPyObjectTLS9set_stateEb", file);
  *(void **)&c10_get_tls_state = lookup(handle, "_ZN3c104impl19HermeticPyObjectTLS13get_tls_stateEv", file);
  *(void **)&c10_init_state = lookup(handle, "_ZN3c104impl19HermeticPyObjectTLS10init_stateEv", file);
  c10_have_state = lookup(handle, "_ZN3c104impl19HermeticPyObjectTLS10haveState_E", file);

  // haveState_: false before any init, true after init through the layer
  // (and from the load on when the C ABI had inited first).
  if (*c10_have_state != (dl ? 1 : 0)) fail("haveState_ at start", 0, dl, *c10_have_state);
  if (hermetic_pyobject_tls_have_state() != dl) fail("have_state at start", 0, dl, hermetic_pyobject_tls_have_state());

  // The main thread sets its own flag; no worker may see it or change it.
  c10_set_state(true);
  if (!hermetic_pyobject_tls_get_state()) fail("C ABI sees c10 set_state(true)", 0, 1, 0);
  pthread_t t[N_THREADS];
  for (uintptr_t i = 0; i < N_THREADS; i++) {
    if (pthread_create(&t[i], NULL, worker, (void *)i) != 0) {
      fprintf(stderr, "FAIL: pthread_create\n");
      return 1;
    }
  }
  for (int i = 0; i < N_THREADS; i++) pthread_join(t[i], NULL);
  if (!c10_get_tls_state() || !hermetic_pyobject_tls_get_state()) fail("main thread's flag after the workers", 0, 1, 0);
  hermetic_pyobject_tls_set_state(false);
  if (c10_get_tls_state()) fail("c10 sees C ABI set_state(false)", 0, 0, 1);

  c10_init_state();
  if (*c10_have_state != 1) fail("haveState_ after c10 init_state", 0, 1, *c10_have_state);
  if (!hermetic_pyobject_tls_have_state()) fail("have_state after c10 init_state", 0, 1, 0);
  c10_init_state(); // idempotent
  if (*c10_have_state != 1 || !hermetic_pyobject_tls_have_state()) fail("second init_state", 0, 1, 0);

  if (failures) {
    fprintf(stderr, "test_c10_mirror %s: %ld mismatches\n", mode, failures);
    return 1;
  }
  printf("test_c10_mirror %s: %d threads x %d ops, 0 mismatches; haveState_ and have_state as documented\n", mode,
         N_THREADS, N_OPS);
  return 0;
}
