/* libs.h: how every benchmark host loads the libraries it compares. All of
 * them (ours, the c10 reference, the C→Go floor, the C baselines) are loaded
 * the same way: dlopen(RTLD_NOW | RTLD_LOCAL) and dlsym, and called through
 * the function pointers that dlsym returns. That is also how PyTorch's own
 * libc10.so arrives in a Python process (dlopen of torch._C pulls it in). */
#ifndef HPTLS_BENCH_LIBS_H
#define HPTLS_BENCH_LIBS_H

#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *name;   /* "ours", "same", "c10", "gofloor", "cbase" */
  void (*set_state)(bool);
  bool (*get_state)(void);
  void (*init_state)(void);
  bool (*have_state)(void);
  void (*empty)(void);        /* gofloor: the empty //export; cbase: empty C */
  void (*empty_bool)(bool);   /* cbase */
  bool (*atomic_load)(void);  /* cbase */
  bool (*tls_load)(void);     /* cbase: plain C _Thread_local */
  void (*tls_store)(bool);    /* cbase: plain C _Thread_local */
} hptls_bench_api;

static inline void *hptls_bench_open(const char *path) {
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
    exit(2);
  }
  return handle;
}

static inline void *hptls_bench_sym(void *handle, const char *name) {
  void *sym = dlsym(handle, name);
  if (!sym) {
    fprintf(stderr, "dlsym %s: %s\n", name, dlerror());
    exit(2);
  }
  return sym;
}

#define HPTLS_SYM(h, n) hptls_bench_sym((h), (n))

/* The runtime side the front loads at its first write (cabi/cabi.h). */
#define HPTLS_BENCH_RUNTIME_SIDE_PREFIX "libhermetic_pyobject_tls_go.so."

/* kind is one of ours, same, c10, gofloor, cbase. "same" is our library
 * whose runtime side has one more export, an empty //export function
 * (hptls_bench_floor_empty, added by bench/run with go build -overlay): the
 * C→Go floor inside our own runtime, so that a write and the floor can be
 * measured in one process. Loading "same" makes one write, to start the
 * runtime side, and finds the floor there. */
static inline hptls_bench_api hptls_bench_load(const char *kind, const char *path) {
  hptls_bench_api api = {0};
  void *h = hptls_bench_open(path);
  api.name = kind;
  if (strcmp(kind, "ours") == 0 || strcmp(kind, "same") == 0) {
    *(void **)&api.set_state = HPTLS_SYM(h, "hermetic_pyobject_tls_set_state");
    *(void **)&api.get_state = HPTLS_SYM(h, "hermetic_pyobject_tls_get_state");
    *(void **)&api.init_state = HPTLS_SYM(h, "hermetic_pyobject_tls_init_state");
    *(void **)&api.have_state = HPTLS_SYM(h, "hermetic_pyobject_tls_have_state");
    if (kind[0] == 's') {
      const char *(*version)(void) = (const char *(*)(void))HPTLS_SYM(h, "hermetic_pyobject_tls_version");
      char side[128];
      snprintf(side, sizeof side, "%s%s", HPTLS_BENCH_RUNTIME_SIDE_PREFIX, version());
      api.set_state(false); /* starts the runtime side */
      void *rt = dlopen(side, RTLD_NOW | RTLD_NOLOAD);
      if (!rt) {
        fprintf(stderr, "the runtime side %s is not loaded after a write: %s\n", side, dlerror());
        exit(2);
      }
      *(void **)&api.empty = HPTLS_SYM(rt, "hptls_bench_floor_empty");
    }
  } else if (strcmp(kind, "c10") == 0) {
    *(void **)&api.set_state = HPTLS_SYM(h, "_ZN3c104impl19HermeticPyObjectTLS9set_stateEb");
    *(void **)&api.get_state = HPTLS_SYM(h, "_ZN3c104impl19HermeticPyObjectTLS13get_tls_stateEv");
    *(void **)&api.init_state = HPTLS_SYM(h, "_ZN3c104impl19HermeticPyObjectTLS10init_stateEv");
    *(void **)&api.have_state = HPTLS_SYM(h, "_ZN3c104impl19HermeticPyObjectTLS10have_stateEv");
  } else if (strcmp(kind, "gofloor") == 0) {
    *(void **)&api.empty = HPTLS_SYM(h, "hptls_floor_empty");
  } else if (strcmp(kind, "cbase") == 0) {
    *(void **)&api.empty = HPTLS_SYM(h, "hptls_cbase_empty");
    *(void **)&api.empty_bool = HPTLS_SYM(h, "hptls_cbase_empty_bool");
    *(void **)&api.atomic_load = HPTLS_SYM(h, "hptls_cbase_atomic_load");
    *(void **)&api.tls_load = HPTLS_SYM(h, "hptls_cbase_tls_load");
    *(void **)&api.tls_store = HPTLS_SYM(h, "hptls_cbase_tls_store");
  } else {
    fprintf(stderr, "unknown library kind %s\n", kind);
    exit(2);
  }
  return api;
}

#endif
