// cabi.h: what the C files of cabi/ share. Internal: not installed.
#ifndef HPTLS_CABI_H
#define HPTLS_CABI_H

#include <signal.h>

#include "state.h" // HPTLS_HIDDEN

// Nonzero in a child of fork(): from then on no call may enter Go (fork.c).
extern int hptls_in_forked_child HPTLS_HIDDEN;

// Points to a word that is nonzero once writes may enter Go: zero before
// the Go runtime's initializer ran, and zero in any child process (a
// MADV_WIPEONFORK page: fork, _Fork, clone without CLONE_VM), whatever ran
// before our pthread_atfork handler (fork.c). Where the kernel refuses
// MADV_WIPEONFORK it stays zero and the slow path compares the pid.
extern const volatile uint32_t *hptls_alive HPTLS_HIDDEN;
int hptls_stay_in_c_slow(void) HPTLS_HIDDEN;

// Whether a write must be served in C, without entering Go (writes only:
// reads never need it).
static inline int hptls_stay_in_c(void) {
  if (__builtin_expect(*hptls_alive != 0 && !__atomic_load_n(&hptls_in_forked_child, __ATOMIC_RELAXED), 1))
    return 0;
  return hptls_stay_in_c_slow();
}

// Nonzero once the calling thread has entered Go: its first entry binds a Go
// M to it and sets its signal mask, which the caller gets back around that
// one call (hostsignals.c); later entries leave the mask alone.
extern _Thread_local unsigned char hptls_bound __attribute__((tls_model("initial-exec"))) HPTLS_HIDDEN;
int hptls_mask_save(sigset_t *mask) HPTLS_HIDDEN;
// Nonzero while the calling thread is inside a write that entered Go. A
// write that finds it set was made by a signal handler that interrupted that
// write, and is served in C: entering Go again there aborts the process
// ("exitsyscall: syscall frame is no longer valid") or hangs (set_state.c).
extern _Thread_local unsigned char hptls_in_go __attribute__((tls_model("initial-exec"))) HPTLS_HIDDEN;
// In a forked child: the signals Go handled go back to the host's pre-load
// actions, so that none runs Go's handler there (hostsignals.c).
void hptls_child_signals(void) HPTLS_HIDDEN;
void hptls_mask_restore(int saved, const sigset_t *mask) HPTLS_HIDDEN;
// Before the Go runtime starts: lets its threads keep the host's
// process-directed signals blocked (sigtable_patch.c). Nonzero when the
// runtime's table was found and changed, zero when it was left alone.
int hptls_sigtable_patch(void) HPTLS_HIDDEN;
// Before a thread's first entry into Go: at its exit, a new process is
// noticed before Go's own destructor could enter Go (fork.c).
void hptls_note_go_thread(void) HPTLS_HIDDEN;
// A thread's first entry into Go (init_state when init, else set_state(on)),
// with the caller's mask saved and restored around it (set_state.c).
void hptls_enter_go_first(int init, uint32_t on) HPTLS_HIDDEN __attribute__((noinline, cold));

#endif
