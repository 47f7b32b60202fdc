// hostsignals.c: the host's process-directed signals stay the host's.
//
// A process-directed signal (kill(), SIGCHLD, a terminal's SIGWINCH) goes to
// any thread that does not block it. The Go runtime starts its threads while
// the library loads, and a runtime thread's mask is the mask of the thread
// that ran the runtime's initializer (initSigmask in runtime/proc.go), minus
// the signals Go always unblocks (blockableSig in runtime/signal_unix.go). A
// host that blocks a signal in all its threads to take it with sigwait() or
// signalfd() would lose it to a runtime thread, where its default action
// runs: SIGTERM kills the process, SIGCHLD vanishes.
//
// 1. Before the runtime's initializer (priority 101), the loading thread
//    blocks every signal Go lets a library's threads block; the runtime
//    thread created from it saves that mask as initSigmask, so every runtime
//    thread blocks them. After the initializer (default priority, later in
//    the link) the loading thread's own mask is put back.
// 2. Go unblocks SIGCHLD, SIGPROF and SIGSTKFLT on its threads whatever
//    initSigmask says. Where the host left one of them at SIG_DFL, a handler
//    of ours takes it: on a runtime thread it blocks the signal there for
//    good (through the mask restored when the handler returns) and sends it
//    to the process again, so that it ends where it would have gone without
//    the library; on a host thread it does what SIG_DFL would have done.
// 3. A thread's first write binds a Go M to it (needm), which sets the
//    thread's mask to Go's; set_state and init_state put the caller's mask
//    back after that first call (hptls_enter_go_first, below).
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cabi.h"

// Referenced from fork.c so that the static archive links this file in.
const char hptls_link_hostsignals = 0;

static sigset_t loader_mask;
static int loader_mask_saved;

// Signals Go wants unblocked on its own threads, and the synchronous ones
// (blocking those only turns a fault into a kill). Everything else is
// blocked on runtime threads.
static int go_needs(int sig) {
  switch (sig) {
  case SIGILL: case SIGTRAP: case SIGBUS: case SIGFPE: case SIGSEGV: case SIGSYS:
  case SIGPROF: // profiling timers (unblocked by Go regardless)
  case SIGCHLD: case SIGSTKFLT: // unblocked by Go regardless: see 2.
    return 1;
  }
  return 0;
}

// --- 4. and 6.: the handlers Go installs ---------------------------------
//
// In a library the runtime installs its handler on SIGSEGV, SIGBUS, SIGFPE,
// SIGPIPE and SIGURG. The library is built with asynchronous preemption off
// (scripts/build-library.sh: runtime.godebugDefault=asyncpreemptoff=1; our
// Go code is a few stores and always returns soon), so the runtime sends no
// SIGURG and SIGURG goes back to what the host had before the load (a
// handler installed then ran never again). In a forked child no signal may
// run Go's handler (it would enter a runtime that has no threads there: a
// hang in needm): each of these goes back to the host's pre-load action.
static const int go_handled[] = {SIGSEGV, SIGBUS, SIGFPE, SIGPIPE, SIGURG};
enum { GO_HANDLED = sizeof go_handled / sizeof go_handled[0] };
static struct sigaction before_load[GO_HANDLED];
static void *go_handler[GO_HANDLED];
static int before_load_saved[GO_HANDLED];

static void *handler_of(const struct sigaction *sa) {
  return (sa->sa_flags & SA_SIGINFO) ? (void *)sa->sa_sigaction : (void *)sa->sa_handler;
}

// In a child of fork() (fork.c): async-signal-safe, no allocation, no lock.
void hptls_child_signals(void) {
  for (int i = 0; i < GO_HANDLED; i++) {
    struct sigaction now;
    if (!before_load_saved[i] || !go_handler[i] || sigaction(go_handled[i], NULL, &now) != 0) continue;
    if (handler_of(&now) == go_handler[i]) sigaction(go_handled[i], &before_load[i], NULL);
  }
}

__attribute__((constructor(101))) static void block_before_runtime(void) {
  for (int i = 0; i < GO_HANDLED; i++)
    before_load_saved[i] = sigaction(go_handled[i], NULL, &before_load[i]) == 0;
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
  return before_load_saved[0] && sigaction(go_handled[0], NULL, &now) == 0 &&
         handler_of(&now) != handler_of(&before_load[0]);
}

static int unblocked;

// Right after the runtime's initializer. In the shared library that is a
// plain .init_array entry of go.o, which the link puts before this file's
// default-priority one. In the static archive scripts/finish-archive.sh
// gives it priority 102, and the host's own ordinary constructors (C++
// static initializers, and any thread they start) come before this file's
// default-priority entry: the loading thread's mask goes back at 103 there,
// so that no host code runs with the mask of step 1.
static void unblock_after_runtime(void) {
  if (unblocked) return;
  unblocked = 1;
  if (loader_mask_saved) pthread_sigmask(SIG_SETMASK, &loader_mask, NULL);
  for (int i = 0; i < GO_HANDLED; i++) {
    struct sigaction now;
    if (!before_load_saved[i] || sigaction(go_handled[i], NULL, &now) != 0) continue;
    if (handler_of(&now) == handler_of(&before_load[i])) continue; // Go left it alone
    go_handler[i] = handler_of(&now);
    if (go_handled[i] == SIGURG) sigaction(SIGURG, &before_load[i], NULL);
  }
}

__attribute__((constructor(103))) static void unblock_after_archive_runtime(void) {
  if (runtime_initialized()) unblock_after_runtime();
}

__attribute__((constructor)) static void unblock_after_shared_runtime(void) { unblock_after_runtime(); }

// --- 2. SIGCHLD, SIGPROF, SIGSTKFLT -------------------------------------

static const int rerouted[] = {SIGCHLD, SIGPROF, SIGSTKFLT};

// A runtime thread blocks every signal of step 1 (a host thread that takes
// one of the rerouted signals very rarely blocks all of these).
static int on_runtime_thread(const sigset_t *mask) {
  static const int marks[] = {SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM,
                              SIGTERM, SIGWINCH, SIGIO, SIGXCPU, SIGVTALRM, SIGTTIN};
  for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
    if (!sigismember(mask, marks[i])) return 0;
  for (int sig = SIGRTMIN + 3; sig <= SIGRTMAX; sig++)
    if (!sigismember(mask, sig)) return 0;
  return 1;
}

static void reroute(int sig, siginfo_t *info, void *context) {
  (void)info;
  int saved_errno = errno;
  ucontext_t *uc = context;
  struct sigaction now;
  if (sigaction(sig, NULL, &now) != 0 || !(now.sa_flags & SA_SIGINFO) || now.sa_sigaction != reroute) {
    // Called by a handler the host installed over ours, which chains to the
    // one it replaced: that handler has taken the signal, and the host's
    // action before ours was SIG_DFL. Neither send it again nor end the
    // process (c.test_host_signals_chain).
    errno = saved_errno;
    return;
  }
  if (on_runtime_thread(&uc->uc_sigmask)) {
    sigaddset(&uc->uc_sigmask, sig); // blocked here once the handler returns
    kill(getpid(), sig);             // blocked here now: goes to another thread or stays pending
  } else if (sig != SIGCHLD) {       // SIG_DFL of SIGCHLD is to ignore it
    signal(sig, SIG_DFL);            // SIGPROF, SIGSTKFLT: SIG_DFL ends the process
    pthread_kill(pthread_self(), sig);
  }
  errno = saved_errno;
}

// After unblock_after_runtime: Go installs no handler on these in a library.
__attribute__((constructor)) static void install_reroute(void) {
  for (size_t i = 0; i < sizeof rerouted / sizeof rerouted[0]; i++) {
    struct sigaction now, sa;
    if (sigaction(rerouted[i], NULL, &now) != 0) continue;
    if ((now.sa_flags & SA_SIGINFO) || now.sa_handler != SIG_DFL) continue; // the host's choice
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = reroute;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    if (rerouted[i] == SIGCHLD) sa.sa_flags |= now.sa_flags & (SA_NOCLDSTOP | SA_NOCLDWAIT);
    sigemptyset(&sa.sa_mask);
    sigaction(rerouted[i], &sa, NULL);
  }
}

// --- 3. the caller's mask ------------------------------------------------

_Thread_local unsigned char hptls_bound __attribute__((tls_model("initial-exec")));

int hptls_mask_save(sigset_t *mask) { return pthread_sigmask(SIG_SETMASK, NULL, mask) == 0; }

void hptls_mask_restore(int saved, const sigset_t *mask) {
  if (saved) pthread_sigmask(SIG_SETMASK, mask, NULL);
  hptls_bound = 1;
}
