package detect

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
