package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// A continuous monitor's memory stays flat: scripts/chatgpt.js in continuous mode against an
// external simulator playing the looping demo scenario (slow-downs, partial and full outages,
// recoveries: incidents open and close), probing every 100 ms — 150 times the production
// cadence, so CONTINUOUS_DURATION of it is 150 times that much monitoring — with checkpoints
// every 5 s and Prometheus remote write (native histograms) to a local sink, the way deploy/
// runs it: --summary-mode=disabled and no thresholds, so k6 keeps no trend samples. After a
// warm-up (the first fifth), over runs of 5 minutes or more (make soak-continuous: 10), the
// least-squares slopes of the live heap (read after a forced GC) and of RSS must stay under 1 MiB
// a minute, and goroutines must not grow. Under a minute those slopes are noise (measured at
// 45-75 s with nothing leaking: heap -1.7 to +2.3 MiB/min, RSS +0.8 to +2.8: in-flight probes
// and the scenario's phases move them, and RSS keeps what the runtime has not yet returned), so
// the short run of make test (45 s) reports them and judges the goroutines' slope only: under
// 300 a minute, where one leaked per probe round would be 600 (one per probe, 1,800).
func TestContinuousMemoryFlat(t *testing.T) {
	t.Parallel()
	d := 45 * time.Second
	if v := os.Getenv("CONTINUOUS_DURATION"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatal(err)
		}
	}
	var writes atomic.Int64
	rw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writes.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rw.Close()
	url, _, _ := startSimulate(t, "--scenario", "../../scripts/scenarios/demo.yaml", "--speed", "20")
	api := freePort(t)
	state := filepath.Join(t.TempDir(), "detector.json")
	run := startLong(t, "scripts/chatgpt.js", false, []string{"-o", "experimental-prometheus-rw", "--tag", "location=test",
		"--address", api, "--profiling-enabled"},
		"OPENAI_BASE_URL="+url, "OPENAI_API_KEY=x", "CHATGPT_MODE=continuous", "CHATGPT_STATE="+state,
		"CHATGPT_COMPONENTS=chat_stream,models,moderations", "CHATGPT_INTERVAL=100ms", "CHATGPT_CHECKPOINT=5s",
		"K6_PROMETHEUS_RW_SERVER_URL="+rw.URL+"/api/v1/write", "K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true",
		"K6_PROMETHEUS_RW_PUSH_INTERVAL=1s")
	var samples []soakSample
	tick := time.NewTicker(min(max(d/30, 2*time.Second), 5*time.Second))
	defer tick.Stop()
	for end := time.After(d); ; {
		select {
		case err := <-run.done:
			t.Fatalf("k6 ended early: %v\n%s", err, run.log())
		case <-end:
			run.stop(t, 30*time.Second)
			goto judge
		case <-tick.C:
			// A forced GC before each reading (the heap profile's gc=1): what is measured is what
			// stays live, not where the collector happened to be.
			if s, ok := sample(run.cmd.Process.Pid, api, true); ok {
				s.at = time.Since(run.started)
				samples = append(samples, s)
			}
		}
	}
judge:
	var kept []soakSample
	for _, s := range samples {
		if s.at > d/5 {
			kept = append(kept, s)
		}
	}
	if len(kept) < 6 {
		t.Fatalf("%d samples after warm-up, want at least 6", len(kept))
	}
	rss := slope(kept, func(s soakSample) int { return s.rssKiB }) / 1024
	heap := slope(kept, func(s soakSample) int { return s.heapKiB + s.sinkKiB }) / 1024
	g0, g1 := kept[0].goroutines, kept[len(kept)-1].goroutines
	gs := slope(kept, func(s soakSample) int { return s.goroutines })
	t.Logf("continuous %s at a 100 ms cadence: %d samples after warm-up, RSS %.1f -> %.1f MiB (slope %+.2f MiB/min), live heap slope %+.2f MiB/min (trend sinks %d KiB at the end), goroutines %d -> %d (slope %+.0f/min), %d remote writes",
		d, len(kept), float64(kept[0].rssKiB)/1024, float64(kept[len(kept)-1].rssKiB)/1024, rss, heap, kept[len(kept)-1].sinkKiB, g0, g1, gs, writes.Load())
	if gs >= 300 {
		t.Errorf("goroutines grow %.0f a minute (%d -> %d)", gs, g0, g1)
	}
	if d >= 5*time.Minute {
		if heap >= 1 {
			t.Errorf("the live heap grows %.2f MiB a minute, want under 1", heap)
		}
		if rss >= 1 {
			t.Errorf("RSS grows %.2f MiB a minute, want under 1", rss)
		}
		if g1 > g0+g0/5+5 {
			t.Errorf("goroutines grew from %d to %d", g0, g1)
		}
	}
	if writes.Load() == 0 {
		t.Error("no remote writes: the run did not export its metrics")
	}
	if _, err := os.Stat(state); err != nil {
		t.Errorf("no state file: %v", err)
	}
}

// slope is the least-squares slope of f over the samples' times, per minute.
func slope(xs []soakSample, f func(soakSample) int) float64 {
	n := float64(len(xs))
	var sx, sy, sxx, sxy float64
	for _, s := range xs {
		x, y := s.at.Minutes(), float64(f(s))
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	den := n*sxx - sx*sx
	if den == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / den
}
