package hermetic_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ebitengine/purego"

	"github.com/hermetic-pyobject-tls/hermetic-pyobject-tls/pkg/hermetic"
)

// The differential tests apply the same operations to pkg/hermetic and to a
// reference model of PyTorch's implementation (testdata/c10ref: a
// thread_local std::atomic<bool> and an std::atomic<bool>, in C++), each
// operation on the same OS thread for both, and require every read to agree.
// The model is a plain C++ shared library, built here with `go env CXX` and
// loaded into this process with purego; it holds no Go runtime, so loading
// it is safe (our own Go .so must never be loaded into a Go process).

// c10ref is the loaded reference model.
type c10ref struct {
	set  func(bool)
	get  func() bool
	init func()
	have func() bool
}

var (
	refOnce sync.Once
	ref     *c10ref
	refErr  error
	refDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if refDir != "" {
		os.RemoveAll(refDir)
	}
	os.Exit(code)
}

// loadRef builds and loads the reference model once per test process.
func loadRef(t testing.TB) *c10ref {
	t.Helper()
	refOnce.Do(func() { ref, refErr = buildRef() })
	if refErr != nil {
		t.Fatalf("reference model: %v", refErr)
	}
	return ref
}

func buildRef() (*c10ref, error) {
	cxx := os.Getenv("CXX")
	if cxx == "" {
		out, err := exec.Command("go", "env", "CXX").Output()
		if err != nil {
			return nil, fmt.Errorf("go env CXX: %v", err)
		}
		cxx = strings.TrimSpace(string(out))
	}
	dir, err := os.MkdirTemp("", "c10ref")
	if err != nil {
		return nil, err
	}
	refDir = dir
	so := filepath.Join(dir, "libc10ref.so")
	args := strings.Fields(cxx) // go env CXX may be "g++ -m64" and the like
	args = append(args, "-std=c++17", "-O2", "-fPIC", "-shared", "-Wall", "-Werror",
		"-o", so, filepath.Join("testdata", "c10ref", "c10_reference.cpp"))
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%v: %v\n%s", args, err, out)
	}
	lib, err := purego.Dlopen(so, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return nil, fmt.Errorf("dlopen %s: %v", so, err)
	}
	r := &c10ref{}
	// c10::impl::HermeticPyObjectTLS::{set_state, get_tls_state, init_state, have_state}
	purego.RegisterLibFunc(&r.set, lib, "_ZN3c104impl19HermeticPyObjectTLS9set_stateEb")
	purego.RegisterLibFunc(&r.get, lib, "_ZN3c104impl19HermeticPyObjectTLS13get_tls_stateEv")
	purego.RegisterLibFunc(&r.init, lib, "_ZN3c104impl19HermeticPyObjectTLS10init_stateEv")
	purego.RegisterLibFunc(&r.have, lib, "_ZN3c104impl19HermeticPyObjectTLS10have_stateEv")
	return r, nil
}

// The operations of a sequence; an operation byte b means kind b%numOps on
// worker (b/numOps)%workers.
const (
	opSetFalse = iota
	opSetTrue
	opGet
	opGetAgain
	opHave
	opInit
	opRetire // the worker's thread exits; a new thread takes its place
	opDo     // hermetic.Do against PyTorch's guard: old = get; set(true); ...; set(old)
	numOps
)

var opNames = [numOps]string{"set(false)", "set(true)", "get", "get", "have", "init", "retire", "Do"}

// worker runs operations on one goroutine locked to one OS thread. It never
// unlocks: when it ends, its thread ends with it, so no flag it wrote, in
// either model, can reach another goroutine.
type worker struct {
	ops  chan byte
	errs chan string // one reply per operation: "" when both models agree
}

func startWorker(r *c10ref) (*worker, string) {
	w := &worker{ops: make(chan byte), errs: make(chan string)}
	ready := make(chan string)
	go func() {
		runtime.LockOSThread() // never unlocked, see above
		// A thread new to this test: both models must agree on its flag
		// (false, unless another test left its pooled thread's flag on).
		if h, m := hermetic.State(), r.get(); h != m {
			ready <- fmt.Sprintf("a new thread reads %v, the model %v", h, m)
		} else {
			ready <- ""
		}
		for op := range w.ops {
			if op == opRetire {
				w.errs <- ""
				return
			}
			w.errs <- apply(r, op)
		}
	}()
	return w, <-ready
}

// apply performs op on the calling thread in both models and compares what
// they return: "" when they agree.
func apply(r *c10ref, op byte) string {
	switch op {
	case opSetFalse, opSetTrue:
		on := op == opSetTrue
		hermetic.SetState(on)
		r.set(on)
		if h, m := hermetic.State(), r.get(); h != m {
			return fmt.Sprintf("after set(%v): get = %v, model %v", on, h, m)
		}
	case opGet, opGetAgain:
		if h, m := hermetic.State(), r.get(); h != m {
			return fmt.Sprintf("get = %v, model %v", h, m)
		}
	case opHave:
		// hermetic first: an init elsewhere turns the model on first.
		if h, m := hermetic.HaveState(), r.have(); h != m {
			return fmt.Sprintf("have = %v, model %v", h, m)
		}
	case opInit:
		r.init()
		hermetic.InitState()
		if h, m := hermetic.HaveState(), r.have(); h != m {
			return fmt.Sprintf("after init: have = %v, model %v", h, m)
		}
	case opDo:
		var msg string
		old := r.get()
		hermetic.Do(func() {
			r.set(true)
			if h, m := hermetic.State(), r.get(); h != m {
				msg = fmt.Sprintf("inside Do: get = %v, model %v", h, m)
			}
		})
		r.set(old)
		if msg != "" {
			return msg
		}
		if h, m := hermetic.State(), r.get(); h != m {
			return fmt.Sprintf("after Do: get = %v, model %v", h, m)
		}
	}
	return ""
}

// syncHaveState starts the model's have_state where this process's is:
// have_state only ever turns on, and other tests in this process (or earlier
// runs under -count) may have turned it on already.
func syncHaveState(r *c10ref) string {
	if hermetic.HaveState() {
		r.init()
	}
	if h, m := hermetic.HaveState(), r.have(); h != m {
		return fmt.Sprintf("have = %v, model %v before the sequence", h, m)
	}
	return ""
}

// runSequence applies ops one at a time, in order, across workers threads,
// and returns the disagreements it saw (at most a few, described).
func runSequence(r *c10ref, workers int, ops []byte) (mismatches int, first []string) {
	note := func(i int, op byte, w int, e string) {
		mismatches++
		if len(first) < 5 {
			first = append(first, fmt.Sprintf("op %d (%s on worker %d): %s", i, opNames[op], w, e))
		}
	}
	if e := syncHaveState(r); e != "" {
		note(-1, opHave, -1, e)
	}
	ws := make([]*worker, workers)
	start := func(at, i int) {
		var e string
		if ws[i], e = startWorker(r); e != "" {
			note(at, opRetire, i, e)
		}
	}
	for i := range ws {
		start(-1, i)
	}
	for i, b := range ops {
		op, w := b%numOps, int(b/numOps)%workers
		ws[w].ops <- op
		if e := <-ws[w].errs; e != "" {
			note(i, op, w, e)
		}
		if op == opRetire {
			start(i, w)
		}
	}
	for _, w := range ws {
		w.ops <- opRetire
		<-w.errs
	}
	return mismatches, first
}

func randomOps(rng *rand.Rand, n int) []byte {
	ops := make([]byte, n)
	for i := range ops {
		ops[i] = byte(rng.IntN(256))
	}
	return ops
}

// TestDifferentialSequences: random sequences, one operation at a time, so
// every read, have_state included, must agree exactly.
func TestDifferentialSequences(t *testing.T) {
	checkSequences(t, loadRef(t), []int{1, 3, 6}, 1500)
}

// TestDifferentialConcurrent: several locked goroutines run their own random
// sequences at the same time. Per-thread flags must agree exactly; for
// have_state, the model is turned on before pkg/hermetic, so a true from
// pkg/hermetic must be a true from the model too.
func TestDifferentialConcurrent(t *testing.T) {
	checkConcurrent(t, loadRef(t), 4, 5000)
}

// checkSequences runs random sequences of n operations on each number of
// worker threads, for a fixed seed and a fresh one, against r.
func checkSequences(t *testing.T, r *c10ref, workerCounts []int, n int) {
	seed := uint64(time.Now().UnixNano())
	seeds := []uint64{0x5eed, seed}
	total := 0
	for _, s := range seeds {
		rng := rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
		for _, workers := range workerCounts {
			ops := randomOps(rng, n)
			mismatches, first := runSequence(r, workers, ops)
			total += len(ops)
			if mismatches != 0 {
				t.Errorf("seed %#x, %d workers: %d mismatches; first: %s", s, workers, mismatches, strings.Join(first, "; "))
			}
		}
	}
	t.Logf("%d operations on %v threads (seeds %#x): checked", total, workerCounts, seeds)
}

// checkConcurrent runs goroutines locked goroutines at once, each its own
// random sequence of opsEach operations, against r.
func checkConcurrent(t *testing.T, r *c10ref, goroutines, opsEach int) {
	if e := syncHaveState(r); e != "" {
		t.Fatal(e)
	}
	seed := uint64(time.Now().UnixNano())
	var wg sync.WaitGroup
	var done atomic.Int64
	errs := make(chan string, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			runtime.LockOSThread() // never unlocked: the thread ends with us
			rng := rand.New(rand.NewPCG(seed, uint64(g)))
			if h, m := hermetic.State(), r.get(); h != m {
				errs <- fmt.Sprintf("goroutine %d: new thread reads %v, reference %v", g, h, m)
				return
			}
			for i := 0; i < opsEach; i++ {
				op := byte(rng.IntN(numOps))
				var e string
				switch op {
				case opRetire: // a thread cannot retire mid-sequence here
					continue
				case opHave:
					if h, m := hermetic.HaveState(), r.have(); h && !m {
						e = "have = true before the reference's"
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
					errs <- fmt.Sprintf("goroutine %d, op %d (%s), seed %#x: %s", g, i, opNames[op], seed, e)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	failures := 0
	for e := range errs {
		failures++
		t.Error(e)
	}
	t.Logf("%d goroutines on their own OS threads, %d operations, %d failed", goroutines, done.Load(), failures)
}

// FuzzDifferential: any operation sequence, on three threads, must give the
// same reads in both models. Seed corpus: testdata/fuzz/FuzzDifferential.
func FuzzDifferential(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{opSetTrue, opGet, opRetire, opGet, opHave, opInit, opHave})
	f.Add([]byte{opSetTrue, opSetTrue + numOps, opGet + 2*numOps, opDo, opDo + numOps, opGet})
	r := loadRef(f)
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 4096 {
			ops = ops[:4096]
		}
		if n, first := runSequence(r, 3, ops); n != 0 {
			t.Fatalf("%d mismatches; first: %s", n, strings.Join(first, "; "))
		}
	})
}
