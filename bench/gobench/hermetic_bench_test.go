package gobench

import (
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/hermetic-pyobject-tls/hermetic-pyobject-tls/bench/gofloor"
	"github.com/hermetic-pyobject-tls/hermetic-pyobject-tls/pkg/hermetic"
)

var (
	sinkBool bool
	word     uint32
)

// Floors.

func BenchmarkFloorCgoEmpty(b *testing.B) {
	for i := 0; i < b.N; i++ {
		gofloor.Empty()
	}
}

func BenchmarkFloorCgoZero(b *testing.B) {
	var s bool
	for i := 0; i < b.N; i++ {
		s = gofloor.Zero()
	}
	sinkBool = s
}

func BenchmarkFloorAtomicLoad(b *testing.B) {
	var s bool
	for i := 0; i < b.N; i++ {
		s = atomic.LoadUint32(&word) != 0
	}
	sinkBool = s
}

func BenchmarkFloorAtomicStore(b *testing.B) {
	for i := 0; i < b.N; i++ {
		atomic.StoreUint32(&word, 1)
	}
}

// pkg/hermetic. The goroutine stays on one OS thread, as the package asks of
// a caller that reads back what it set.

func BenchmarkState(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var s bool
	for i := 0; i < b.N; i++ {
		s = hermetic.State()
	}
	sinkBool = s
}

func BenchmarkSetState(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for i := 0; i < b.N; i++ {
		hermetic.SetState(true)
	}
	hermetic.SetState(false)
}

func BenchmarkHaveState(b *testing.B) {
	var s bool
	for i := 0; i < b.N; i++ {
		s = hermetic.HaveState()
	}
	sinkBool = s
}

func BenchmarkInitState(b *testing.B) {
	hermetic.InitState()
	for i := 0; i < b.N; i++ {
		hermetic.InitState()
	}
}

func BenchmarkDo(b *testing.B) {
	fn := func() {}
	for i := 0; i < b.N; i++ {
		hermetic.Do(fn)
	}
}
