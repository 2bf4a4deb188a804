package telemetry

import (
	"testing"
	"time"

	"go.k6.io/k6/v2/metrics"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/monitor"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
)

// BenchmarkSamples: the samples of one successful load probe (scripts/load.js with ground truth
// and an SLO), what every probe of make bench emits.
func BenchmarkSamples(b *testing.B) {
	reg := metrics.NewRegistry()
	ms, err := Register(reg)
	if err != nil {
		b.Fatal(err)
	}
	base := metrics.TagsAndMeta{Tags: reg.RootTagSet().With("scenario", "load")}
	r := &probe.Result{Component: probe.ChatStream, Provider: "compatible", Model: "gpt-4o-mini", OK: true, Class: classify.OK,
		Timings: probe.Timings{TTFB: 3, TTFT: 200.4, ITL: 20, Total: 600}, TrueTTFT: 200, TokensPerSecond: 50,
		Usage: probe.Usage{Input: 20, Output: 20}, SLO: &probe.SLO{TTFTMs: 2000, ITLMs: 100}, RequestID: "req_1"}
	v := monitor.View{At: time.Now(), State: detect.Operational}
	b.ReportAllocs()
	for b.Loop() {
		if s := ms.Samples(r, base, v.At, v); len(s.Samples) < 14 {
			b.Fatalf("%d samples", len(s.Samples))
		}
	}
}
