// Command cabi is the C ABI of hermetic-pyobject-tls (docs/design.md):
//
//   - built with -tags hptls_runtime_side, it is the runtime side,
//     libhermetic_pyobject_tls_go.so.X.Y.Z: the Go runtime, the two exports
//     below and the guards around the runtime, reached by the front library
//     (the C files tagged !hptls_runtime_side, and start_on_demand.c) through
//     the table hptls_runtime at the process's first write;
//   - built without, it is the static archive: front and runtime side in one
//     object (scripts/finish-archive.sh).
//
// scripts/build-library.sh builds both, always with -buildmode=c-archive.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -I${SRCDIR}/../pkg/hermetic -DHERMETIC_PYOBJECT_TLS_BUILDING
#include <stdint.h>
#include <stdlib.h>
#include "cabi.h"
*/
import "C"

import (
	"unsafe"

	"github.com/hermetic-pyobject-tls/hermetic-pyobject-tls/internal/word"
)

// hptls_go_set_state is the Go half of hermetic_pyobject_tls_set_state: it
// stores on (0 or 1) in slot, the calling C thread's word.
//
//export hptls_go_set_state
func hptls_go_set_state(slot *C.uint32_t, on C.uint32_t) {
	defer abortOnPanic("set_state")
	word.Set((*uint32)(unsafe.Pointer(slot)), on != 0)
}

// hptls_go_init_state is the Go half of hermetic_pyobject_tls_init_state: it
// stores true in have, the process's have_state word.
//
//export hptls_go_init_state
func hptls_go_init_state(have *C.uint32_t) {
	defer abortOnPanic("init_state")
	word.Init((*uint32)(unsafe.Pointer(have)))
}

// abortOnPanic ends the process, loudly, when an export panics: a panic must
// neither cross into the C caller nor be swallowed (the write would look done).
func abortOnPanic(export string) {
	if r := recover(); r != nil {
		println("hermetic_pyobject_tls: panic in the Go half of " + export + ": " + describe(r))
		C.abort()
	}
}

func describe(r any) string {
	switch v := r.(type) {
	case error:
		return v.Error()
	case string:
		return v
	}
	return "a panic value that is neither an error nor a string"
}

// The runtime is up, and every C→Go call waits for package init to end: the
// guards that need a running runtime go in place here (runtime_side.c).
func init() {
	C.hptls_runtime_initialized()
}

func main() {}
