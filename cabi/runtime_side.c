// runtime_side.c: the runtime side's face to the front, and what it does in
// a child process.
//
// hptls_runtime is the one symbol libhermetic_pyobject_tls_go.so exports
// (cabi/runtime.map); the front looks it up once, when it loads the runtime
// side at the process's first write. In the static archive both halves are
// one object and start_linked.c refers to it directly.
#include <pthread.h>
#include <unistd.h>

#include "_cgo_export.h"
#include "cabi.h"
#include "hermetic_pyobject_tls.h"

// The process the runtime started in, and whether this one is a child of it.
static pid_t runtime_pid;
static int in_child;
// HPTLS_GUARD_* bits: what the guards found (hostsignals.c, go_internals.c).
unsigned hptls_guards HPTLS_HIDDEN;

// In a child process: async-signal-safe, idempotent, no Go. Run by our
// atfork handler in a fork() child, and by the front at the first write of a
// _Fork() or clone() child.
static void new_process(void) {
  if (__atomic_exchange_n(&in_child, 1, __ATOMIC_RELAXED)) return;
  hptls_child_signals();
}

int hptls_runtime_in_child(void) {
  return __atomic_load_n(&in_child, __ATOMIC_RELAXED) || getpid() != runtime_pid;
}

static unsigned report(void) {
  return __atomic_load_n(&hptls_guards, __ATOMIC_ACQUIRE);
}

const struct hptls_runtime hptls_runtime = {
    .abi = HPTLS_RUNTIME_ABI,
    .version = HERMETIC_PYOBJECT_TLS_VERSION_NUMBER,
    .set_state = hptls_go_set_state,
    .init_state = hptls_go_init_state,
    .new_process = new_process,
    .report = report,
};

// Priority 101: before the runtime's initializer starts its threads, so that
// no fork can fall between the two.
__attribute__((constructor(101))) static void before_runtime(void) {
  runtime_pid = getpid();
  pthread_atfork(NULL, NULL, new_process);
}

void hptls_runtime_initialized(void) {
  unsigned found = HPTLS_GUARD_INIT_RAN;
  if (hptls_wrap_crosscall2()) found |= HPTLS_GUARD_CROSSCALL2;
  else hptls_warn("Go's thread-exit path was not found (x_crosscall2_ptr): ",
                  "a thread that wrote and then exits in a child process made by _Fork() or clone() ",
                  "may enter the Go runtime there and hang");
  switch (hptls_runtime_asyncpreemptoff()) {
  case 1:
    found |= HPTLS_GUARD_PREEMPTOFF;
    if (hptls_give_back_sigurg()) found |= HPTLS_GUARD_SIGURG;
    break;
  case 0: // GODEBUG=asyncpreemptoff=0 in the environment: the runtime keeps SIGURG
    break;
  case -2:
    hptls_warn("built without scripts/build-library.sh, so the Go runtime's asyncpreemptoff ",
               "setting was not found: SIGURG stays with the runtime's handler", NULL);
    break;
  default:
    hptls_warn("the Go runtime's asyncpreemptoff setting was not found: ",
               "SIGURG stays with the runtime's handler", NULL);
  }
  __atomic_fetch_or(&hptls_guards, found, __ATOMIC_RELEASE);
}
