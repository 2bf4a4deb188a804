package main

import (
	"fmt"
	"slices"
)

// spread is one metric over repeated runs: the median is what the BENCH line quotes, the
// min–max is printed beside it so a reader sees how much a shared machine moved it.
type spread struct {
	median, min, max float64
	n                int
}

// spreadOf summarises xs, skipping unmeasured values (< 0). With an even count the median is
// the mean of the two middle values. No measured value gives n == 0 and -1 everywhere.
func spreadOf(xs []float64) spread {
	s := make([]float64, 0, len(xs))
	for _, x := range xs {
		if x >= 0 {
			s = append(s, x)
		}
	}
	if len(s) == 0 {
		return spread{median: -1, min: -1, max: -1}
	}
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return spread{median: m, min: s[0], max: s[len(s)-1], n: len(s)}
}

// format is "median (min–max)" with the given format, or "-" when nothing was measured.
func (s spread) format(f string) string {
	if s.n == 0 {
		return "-"
	}
	if s.n == 1 {
		return fmt.Sprintf(f, s.median)
	}
	return fmt.Sprintf(f+" ("+f+"–"+f+")", s.median, s.min, s.max)
}

// order is the clients of run r (0-based), rotated by r: with two clients the floor and the
// extension alternate which goes first (ABBA...), so drift over a row and whatever the first
// run of a pair leaves behind (warm caches, TIME_WAIT sockets) hit both clients alike.
func order[T any](clients []T, r int) []T {
	if len(clients) == 0 {
		return nil
	}
	k := r % len(clients)
	return append(slices.Clone(clients[k:]), clients[:k]...)
}

// ratios is a[i]/b[i] for each run where both were measured (> 0 denominator, a >= 0), else
// -1: a CPU ratio taken within one interleaved pair, before the median, cancels drift that a
// ratio of two medians would not.
func ratios(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = -1
		if i < len(b) && a[i] >= 0 && b[i] > 0 {
			out[i] = a[i] / b[i]
		}
	}
	return out
}
