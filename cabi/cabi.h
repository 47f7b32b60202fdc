// cabi.h: what the C files of cabi/ share. Internal: not installed.
//
// The library is two objects (docs/design.md, "Go only when written"):
//
//   the front  libhermetic_pyobject_tls.so.0 (what users link): C only. It
//              owns the storage and the six public entry points, and loads
//              the runtime side at the process's first write;
//   the runtime side  libhermetic_pyobject_tls_go.so.X.Y.Z (internal, beside
//              the front): the Go runtime, the Go half of the writes, and the
//              guards that keep the runtime out of the host's way.
//
// The static archive holds both in one object, and starts its runtime while
// the host starts (it cannot wait: a static link has no second object).
//
// Lifecycle, in the order things run:
//
// | when                         | what                                        | file               |
// |------------------------------|---------------------------------------------|--------------------|
// | front loaded                 | nothing: no constructor, no thread          |                    |
// | a read, any time             | a load of the slot or of have_state, in C   | reads.c            |
// | a write before the start     | the front starts the runtime side:          | start_on_demand.c  |
// |                              | dlopen() of libhermetic_pyobject_tls_go     |                    |
// |   runtime side, prio 101     | atfork child handler; pre-start signal      | runtime_side.c,    |
// |                              | actions saved; loading thread's signals     | hostsignals.c,     |
// |                              | blocked; runtime.sigtable patched (or one   | sigpipe.c,         |
// |                              | line on stderr)                             | go_internals.c     |
// |   the runtime's initializer  | go.o's .init_array entry: the runtime       | (Go)               |
// |                              | starts its threads, with that mask          |                    |
// |   default priority           | loading thread's mask back; SIGPIPE's       | hostsignals.c,     |
// |                              | SIG_IGN back                                | sigpipe.c          |
// |   Go's package init          | crosscall2 wrapped (thread exit in a child);| exports.go,        |
// |                              | SIGURG back if preemption is off            | go_internals.c     |
// |   front, after dlopen()      | the new-process page, the front's atfork    | new_process.c      |
// |                              | child handler; writes may enter Go          |                    |
// | a thread's first Go write    | its signal mask saved and put back around it| writes.c           |
// | a write                      | the gate ladder, then Go or C               | writes.c           |
// | fork()/_Fork()/clone() child | writes in C from then on (atfork handlers,  | new_process.c,     |
// |                              | else the page); runtime side's signals back | runtime_side.c     |
// |                              | to their pre-start actions                  |                    |
// | a thread's exit in a child   | Go's destructor calls our crosscall2 wrapper,| go_internals.c    |
// |                              | which returns without entering Go           |                    |
//
// In the static archive: priority 101 as above, the runtime's initializer at
// priority 102 (scripts/finish-archive.sh), at 103 the loading thread's mask
// back and writes may enter Go (start_linked.c); a write before 103 is served
// in C. There is no pthread key of ours: Go's thread-exit destructor goes
// through the crosscall2 wrapper, whatever order the keys have.
#ifndef HPTLS_CABI_H
#define HPTLS_CABI_H

#include <signal.h>
#include <stdint.h>

#include "state.h" // HPTLS_HIDDEN

// --- The runtime side, as the front sees it -------------------------------

// Raised whenever struct hptls_runtime changes: a front and a runtime side
// from different builds never work together.
#define HPTLS_RUNTIME_ABI 1

// What hptls_runtime.report() says the runtime side's guards found.
enum {
  HPTLS_GUARD_SIGTABLE = 1 << 0,   // runtime.sigtable patched (hostsignals.c step 2)
  HPTLS_GUARD_PREEMPTOFF = 1 << 1, // the runtime's effective asyncpreemptoff is 1
  HPTLS_GUARD_SIGURG = 1 << 2,     // SIGURG given back to the host's action
  HPTLS_GUARD_CROSSCALL2 = 1 << 3, // Go's thread-exit path goes through our wrapper
  HPTLS_GUARD_INIT_RAN = 1 << 4,   // Go's package init ran (the rest of the report is final)
};

// The runtime side's one exported symbol, hptls_runtime: the front finds it
// with dlsym(); the archive refers to it directly.
struct hptls_runtime {
  uint32_t abi;     // HPTLS_RUNTIME_ABI
  uint32_t version; // HERMETIC_PYOBJECT_TLS_VERSION_NUMBER
  // The Go halves of the writes (exports.go): store on at *slot, the
  // calling thread's word; store 1 at *have.
  void (*set_state)(uint32_t *slot, uint32_t on);
  void (*init_state)(uint32_t *have);
  // In a child process: signals back to their pre-start actions, thread
  // exits kept out of Go. Async-signal-safe, idempotent; no Go.
  void (*new_process)(void);
  // HPTLS_GUARD_* bits; no Go.
  unsigned (*report)(void);
};

// --- Front side: the gate of the writes (writes.c, new_process.c) ----------

// The runtime side once writes may enter Go; NULL before.
extern const struct hptls_runtime *hptls_go HPTLS_HIDDEN;

// Nonzero in a child process of one whose writes entered Go: from then on no
// write enters Go (new_process.c).
extern int hptls_in_forked_child HPTLS_HIDDEN;

// Points to a word that is nonzero once writes may enter Go, and zero in any
// child process (a MADV_WIPEONFORK page). Before the start it points to a
// static zero, and a write takes the slow path (hptls_may_enter_go).
extern const volatile uint32_t *hptls_alive HPTLS_HIDDEN;

// The slow path of the gate: 1 when this write may enter Go, 0 when it must
// be served in C (a new process, or no runtime). It starts the runtime side
// when nothing has yet (new_process.c).
int hptls_may_enter_go(void) HPTLS_HIDDEN;

// Makes go the runtime side that writes enter, from now on (new_process.c).
void hptls_publish(const struct hptls_runtime *go) HPTLS_HIDDEN;

// Starts the runtime side if nothing has: 1 once writes may enter Go, 0 if
// they must be served in C. start_on_demand.c (the front) loads it;
// start_linked.c (the archive) has it linked in and started by the host's
// start-up, and answers 0 before that.
int hptls_start_runtime(void) HPTLS_HIDDEN;

// Notes that this process is a child: writes stay in C (new_process.c).
void hptls_note_new_process(void) HPTLS_HIDDEN;

// Per thread: nonzero once the thread entered Go (its first entry binds a Go
// M and sets its signal mask, which writes.c puts back); nonzero while the
// thread is inside a write that entered Go, or inside the start: a write that
// finds it set was made by a signal handler that interrupted it, and is
// served in C (entering Go again there aborts or hangs the process).
extern _Thread_local unsigned char hptls_bound __attribute__((tls_model("initial-exec"))) HPTLS_HIDDEN;
extern _Thread_local unsigned char hptls_in_go __attribute__((tls_model("initial-exec"))) HPTLS_HIDDEN;

// One line on stderr (write(2), async-signal-safe), prefixed with the
// library's name.
void hptls_warn(const char *a, const char *b, const char *c) HPTLS_HIDDEN;

// --- Runtime side (runtime_side.c, hostsignals.c, go_internals.c) ----------

extern const struct hptls_runtime hptls_runtime __attribute__((visibility("default")));

// Signals Go handled go back to their pre-start actions (hostsignals.c).
void hptls_child_signals(void) HPTLS_HIDDEN;
// After Go's package init: SIGURG back to the host's action (hostsignals.c);
// nonzero when it was given back.
int hptls_give_back_sigurg(void) HPTLS_HIDDEN;
// Before the runtime's initializer: clears _SigUnblock for the host's
// signals in runtime.sigtable. 1 when done, 0 when the table is not the one
// expected, -1 when this build has no name for it (not built by
// scripts/build-library.sh) (go_internals.c).
int hptls_sigtable_patch(void) HPTLS_HIDDEN;
// The runtime's effective asyncpreemptoff (1 or 0); -1 when it cannot be
// read, -2 when this build has no name for it (go_internals.c). Valid once
// Go's package init runs.
int hptls_runtime_asyncpreemptoff(void) HPTLS_HIDDEN;
// Puts our wrapper in Go's thread-exit path; nonzero when done (go_internals.c).
int hptls_wrap_crosscall2(void) HPTLS_HIDDEN;
// Whether the calling process is a child of the one the runtime started in
// (runtime_side.c).
int hptls_runtime_in_child(void) HPTLS_HIDDEN;
// Called by Go's package init, once the runtime is up (runtime_side.c).
void hptls_runtime_initialized(void) HPTLS_HIDDEN;

#endif
