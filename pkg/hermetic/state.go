package hermetic

/*
#include "state.h"
*/
import "C"

import (
	"sync/atomic"
	"unsafe"

	"github.com/hermetic-pyobject-tls/hermetic-pyobject-tls/internal/word"
)

// haveState is the C word behind have_state; Go addresses it directly, so
// reading or setting it costs no cgo call.
var haveState = (*uint32)(unsafe.Pointer(&C.hptls_have_state))

// SetState sets hermetic mode for the OS thread that runs the calling
// goroutine. Lock the goroutine to its thread (see [runtime.LockOSThread])
// to read the value back with [State]; [Do] does both.
func SetState(on bool) {
	C.hptls_store_thread_state(cword(on))
}

// State reports hermetic mode of the OS thread that runs the calling
// goroutine. It is not gated by [HaveState], as in PyTorch 2.x.
func State() bool {
	return C.hptls_load_thread_state() != 0
}

// InitState turns have_state on for the whole process; it never turns off.
// It is safe to call many times and from many goroutines at once.
func InitState() {
	word.Init(haveState)
}

// HaveState reports whether [InitState] has been called in this process.
func HaveState() bool {
	return atomic.LoadUint32(haveState) != 0
}

func cword(on bool) C.uint32_t {
	if on {
		return 1
	}
	return 0
}
