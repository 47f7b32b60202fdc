package hermetic_test

import (
	"runtime"
	"sync"
	"testing"

	"github.com/hermetic-pyobject-tls/hermetic-pyobject-tls/pkg/hermetic"
)

// onNewThread runs fn on a goroutine locked to an OS thread that ends with
// it (the goroutine exits locked), so fn sees a thread nobody used before.
func onNewThread(fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread() // never unlocked: the thread exits with us
		fn()
	}()
	<-done
}

func TestSetStateThenState(t *testing.T) {
	tests := []struct {
		name   string
		writes []bool
		want   bool
	}{
		{"never set", nil, false},
		{"set true", []bool{true}, true},
		{"set false", []bool{false}, false},
		{"true then false", []bool{true, false}, false},
		{"false then true", []bool{false, true}, true},
		{"true twice", []bool{true, true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got bool
			onNewThread(func() {
				for _, w := range tt.writes {
					hermetic.SetState(w)
				}
				got = hermetic.State()
			})
			if got != tt.want {
				t.Errorf("after SetState %v: State() = %v, want %v", tt.writes, got, tt.want)
			}
		})
	}
}

func TestNewThreadsStartFalseAfterOthersSetTrue(t *testing.T) {
	const dying, fresh = 2000, 200
	for i := 0; i < dying; i++ {
		onNewThread(func() { hermetic.SetState(true) })
	}
	stale := 0
	for i := 0; i < fresh; i++ {
		onNewThread(func() {
			if hermetic.State() {
				stale++
			}
		})
	}
	if stale != 0 {
		t.Fatalf("%d of %d new threads read true after %d threads set true and exited", stale, fresh, dying)
	}
}

func TestThreadsDoNotSeeEachOther(t *testing.T) {
	const threads, toggles = 8, 5000
	var wg sync.WaitGroup
	errs := make(chan string, threads)
	for i := 0; i < threads; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			defer hermetic.SetState(false) // the thread goes back to the pool clean
			for j := 0; j < toggles; j++ {
				want := (j+id)%2 == 0
				hermetic.SetState(want)
				if hermetic.State() != want {
					errs <- "a thread read a value it did not write"
					return
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestDoRestoresPreviousValue(t *testing.T) {
	for _, before := range []bool{false, true} {
		onNewThread(func() {
			hermetic.SetState(before)
			var inside, nested, afterNested bool
			hermetic.Do(func() {
				inside = hermetic.State()
				hermetic.SetState(false)
				hermetic.Do(func() { nested = hermetic.State() })
				afterNested = hermetic.State()
			})
			if !inside || !nested || afterNested {
				t.Errorf("before=%v: inside=%v nested=%v afterNested=%v, want true true false",
					before, inside, nested, afterNested)
			}
			if got := hermetic.State(); got != before {
				t.Errorf("after Do: State() = %v, want %v", got, before)
			}
		})
	}
}

func TestDoRestoresWhenFnPanics(t *testing.T) {
	onNewThread(func() {
		func() {
			defer func() { _ = recover() }()
			hermetic.Do(func() { panic("boom") })
		}()
		if hermetic.State() {
			t.Error("State() = true after a panic left Do, want false")
		}
	})
}

// haveStateAtLoad is have_state before any test ran: the flag never goes
// back, so with -count=N only the first run can watch it start false.
var haveStateAtLoad = hermetic.HaveState()

func TestInitStateFromManyGoroutines(t *testing.T) {
	if haveStateAtLoad {
		t.Fatal("HaveState() = true when the package loaded, before any InitState")
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hermetic.InitState()
			if !hermetic.HaveState() {
				t.Error("HaveState() = false right after InitState")
			}
		}()
	}
	wg.Wait()
	hermetic.SetState(false)
	if !hermetic.HaveState() {
		t.Fatal("HaveState() went back to false")
	}
}
