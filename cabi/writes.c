//go:build !hptls_runtime_side

// writes.c: set_state and init_state. Go decides every write, so a write
// enters the Go runtime (one C→Go call, handed the address of the word to
// store) whenever it can. It is served in C, with the same seq_cst store,
// where entering Go is impossible or unsafe:
//
//   - in a child process of one whose writes entered Go (fork, _Fork,
//     clone): the runtime's other threads, and the Ps they held, are gone,
//     and a call into it can wait forever (new_process.c);
//   - in a signal handler that interrupted a write, or the start, on the
//     same thread: entering Go again there aborts the process ("exitsyscall:
//     syscall frame is no longer valid") or hangs it;
//   - where there is no runtime to enter: the static archive before the
//     host's start-up started it, or a runtime side that could not be loaded
//     (said once on stderr, start_on_demand.c).
//
// The first write of the process starts the runtime (hptls_may_enter_go).
// A thread's first entry into Go binds a Go M to it, which sets its signal
// mask; that one call is wrapped in a save and a restore of the mask.
#include <pthread.h>
#include <signal.h>
#include <stdint.h>

// Not hermetic_pyobject_tls.h: it declares set_state with a bool (below).
#include "cabi.h"

_Thread_local unsigned char hptls_bound __attribute__((tls_model("initial-exec")));
_Thread_local unsigned char hptls_in_go __attribute__((tls_model("initial-exec")));

// Where a write goes.
enum route { TO_GO, TO_GO_FIRST, IN_C };

// The gate ladder, written once: the frequent case in four loads, the rest
// out of line.
static enum route route_slow(void) __attribute__((noinline, cold));
static enum route route_slow(void) {
  if (hptls_in_go) return IN_C; // a handler interrupted this thread's write or start
  if (!hptls_may_enter_go()) return IN_C;
  return hptls_bound ? TO_GO : TO_GO_FIRST;
}

static inline enum route route(void) {
  const volatile uint32_t *alive = __atomic_load_n(&hptls_alive, __ATOMIC_ACQUIRE);
  if (__builtin_expect(*alive != 0 && hptls_bound && !hptls_in_go &&
                           !__atomic_load_n(&hptls_in_forked_child, __ATOMIC_RELAXED),
                       1))
    return TO_GO;
  return route_slow();
}

// A thread's first entry into Go, with its signal mask saved and restored
// around it; out of line, so that the frequent calls keep no frame for a
// signal set.
static void enter_go_first(uint32_t *word, uint32_t on, int init) __attribute__((noinline, cold));
static void enter_go_first(uint32_t *word, uint32_t on, int init) {
  sigset_t mask;
  int saved = pthread_sigmask(SIG_SETMASK, NULL, &mask) == 0;
  hptls_in_go = 1;
  if (init)
    hptls_go->init_state(word);
  else
    hptls_go->set_state(word, on);
  hptls_in_go = 0;
  if (saved) pthread_sigmask(SIG_SETMASK, &mask, NULL);
  hptls_bound = 1;
}

// Defined with an unsigned char parameter, not the header's bool: the ABI
// passes both the same way (the low byte of a register), and this way no
// compiler may assume the byte is 0 or 1 (clang -O0 masks a bool parameter
// to its lowest bit, so 2 would read as false), and a caller with an int
// prototype (ctypes without argtypes) that passes 2, 255 or -1 gets true.
__attribute__((visibility("default"))) void hermetic_pyobject_tls_set_state(unsigned char state) {
  uint32_t on = state != 0;
  switch (route()) {
  case TO_GO:
    hptls_in_go = 1;
    hptls_go->set_state(hptls_thread_state_address(), on);
    hptls_in_go = 0;
    return;
  case TO_GO_FIRST:
    enter_go_first(hptls_thread_state_address(), on, 0);
    return;
  case IN_C:
    hptls_store_thread_state(on);
    return;
  }
}

__attribute__((visibility("default"))) void hermetic_pyobject_tls_init_state(void) {
  switch (route()) {
  case TO_GO:
    hptls_in_go = 1;
    hptls_go->init_state(&hptls_have_state);
    hptls_in_go = 0;
    return;
  case TO_GO_FIRST:
    enter_go_first(&hptls_have_state, 1, 1);
    return;
  case IN_C:
    hptls_store_have_state();
    return;
  }
}
