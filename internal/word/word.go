// Package word is where Go changes the library's state: the store of an OS
// thread's hermetic-mode word and of have_state. Both are uint32 words in C
// memory (pkg/hermetic/state.h), stored at seq_cst like PyTorch's
// std::atomic<bool>, so that C's __atomic loads read them. The C ABI's Go
// exports (cabi) and pkg/hermetic both write through it.
package word

import "sync/atomic"

// Set stores on in the hermetic-mode word at w.
func Set(w *uint32, on bool) {
	var v uint32
	if on {
		v = 1
	}
	atomic.StoreUint32(w, v)
}

// Init stores true in the have_state word at w; nothing ever stores false.
func Init(w *uint32) {
	atomic.StoreUint32(w, 1)
}
