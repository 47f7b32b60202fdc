package hermetic_test

import (
	"testing"
	"unsafe"

	"github.com/hermetic-pyobject-tls/hermetic-pyobject-tls/pkg/hermetic"
)

// The C ABI's Go exports call SetStateAt and InitState on a C thread's
// behalf; neither may allocate (a GC assist on a host's hot path).
func TestWritePathsDoNotAllocate(t *testing.T) {
	var word uint32
	tests := []struct {
		name string
		fn   func()
	}{
		{"SetStateAt", func() { hermetic.SetStateAt(unsafe.Pointer(&word), true) }},
		{"SetState", func() { hermetic.SetState(true) }},
		{"State", func() { _ = hermetic.State() }},
		{"HaveState", func() { _ = hermetic.HaveState() }},
	}
	onNewThread(func() { // SetState(true) must not leak into other tests' threads
		for _, tt := range tests {
			if n := testing.AllocsPerRun(1000, tt.fn); n != 0 {
				t.Errorf("%s: %v allocations per call, want 0", tt.name, n)
			}
		}
	})
	if word != 1 {
		t.Errorf("SetStateAt(&word, true) left word = %d, want 1", word)
	}
}
