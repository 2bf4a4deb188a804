package detect

import (
	"slices"
	"testing"
)

func TestRing(t *testing.T) {
	var s []float64
	next := 0
	for x := 1.0; x <= 6; x++ { // capacity 4: 5 and 6 overwrite 1 and 2
		s, next = ringPush(s, next, x, 4)
	}
	if !slices.Equal(s, []float64{5, 6, 3, 4}) || next != 2 {
		t.Fatalf("ring %v next %d", s, next)
	}
	for _, tc := range []struct {
		samples  []float64
		next, k  int
		newest   []float64
		capacity int
	}{
		{[]float64{5, 6, 3, 4}, 2, 3, []float64{4, 5, 6}, 4}, // full: wraps at next
		{[]float64{5, 6, 3, 4}, 2, 4, []float64{3, 4, 5, 6}, 4},
		{[]float64{5, 6, 3, 4}, 0, 2, []float64{3, 4}, 4}, // full, next at the start
		{[]float64{1, 2, 3}, 0, 2, []float64{2, 3}, 4},    // filling: arrival order
		{[]float64{1, 2, 3}, 0, 0, []float64{}, 4},
	} {
		got := ringNewest(tc.samples, tc.next, tc.k, tc.capacity)
		if !slices.Equal(got, tc.newest) {
			t.Errorf("ringNewest(%v, next %d, k %d) = %v, want %v", tc.samples, tc.next, tc.k, got, tc.newest)
		}
	}
}
