package probe_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
)

func realtimeTarget(t *testing.T, provider, base string) *probe.Target {
	t.Helper()
	tg := &probe.Target{Provider: provider, Model: "gpt-5.4-nano", BaseURL: base, APIKey: "sk-test"}
	if err := tg.Validate(); err != nil {
		t.Fatal(err)
	}
	return tg
}

// TestRealtime: session, one text answer, its timings and usage, over OpenAI's path and Azure's.
func TestRealtime(t *testing.T) {
	base := simtest.Fast(t, nil)
	for _, tc := range []struct{ provider, base string }{{probe.OpenAI, base}, {probe.Azure, strings.TrimSuffix(base, "/v1")}} {
		r := probe.Run(context.Background(), http.DefaultTransport, realtimeTarget(t, tc.provider, tc.base), probe.Realtime)
		tm := r.Timings
		if !r.OK || r.Model != "gpt-realtime-mini" || r.Usage.Output != 8 || r.Usage.Input == 0 || r.FinishReason != "completed" {
			t.Fatalf("%s: %+v", tc.provider, r)
		}
		if tm.Connect <= 0 || tm.TTFB < tm.Connect || tm.TTFT < tm.TTFB+15 || tm.Total < tm.TTFT || tm.ITL <= 0 || r.CostUSD <= 0 {
			t.Fatalf("%s: timings or cost off: %+v", tc.provider, tm)
		}
	}
}

// TestRealtimeFaults: a refused handshake, an error event, a close mid-answer and a stall are
// each classified.
func TestRealtimeFaults(t *testing.T) {
	for _, tc := range []struct {
		fault string
		class classify.Class
		blame classify.Blame
	}{
		{"auth_401", classify.AuthInvalid, classify.BlameAccount},
		{"server_500", classify.ServerError, classify.BlameProvider},
		{"rl_rpm", classify.RateLimited, classify.BlameAccount},
		{"stream_error_record", classify.StreamErrorEvent, classify.BlameProvider},
		{"stream_truncate", classify.StreamErrorEvent, classify.BlameProvider},
		{"stream_stall", classify.StreamStalled, classify.BlameProvider},
	} {
		t.Run(tc.fault, func(t *testing.T) {
			t.Parallel()
			sc := simtest.Scenario(t, `
name: realtime-fault
duration: 1h
baseline: {ttft: {median: 5ms}, itl: {median: 1ms}}
phases: [{at: 0s, until: 1h, components: [realtime], truth: major_outage, error_rate: 1, faults: {`+tc.fault+`: 1}}]
`)
			tg := realtimeTarget(t, probe.OpenAI, simtest.Fast(t, sc))
			tg.Timeouts.Stall, tg.Timeouts.FirstToken = 300*time.Millisecond, 2*time.Second
			r := probe.Run(context.Background(), http.DefaultTransport, tg, probe.Realtime)
			if r.OK || r.Class != tc.class || r.Blame != tc.blame {
				t.Fatalf("%s: got %s/%s (%s), want %s/%s", tc.fault, r.Class, r.Blame, r.Message, tc.class, tc.blame)
			}
		})
	}
}

// TestRealtimeRetiredModel: a realtime model past its shutdown is model_retired, as HTTP ones.
func TestRealtimeRetiredModel(t *testing.T) {
	sc := simtest.Scenario(t, `
name: retire-realtime
duration: 1h
retirements: [{model: gpt-realtime-mini, at: 0s}]
`)
	r := probe.Run(context.Background(), http.DefaultTransport, realtimeTarget(t, probe.OpenAI, simtest.Fast(t, sc)), probe.Realtime)
	if r.Class != classify.ModelRetired || r.Blame != classify.BlameClient {
		t.Fatalf("got %s/%s (%s)", r.Class, r.Blame, r.Message)
	}
}

// TestRealtimeTTFTAccuracy: over 100 probes of a stamping simulator, the TTFT the probe measured
// is within 2 ms (p99) of the server's write stamp of the first delta. An accuracy figure, not a
// speed one: both clocks are read on this machine. A run that misses is measured again (Remeasure).
func TestRealtimeTTFTAccuracy(t *testing.T) {
	cfg := sim.DefaultConfig()
	cfg.Baseline = sim.Baseline{TTFT: scenario.Latency{Median: 3 * time.Millisecond}, ITL: scenario.Latency{Median: time.Millisecond}, OutputTokens: 2}
	base := simtest.Start(t, cfg).URL
	tg := realtimeTarget(t, probe.OpenAI, base)
	tg.GroundTruth = true
	probe.Remeasure(t, func() []string {
		var errs []float64
		for range 100 {
			r := probe.Run(context.Background(), http.DefaultTransport, tg, probe.Realtime)
			if !r.OK || r.TrueTTFT <= 0 {
				t.Fatalf("%s %s, true TTFT %v", r.Class, r.Message, r.TrueTTFT)
			}
			errs = append(errs, r.Timings.TTFT-r.TrueTTFT)
		}
		slices.Sort(errs)
		p50, p99 := errs[len(errs)/2], errs[len(errs)*99/100-1]
		t.Logf("TTFT minus the server's write stamp over %d probes: min %.3f, p50 %.3f, p99 %.3f, max %.3f ms", len(errs), errs[0], p50, p99, errs[len(errs)-1])
		if p99 > 2 || errs[0] < -1 {
			return []string{fmt.Sprintf("TTFT error p99 %.3f ms (min %.3f): beyond 2 ms", p99, errs[0])}
		}
		return nil
	})
}
