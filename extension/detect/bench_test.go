package detect

import (
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// One healthy observation a probe, 15 s apart, so the hour-of-day baselines fill and roll as in
// a long run: the cost the detector adds to every probe.
func BenchmarkObserve(b *testing.B) {
	d := New(Config{})
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; b.Loop(); i++ {
		d.Observe(Observation{At: t0.Add(time.Duration(i) * 15 * time.Second), Component: "chat", Class: classify.OK, TTFTMs: 400 + float64(i%50), ITLMs: 25, TotalMs: 600})
	}
}
