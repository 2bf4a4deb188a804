package sim_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
)

// Every fault of the catalogue, served by the simulator, is measured by the real probe and
// classified as the class the reference gives it.
func TestEveryFaultClassifies(t *testing.T) {
	want := map[string]classify.Class{
		"cf_502_json": classify.EdgeGatewayError, "cf_503_json": classify.EdgeGatewayError, "cf_502_html": classify.EdgeGatewayError,
		"cf_52x_html": classify.EdgeGatewayError, "lb_530": classify.EdgeGatewayError, "server_500": classify.ServerError,
		"overloaded_503": classify.CapacityOverloaded, "overloaded_429_legacy": classify.CapacityOverloaded,
		"slow_down": classify.CapacityOverloaded, "rl_rpm": classify.RateLimited, "rl_tpm": classify.RateLimited,
		"rl_rpd": classify.RateLimited, "rl_false": classify.RateLimited, "rl_nonstandard": classify.RateLimitedAnomalous,
		"quota": classify.QuotaExhausted, "auth_401": classify.AuthInvalid, "geo_403": classify.GeoBlocked,
		"model_404": classify.ModelNotFound, "ctx_400": classify.ContextLengthExceeded, "filter_400": classify.ContentFiltered,
		"ttfb_stall": classify.TimeoutTTFB, "stream_error_record": classify.StreamErrorEvent,
		"stream_truncate": classify.StreamTruncated, "stream_stall": classify.StreamStalled,
		"responses_failed": classify.StreamErrorEvent, "responses_error_event": classify.StreamErrorEvent,
		"empty_200": classify.EmptyResponse, "edge_challenge": classify.EdgeBlocked,
		// A listener that has accepted cannot refuse: transport faults are a reset before the
		// first byte, which the probe sees as the server hanging up.
		"conn_refused": classify.ServerError, "dns_fail": classify.ServerError, "tls_fail": classify.ServerError,
		"anthropic_529": classify.CapacityOverloaded, "gemini_503": classify.CapacityOverloaded,
		"gemini_429_wrapped": classify.RateLimited, "llamacpp_loading": classify.CapacityOverloaded,
		"wrong_answer": classify.WrongAnswer, // probed through the canary, which asks a question of known answer
	}
	if len(want) != len(scenario.FaultIDs) {
		t.Fatalf("table covers %d of %d fault ids", len(want), len(scenario.FaultIDs))
	}
	for _, id := range scenario.FaultIDs {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			comp := probe.ChatStream
			if id == "wrong_answer" {
				comp = probe.Canary
			}
			sc, err := scenario.Parse("t.yaml", []byte(fmt.Sprintf(`name: t
duration: 1h
baseline: {ttft: {median: 5ms}, itl: {median: 1ms}}
phases: [{at: 0s, until: 1h, components: [%s], truth: major_outage, error_rate: 1, faults: {%s: 1}}]`, comp, id)))
			if err != nil {
				t.Fatal(err)
			}
			s := simtest.Start(t, sim.Config{Scenario: sc})
			tg := &probe.Target{Model: "gpt-4o-mini", BaseURL: s.URL, APIKey: "sk-test-faults",
				Timeouts: probe.Timeouts{TTFB: time.Second, Stall: 300 * time.Millisecond, Total: 3 * time.Second}}
			if err := tg.Validate(); err != nil {
				t.Fatal(err)
			}
			tr := &http.Transport{}
			defer tr.CloseIdleConnections()
			r := probe.Run(context.Background(), tr, tg, comp)
			if r.OK || r.Class != want[id] {
				t.Fatalf("class %s (%s), want %s", r.Class, r.Message, want[id])
			}
			if r.Status != 0 && r.SimFault != id && id != "ttfb_stall" {
				t.Errorf("x-sim-fault %q", r.SimFault)
			}
		})
	}
}

func TestScenarioOutsidePhasesIsHealthyAndLatencyFactorApplies(t *testing.T) {
	sc, err := scenario.Parse("t.yaml", []byte(`name: t
duration: 1h
baseline: {ttft: {median: 20ms}, itl: {median: 1ms}}
phases: [{at: 30m, until: 1h, components: [chat_stream], truth: degraded_performance, latency_factor: 5}]`))
	if err != nil {
		t.Fatal(err)
	}
	var elapsed atomic.Int64 // the handlers read the clock concurrently
	clock := func() time.Time { return time.Unix(0, elapsed.Load()) }
	s := simtest.Start(t, sim.Config{Scenario: sc, Now: clock, Speed: 60})
	tg := &probe.Target{Model: "m", BaseURL: s.URL}
	_ = tg.Validate()
	healthy := probe.Run(context.Background(), http.DefaultTransport, tg, probe.ChatStream)
	elapsed.Store(int64(31 * time.Second)) // 31 scenario minutes at speed 60
	slow := probe.Run(context.Background(), http.DefaultTransport, tg, probe.ChatStream)
	if !healthy.OK || !slow.OK || healthy.Timings.TTFT > 60 || slow.Timings.TTFT < 100 {
		t.Fatalf("healthy TTFT %.1f ms, slow TTFT %.1f ms", healthy.Timings.TTFT, slow.Timings.TTFT)
	}
}
