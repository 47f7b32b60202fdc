// hostsignals.c: the host's process-directed signals stay the host's.
//
// A process-directed signal (kill(), SIGCHLD, a terminal's SIGWINCH) goes to
// any thread that does not block it. The Go runtime starts its threads when
// the runtime side loads (the process's first write), and a runtime thread's
// mask is the mask of the thread that ran the runtime's initializer
// (initSigmask in runtime/proc.go), minus the signals Go always unblocks
// (blockableSig in runtime/signal_unix.go). A host that blocks a signal in
// all its threads to take it with sigwait() or signalfd() would lose it to a
// runtime thread, where its default action runs: SIGTERM kills the process,
// SIGCHLD vanishes.
//
// 1. Before the runtime's initializer (priority 101), the loading thread
//    blocks every signal Go lets a library's threads block; the runtime
//    thread created from it saves that mask as initSigmask, so every runtime
//    thread blocks them. After the initializer the loading thread's own mask
//    is put back.
// 2. Go unblocks the signals its table marks _SigUnblock on every thread it
//    runs, whatever initSigmask says: among them SIGCHLD, SIGPROF, SIGSTKFLT
//    and signal 34 (glibc's SIGRTMIN), which a host may take with sigwait().
//    Before the runtime starts, the same constructor clears that mark for
//    those four in the runtime's table (go_internals.c), so runtime threads
//    keep them blocked and the kernel delivers them to the host's threads,
//    with their own siginfo. If the table is not the one expected, stderr
//    says once what is left unprotected.
// 3. A thread's first write binds a Go M to it (needm), which sets the
//    thread's mask to Go's; writes.c puts the caller's mask back after that
//    first call.
// 4. The runtime installs its handler on SIGSEGV, SIGBUS, SIGFPE, SIGPIPE and
//    SIGURG. The library is built with asynchronous preemption off
//    (scripts/build-library.sh: runtime.godebugDefault=asyncpreemptoff=1; our
//    Go code is a few stores and always returns soon), so the runtime sends
//    no SIGURG, and once Go's package init confirms that the setting took
//    effect, SIGURG goes back to what the host had before the start.
// 5. In a child process no signal may run Go's handler (it would enter a
//    runtime that has no threads there: a hang in needm): each of these goes
//    back to the host's pre-start action.
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>

#include "cabi.h"

extern unsigned hptls_guards HPTLS_HIDDEN; // runtime_side.c

static sigset_t loader_mask;
static int loader_mask_saved;

// The synchronous signals: Go needs them on its own threads (blocking one
// only turns a fault into a kill). Everything else is blocked on runtime
// threads.
static int go_needs(int sig) {
  switch (sig) {
  case SIGILL: case SIGTRAP: case SIGBUS: case SIGFPE: case SIGSEGV: case SIGSYS:
    return 1;
  }
  return 0;
}

static const int go_handled[] = {SIGSEGV, SIGBUS, SIGFPE, SIGPIPE, SIGURG};
enum { GO_HANDLED = sizeof go_handled / sizeof go_handled[0], URG = 4 };
static struct sigaction before_start[GO_HANDLED];
static void *go_handler[GO_HANDLED];
static int before_start_saved[GO_HANDLED];

static void *handler_of(const struct sigaction *sa) {
  return (sa->sa_flags & SA_SIGINFO) ? (void *)sa->sa_sigaction : (void *)sa->sa_handler;
}

// Step 5, in a child process: async-signal-safe, no allocation, no lock.
void hptls_child_signals(void) {
  for (int i = 0; i < GO_HANDLED; i++) {
    struct sigaction now;
    if (!before_start_saved[i] || !go_handler[i] || sigaction(go_handled[i], NULL, &now) != 0) continue;
    if (handler_of(&now) == go_handler[i]) sigaction(go_handled[i], &before_start[i], NULL);
  }
}

// Steps 1 and 2.
__attribute__((constructor(101))) static void block_before_runtime(void) {
  static const char unprotected[] =
      ": its threads leave SIGCHLD, SIGPROF, SIGSTKFLT and SIGRTMIN unblocked, so a host that "
      "takes them with sigwait() or signalfd() can lose them (docs/reliability.md)";
  switch (hptls_sigtable_patch()) {
  case 1:
    __atomic_fetch_or(&hptls_guards, HPTLS_GUARD_SIGTABLE, __ATOMIC_RELEASE);
    break;
  case 0:
    hptls_warn("the Go runtime's signal table is not the one this library was written for", unprotected, NULL);
    break;
  default:
    hptls_warn("built without scripts/build-library.sh, so the Go runtime's signal table was not found",
               unprotected, NULL);
  }
  for (int i = 0; i < GO_HANDLED; i++)
    before_start_saved[i] = sigaction(go_handled[i], NULL, &before_start[i]) == 0;
  sigset_t block;
  sigfillset(&block);
  for (int sig = 1; sig < NSIG; sig++)
    if (go_needs(sig)) sigdelset(&block, sig);
  loader_mask_saved = pthread_sigmask(SIG_BLOCK, &block, &loader_mask) == 0;
}

// Whether the runtime's initializer has run: it installs its handler on
// SIGSEGV synchronously, before it starts its first thread.
static int runtime_initialized(void) {
  struct sigaction now;
  return before_start_saved[0] && sigaction(go_handled[0], NULL, &now) == 0 &&
         handler_of(&now) != handler_of(&before_start[0]);
}

static int unblocked;
// Set once unblock_after_runtime() has noted the runtime's handlers. It runs on
// the loading thread, right after the runtime's initializer; Go's package init
// runs on a runtime thread meanwhile, and may get to hptls_give_back_sigurg()
// first: it waits for this.
static int handlers_noted;

// Right after the runtime's initializer: the loading thread's mask back, and
// the runtime's handlers noted for step 5. In the runtime side's .so the
// initializer is a plain .init_array entry of go.o, which the link puts
// before this file's default-priority one. In the static archive
// scripts/finish-archive.sh gives it priority 102, and the host's own
// ordinary constructors (C++ static initializers, and any thread they start)
// come before this file's default-priority entry: the mask goes back at 103
// there, so that no host code runs with the mask of step 1.
static void unblock_after_runtime(void) {
  if (unblocked) return;
  unblocked = 1;
  if (loader_mask_saved) pthread_sigmask(SIG_SETMASK, &loader_mask, NULL);
  for (int i = 0; i < GO_HANDLED; i++) {
    struct sigaction now;
    if (!before_start_saved[i] || sigaction(go_handled[i], NULL, &now) != 0) continue;
    if (handler_of(&now) != handler_of(&before_start[i])) go_handler[i] = handler_of(&now);
  }
  __atomic_store_n(&handlers_noted, 1, __ATOMIC_RELEASE);
}

__attribute__((constructor(103))) static void unblock_after_archive_runtime(void) {
  if (runtime_initialized()) unblock_after_runtime();
}

__attribute__((constructor)) static void unblock_after_shared_runtime(void) { unblock_after_runtime(); }

// Step 4, from Go's package init once the runtime's effective
// asyncpreemptoff is 1. A handler the host installed since the start stands.
int hptls_give_back_sigurg(void) {
  for (int spins = 0; !__atomic_load_n(&handlers_noted, __ATOMIC_ACQUIRE); spins++) {
    if (spins == 100000) return 0; // never noted: SIGURG stays the runtime's, and the selfcheck says so
    sched_yield();
  }
  struct sigaction now;
  if (!before_start_saved[URG] || !go_handler[URG] || sigaction(SIGURG, NULL, &now) != 0) return 0;
  if (handler_of(&now) != go_handler[URG]) return 0;
  return sigaction(SIGURG, &before_start[URG], NULL) == 0;
}
