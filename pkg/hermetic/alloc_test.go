package hermetic_test

import (
	"testing"

	"github.com/hermetic-pyobject-tls/hermetic-pyobject-tls/pkg/hermetic"
)

// None of the Go API's calls may allocate: they run on hot paths (a GC
// assist there would stall the caller). The C ABI's own Go half is checked
// in internal/word.
func TestCallsDoNotAllocate(t *testing.T) {
	tests := []struct {
		name string
		fn   func()
	}{
		{"SetState", func() { hermetic.SetState(true) }},
		{"State", func() { _ = hermetic.State() }},
		{"InitState", hermetic.InitState},
		{"HaveState", func() { _ = hermetic.HaveState() }},
	}
	onNewThread(func() { // SetState(true) must not leak into other tests' threads
		for _, tt := range tests {
			if n := testing.AllocsPerRun(1000, tt.fn); n != 0 {
				t.Errorf("%s: %v allocations per call, want 0", tt.name, n)
			}
		}
	})
}
