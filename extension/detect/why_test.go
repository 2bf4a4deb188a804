package detect

import (
	"strings"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// The verdict's "Nx slower than baseline" is the typical recent response against the learned
// baseline: a fast response right after a slow-down does not make it "0.6x slower", and a
// component degraded by stalls says how many stalled rather than quote a ratio.
func TestDegradationIsFromTheBaseline(t *testing.T) {
	obs := func(d *Detector, i int, c string, f float64) {
		d.Observe(Observation{At: t0.Add(time.Duration(i) * 15 * time.Second), Component: c, Class: classify.OK,
			TTFTMs: 400 * f, ITLMs: 25 * f, TotalMs: 600 * f})
	}
	d := New(Config{})
	i := 0
	for ; i < 40; i++ {
		obs(d, i, "models", 1)
	}
	for range 6 {
		obs(d, i, "models", 3)
		i++
	}
	obs(d, i, "models", 0.6) // one fast response while degraded
	s := d.Snapshot(t0.Add(time.Duration(i) * 15 * time.Second))
	if s.Overall != Degraded || !strings.Contains(s.Verdict, "models 3.0x slower than baseline") {
		t.Fatalf("verdict %q (ratio %.2f)", s.Verdict, s.Components[0].LatencyRatio)
	}

	d = New(Config{})
	for i = 0; i < 40; i++ {
		obs(d, i, "chat", 1)
	}
	for k := range 24 { // a quarter of responses stall at 20x; the median stays at baseline
		f := 1.0
		if k%4 == 0 {
			f = 20
		}
		obs(d, i, "chat", f)
		i++
	}
	s = d.Snapshot(t0.Add(time.Duration(i) * 15 * time.Second))
	if s.Overall != Degraded || !strings.Contains(s.Verdict, "chat stalling: 4 of its last 16 responses over 10x the baseline") {
		t.Fatalf("stalls: verdict %q", s.Verdict)
	}
}
