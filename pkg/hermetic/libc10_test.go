//go:build pytorch

package hermetic_test

import (
	"os"
	"testing"
	"unsafe"

	"github.com/ebitengine/purego"
)

// The differential test against the real libc10.so from a PyTorch wheel
// (build tag pytorch; CTest's pytorch.differential_go_* run it with
// HPT_TORCH_LIBC10 naming the library test/c10/torch_cache.py extracted).
// libc10.so holds no Go runtime, so loading it here is safe; our own Go
// .so and the c10 layer (which needs it) are never loaded into this process:
// pkg/hermetic is the other side.

// loadLibc10 loads $HPT_TORCH_LIBC10 RTLD_LOCAL; have reads its haveState_
// (std::atomic<bool>, one byte).
func loadLibc10(t *testing.T) *c10ref {
	t.Helper()
	path := os.Getenv("HPT_TORCH_LIBC10")
	if path == "" {
		t.Fatal("HPT_TORCH_LIBC10 is not set: it names the libc10.so to test against (CTest pytorch.differential_go_*)")
	}
	lib, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		t.Fatalf("dlopen %s: %v", path, err)
	}
	r := &c10ref{}
	purego.RegisterLibFunc(&r.set, lib, "_ZN3c104impl19HermeticPyObjectTLS9set_stateEb")
	purego.RegisterLibFunc(&r.get, lib, "_ZN3c104impl19HermeticPyObjectTLS13get_tls_stateEv")
	purego.RegisterLibFunc(&r.init, lib, "_ZN3c104impl19HermeticPyObjectTLS10init_stateEv")
	addr, err := purego.Dlsym(lib, "_ZN3c104impl19HermeticPyObjectTLS10haveState_E")
	if err != nil {
		t.Fatalf("%s: no haveState_: %v", path, err)
	}
	// The address of a C object, not of Go memory: reinterpret it without a
	// uintptr-to-pointer conversion.
	have := *(**uint8)(unsafe.Pointer(&addr))
	// A fresh one-byte load on every call (an aligned byte load is atomic on
	// x86_64; sync/atomic has no 8-bit load). libc10 writes it seq_cst.
	r.have = func() bool { return *have != 0 }
	t.Logf("loaded %s", path)
	return r
}

// TestRealLibc10Sequences: random sequences one operation at a time on 1, 3
// and 8 threads (haveState_ included): every read agrees.
func TestRealLibc10Sequences(t *testing.T) {
	checkSequences(t, loadLibc10(t), []int{1, 3, 8}, 3000)
}

// TestRealLibc10Concurrent: 8 locked goroutines, each its own random
// sequence at the same time; per-thread flags agree exactly.
func TestRealLibc10Concurrent(t *testing.T) {
	checkConcurrent(t, loadLibc10(t), 8, 20000)
}
