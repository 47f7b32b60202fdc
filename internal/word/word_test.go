package word

import (
	"sync"
	"testing"
)

func TestSet(t *testing.T) {
	tests := []struct {
		name  string
		start uint32
		on    bool
		want  uint32
	}{
		{"false to true", 0, true, 1},
		{"true to false", 1, false, 0},
		{"true stays true", 1, true, 1},
		{"false stays false", 0, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tt.start
			Set(&w, tt.on)
			if w != tt.want {
				t.Errorf("Set(%d, %v) left %d, want %d", tt.start, tt.on, w, tt.want)
			}
		})
	}
}

func TestInitFromManyGoroutines(t *testing.T) {
	var w uint32
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); Init(&w) }()
	}
	wg.Wait()
	if w != 1 {
		t.Fatalf("have_state word is %d after Init, want 1", w)
	}
}

func TestNoAllocations(t *testing.T) {
	var w uint32
	if n := testing.AllocsPerRun(1000, func() { Set(&w, true); Init(&w) }); n != 0 {
		t.Fatalf("%v allocations per Set+Init, want 0 (the C ABI's writes run on a host's hot path)", n)
	}
}
