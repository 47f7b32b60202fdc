//go:build pytorch

package hermetic_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/ebitengine/purego"

	"github.com/hermetic-pyobject-tls/hermetic-pyobject-tls/pkg/hermetic"
)

// The differential test against the real libc10.so from a PyTorch wheel
// (build tag pytorch; CTest's pytorch.go_differential_* run it with
// HPT_TORCH_LIBC10 naming the library c10/tests/torch_cache.py extracted).
// libc10.so holds no Go runtime, so loading it here is safe; our own Go
// .so and the c10 layer (which needs it) are never loaded into this process:
// pkg/hermetic is the other side.

// loadLibc10 loads $HPT_TORCH_LIBC10 RTLD_LOCAL; have reads its haveState_
// (std::atomic<bool>, one byte).
func loadLibc10(t *testing.T) *c10ref {
	t.Helper()
	path := os.Getenv("HPT_TORCH_LIBC10")
	if path == "" {
		t.Fatal("HPT_TORCH_LIBC10 is not set: it names the libc10.so to test against (CTest pytorch.go_differential_*)")
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
	r := loadLibc10(t)
	seed := uint64(time.Now().UnixNano())
	total := 0
	for _, s := range []uint64{0x5eed, seed} {
		rng := rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
		for _, workers := range []int{1, 3, 8} {
			ops := randomOps(rng, 3000)
			n, first := runSequence(r, workers, ops)
			total += len(ops)
			if n != 0 {
				t.Errorf("seed %#x, %d workers: %d mismatches; first: %s", s, workers, n, strings.Join(first, "; "))
			}
		}
	}
	t.Logf("sequences: %d operations on 1, 3 and 8 threads (seeds 0x5eed, %#x): 0 mismatches", total, seed)
}

// TestRealLibc10Concurrent: 8 locked goroutines, each its own random
// sequence at the same time; per-thread flags agree exactly.
func TestRealLibc10Concurrent(t *testing.T) {
	r := loadLibc10(t)
	if e := syncHaveState(r); e != "" {
		t.Fatal(e)
	}
	const goroutines, opsEach = 8, 20000
	seed := uint64(time.Now().UnixNano())
	var wg sync.WaitGroup
	var mismatches, done atomic.Int64
	errs := make(chan string, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			runtime.LockOSThread() // never unlocked: the thread ends with us
			rng := rand.New(rand.NewPCG(seed, uint64(g)))
			if h, m := hermetic.State(), r.get(); h != m {
				mismatches.Add(1)
				errs <- fmt.Sprintf("goroutine %d: new thread reads %v, libc10 %v", g, h, m)
				return
			}
			for i := 0; i < opsEach; i++ {
				op := byte(rng.IntN(numOps))
				var e string
				switch op {
				case opRetire:
					continue
				case opHave:
					if h, m := hermetic.HaveState(), r.have(); h && !m {
						e = "have = true before libc10's"
					}
				case opInit:
					r.init()
					hermetic.InitState()
					if !hermetic.HaveState() || !r.have() {
						e = "have = false right after init"
					}
				default:
					e = apply(r, op)
				}
				done.Add(1)
				if e != "" {
					mismatches.Add(1)
					errs <- fmt.Sprintf("goroutine %d, op %d (%s), seed %#x: %s", g, i, opNames[op], seed, e)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	t.Logf("concurrent: %d goroutines on their own OS threads, %d operations, %d mismatches", goroutines, done.Load(), mismatches.Load())
}
