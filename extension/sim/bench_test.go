package sim

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
)

// BenchmarkStreamedCompletions: full SSE completions (8 tokens, usage, [DONE]) with no injected
// latency, many in flight. Run with -cpu 1 to see the one-core rate (client and server then
// share that core, so the server alone is faster than reported).
func BenchmarkStreamedCompletions(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Baseline.TTFT, cfg.Baseline.ITL = scenario.Latency{}, scenario.Latency{}
	s, err := Start("", cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	tr := &http.Transport{MaxIdleConnsPerHost: 256}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	const body = `{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}`
	b.SetParallelism(32)
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Post(s.URL+"/chat/completions", "application/json", strings.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			data, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if !strings.HasSuffix(string(data), "data: [DONE]\n\n") {
				b.Errorf("incomplete stream: %q", data)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "completions/s")
}
