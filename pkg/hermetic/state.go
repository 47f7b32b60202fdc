package hermetic

/*
#include "state.h"
*/
import "C"

import (
	"sync/atomic"
	"unsafe"
)

// haveState is the C word behind have_state; Go addresses it directly, so
// reading or setting it costs no cgo call.
var haveState = (*uint32)(unsafe.Pointer(&C.hptls_have_state))

// SetState sets hermetic mode for the OS thread that runs the calling
// goroutine. Lock the goroutine to its thread (see [runtime.LockOSThread])
// to read the value back with [State]; [Do] does both.
func SetState(on bool) {
	C.hptls_store_thread_state(word(on))
}

// State reports hermetic mode of the OS thread that runs the calling
// goroutine. It is not gated by [HaveState], as in PyTorch 2.x.
func State() bool {
	return C.hptls_load_thread_state() != 0
}

// InitState turns have_state on for the whole process; it never turns off.
// It is safe to call many times and from many goroutines at once.
func InitState() {
	atomic.StoreUint32(haveState, 1)
}

// HaveState reports whether [InitState] has been called in this process.
func HaveState() bool {
	return atomic.LoadUint32(haveState) != 0
}

// SetStateAt stores on in the hermetic-mode word at slot. It is the write
// path of the C ABI, which passes the address of the calling C thread's
// word so that a write costs one C-to-Go call and no call back into C.
// slot must be that address, taken by the C side of this package on the
// thread that is blocked in the call. Go code wants [SetState] instead.
func SetStateAt(slot unsafe.Pointer, on bool) {
	atomic.StoreUint32((*uint32)(slot), uint32(word(on)))
}

func word(on bool) C.uint32_t {
	if on {
		return 1
	}
	return 0
}
