// Package hermetic is the Go side of hermetic-pyobject-tls: PyTorch's
// c10::impl::HermeticPyObjectTLS as a library that C, C++, Python and Go
// share in one process.
//
// It keeps two pieces of state:
//
//   - hermetic mode, a boolean per OS thread, false on every thread until
//     that thread sets it (also on a new thread that reuses a dead thread's
//     id), and
//   - have_state, a process-wide flag that [InitState] turns on for good.
//
// # OS threads, not goroutines
//
// The flag belongs to the OS thread, because that is what C and Python
// callers in the same process see. A goroutine moves between OS threads
// whenever the scheduler likes, so a goroutine that calls [SetState] and
// later [State] must stay on one thread in between: call
// [runtime.LockOSThread] first, or use [Do], which does it for you.
//
// # Storage
//
// The per-thread word is a C11 _Thread_local defined in this package's C
// file, so every thread, including threads created by C that never run Go,
// gets its own zeroed copy from the OS, freed when the thread exits. No table
// keyed by thread id exists to go stale or grow. have_state is a C word that
// Go reads and writes with sync/atomic. All accesses are sequentially
// consistent, as in PyTorch.
//
// The C ABI (include/hermetic_pyobject_tls.h, built from ../../cabi) reads
// both words in C, without entering the Go runtime, and sends writes through
// this package.
package hermetic
