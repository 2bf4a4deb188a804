package detect

import (
	"math"
	"math/rand/v2"
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

// kth must give what sorting gives, at every rank, over ties, NaN and infinities, and leave
// its input as it was.
func TestKth(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := [][]float64{{1}, {2, 1}, {3, 3, 3}, {5, 1, 4, 1, 5, 9, 2, 6}, {nan, 1, -inf, inf, 0, nan, -1}, {0, math.Copysign(0, -1), 1e-300, -1e300}}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		xs := make([]float64, 1+rng.IntN(300))
		for i := range xs {
			xs[i] = math.Round(rng.NormFloat64() * 4) // ties on purpose
		}
		cases = append(cases, xs)
	}
	for _, xs := range cases {
		in := slices.Clone(xs)
		sorted := slices.Clone(xs)
		slices.Sort(sorted)
		for k := range xs {
			got := kth(xs, k, nil)
			if want := sorted[k]; got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Fatalf("kth(%v, %d) = %v, sorted gives %v", xs, k, got, want)
			}
		}
		if !slices.EqualFunc(in, xs, func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }) {
			t.Fatalf("kth changed its input: %v, was %v", xs, in)
		}
	}
}
