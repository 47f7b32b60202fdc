/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hermetic_pyobject_tls.h: the C ABI of hermetic-pyobject-tls.
 *
 * A per-OS-thread boolean, "hermetic mode", and a process-wide flag,
 * "have_state", with the semantics of PyTorch 2.x's
 * c10::impl::HermeticPyObjectTLS. The library is written in C and Go: link
 * libhermetic_pyobject_tls.so (C); at the process's first write it loads its
 * runtime side, libhermetic_pyobject_tls_go.so.X.Y.Z, installed beside it
 * (the Go runtime). The static archive holds both.
 *
 * Conventions
 * - Every public name starts with hermetic_pyobject_tls_ (functions) or
 *   HERMETIC_PYOBJECT_TLS_ (macros); nothing else leaves the library.
 * - "Thread" means OS thread (a pthread). A thread that has never called
 *   hermetic_pyobject_tls_set_state() reads false, also when it reuses the
 *   id of a thread that had set true; the flag dies with its thread.
 * - Every load and store is sequentially consistent, like the std::atomic<bool>
 *   PyTorch keeps.
 * - Go only when written: loading the library starts nothing (no thread, no
 *   signal handler, no change to any signal's action or mask). The first
 *   write of the process (set_state or init_state, on any thread) starts the
 *   Go runtime; its other threads' first writes wait for it. A process that
 *   only reads never has a Go runtime. If the runtime side cannot be loaded,
 *   writes are made in C and stderr says why, once.
 * - Reads (get_state, have_state, version, version_number) are a load or a
 *   constant: they never block, allocate or enter the Go runtime.
 * - Writes (set_state, init_state) enter the Go runtime once. The first write
 *   on a thread binds runtime state to it (microseconds, freed when the
 *   thread exits); writes from more threads at once than GOMAXPROCS wait for
 *   each other. No function fails or calls back into the host. A write made
 *   before the static archive's runtime started (.preinit_array, a
 *   constructor of priority 101) is served in C. Reads are
 *   async-signal-safe. A write in a signal handler works once its thread
 *   has written outside handlers, also when the handler interrupted a
 *   write; a thread's first write binds runtime state and allocates (and the
 *   process's first write loads the runtime side), so it must not be made in
 *   a handler (docs/reliability.md).
 * - Signals: a call leaves the calling thread's signal mask as it found it;
 *   the runtime's threads block every signal the host may take with
 *   sigwait() or signalfd() (SIGCHLD, SIGPROF and SIGRTMIN included), so
 *   a process-directed signal reaches a host thread with its own siginfo;
 *   the library installs no handler of its own (docs/reliability.md lists
 *   what the Go runtime keeps: the synchronous signals, SIGPIPE).
 * - fork(): the child keeps the forking thread's flag and have_state, as
 *   C++ thread_local does, and every function works in the child. In a child
 *   of a process that had written, nothing enters the Go runtime, not even a
 *   thread's exit or a signal, so nothing can hang on a runtime that fork()
 *   left without its threads; the same holds for _Fork() and clone()
 *   children (a vfork() child may only exec or _exit). A child of a process
 *   that never wrote starts its own runtime at its first write.
 * - One copy per process: load the library by its SONAME; the Python
 *   package uses a copy already loaded.
 * - The library cannot be unloaded: dlclose() leaves it mapped, and a later
 *   dlopen() finds it with its state as it was.
 */
#ifndef HERMETIC_PYOBJECT_TLS_H
#define HERMETIC_PYOBJECT_TLS_H

#include <stdbool.h>

#define HERMETIC_PYOBJECT_TLS_VERSION_MAJOR 0
#define HERMETIC_PYOBJECT_TLS_VERSION_MINOR 1
#define HERMETIC_PYOBJECT_TLS_VERSION_PATCH 0
/** The version as "MAJOR.MINOR.PATCH"; equal to hermetic_pyobject_tls_version(). */
#define HERMETIC_PYOBJECT_TLS_VERSION "0.1.0"
/** MAJOR*10000 + MINOR*100 + PATCH; equal to hermetic_pyobject_tls_version_number(). */
#define HERMETIC_PYOBJECT_TLS_VERSION_NUMBER                                    \
  (HERMETIC_PYOBJECT_TLS_VERSION_MAJOR * 10000 +                                \
   HERMETIC_PYOBJECT_TLS_VERSION_MINOR * 100 +                                  \
   HERMETIC_PYOBJECT_TLS_VERSION_PATCH)

/*
 * HERMETIC_PYOBJECT_TLS_API marks every public function. Define it before
 * including this header to add attributes of your own (for example an empty
 * definition when you link the static archive into a library that hides it).
 */
#ifndef HERMETIC_PYOBJECT_TLS_API
#if defined(HERMETIC_PYOBJECT_TLS_BUILDING) && defined(__GNUC__)
#define HERMETIC_PYOBJECT_TLS_API __attribute__((visibility("default")))
#else
#define HERMETIC_PYOBJECT_TLS_API
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Sets hermetic mode for the calling OS thread to `state`; other threads are
 * not affected. Any nonzero byte counts as true. Enters the Go runtime once
 * (about one cgo call; the process's first write starts it), except in a
 * forked child of a process that had written, where it stays in C.
 */
HERMETIC_PYOBJECT_TLS_API void hermetic_pyobject_tls_set_state(bool state);

/**
 * Returns the calling OS thread's hermetic mode: false until this thread
 * sets it. Not gated by have_state (PyTorch's fast path is disabled, so is
 * ours). Always returns exactly false or true. Costs a thread-local load and
 * never enters the Go runtime.
 */
HERMETIC_PYOBJECT_TLS_API bool hermetic_pyobject_tls_get_state(void);

/**
 * Makes have_state true for the whole process; it never becomes false again.
 * Safe to call any number of times, from any number of threads at once.
 */
HERMETIC_PYOBJECT_TLS_API void hermetic_pyobject_tls_init_state(void);

/**
 * Returns whether hermetic_pyobject_tls_init_state() has been called in this
 * process (or, in a forked child, in its parent before the fork). Never
 * enters the Go runtime.
 */
HERMETIC_PYOBJECT_TLS_API bool hermetic_pyobject_tls_have_state(void);

/**
 * Returns the library's version as "MAJOR.MINOR.PATCH", in static storage.
 * Compare it with HERMETIC_PYOBJECT_TLS_VERSION to detect a header that does
 * not match the library loaded at run time.
 */
HERMETIC_PYOBJECT_TLS_API const char *hermetic_pyobject_tls_version(void);

/** Returns MAJOR*10000 + MINOR*100 + PATCH of the library loaded at run time. */
HERMETIC_PYOBJECT_TLS_API unsigned hermetic_pyobject_tls_version_number(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HERMETIC_PYOBJECT_TLS_H */
