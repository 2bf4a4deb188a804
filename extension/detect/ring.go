package detect

import "cmp"

// A ring of samples: appended until it holds capacity, then each new sample overwrites the
// oldest, at next. Latency baselines and the hour-of-day days keep their samples this way.

// ringPush adds x to the ring and returns it with its new next position.
func ringPush(samples []float64, next int, x float64, capacity int) ([]float64, int) {
	if len(samples) < capacity {
		return append(samples, x), next
	}
	samples[next] = x
	return samples, (next + 1) % capacity
}

// ringNewest returns the ring's k newest samples, oldest first, in a new slice.
func ringNewest(samples []float64, next, k, capacity int) []float64 {
	ordered := samples // until full, the ring is in arrival order
	if len(samples) == capacity {
		ordered = append(append(make([]float64, 0, len(samples)), samples[next:]...), samples[:next]...)
	}
	return append([]float64(nil), ordered[len(ordered)-k:]...)
}

// kth returns the k-th smallest of xs (0-based), the value slices.Sort would put at index k
// (cmp.Less order: NaN first), without sorting or allocating: a quickselect over a copy of xs
// in buf, which the caller lends (at least len(xs) of capacity, else it is grown). Every probe refreshes a median or two, and cloning and sorting
// each window was most of the detector's cost per probe under load (extension/loadbench).
func kth(xs []float64, k int, buf []float64) float64 {
	a := append(buf[:0], xs...)
	lo, hi := 0, len(a)-1
	for lo < hi {
		p := a[lo+(hi-lo)/2] // Hoare partition around the middle element
		i, j := lo, hi
		for i <= j {
			for cmp.Less(a[i], p) {
				i++
			}
			for cmp.Less(p, a[j]) {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return a[k]
		}
	}
	return a[k]
}
