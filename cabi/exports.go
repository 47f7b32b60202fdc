// Command cabi is the C ABI of hermetic-pyobject-tls, built with
// go build -buildmode=c-shared (or c-archive). The public entry points are
// the C functions in entry.c; they read the state in C and reach Go, through
// the two exports below, only to write it.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -I${SRCDIR}/../pkg/hermetic -DHERMETIC_PYOBJECT_TLS_BUILDING
#include <stdint.h>
*/
import "C"

import (
	"unsafe"

	"github.com/hermetic-pyobject-tls/hermetic-pyobject-tls/pkg/hermetic"
)

// hptls_go_set_state is the Go half of hermetic_pyobject_tls_set_state:
// slot is the calling thread's word, on is 0 or 1.
//
//export hptls_go_set_state
func hptls_go_set_state(slot *C.uint32_t, on C.uint32_t) {
	defer containPanic()
	hermetic.SetStateAt(unsafe.Pointer(slot), on != 0)
}

// hptls_go_init_state is the Go half of hermetic_pyobject_tls_init_state.
//
//export hptls_go_init_state
func hptls_go_init_state() {
	defer containPanic()
	hermetic.InitState()
}

// containPanic stops a panic at the C boundary, where it would otherwise
// abort the host process. Neither export can panic today; this keeps it so.
func containPanic() {
	_ = recover()
}

func main() {}
