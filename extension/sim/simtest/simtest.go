// Package simtest starts simulators for tests, as net/http/httptest starts servers: on a free
// loopback port, closed when the test ends.
package simtest

import (
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
)

// Start serves a simulator with cfg until the test ends.
func Start(t testing.TB, cfg sim.Config) *sim.Running {
	t.Helper()
	s, err := sim.Start("127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Fast is a healthy simulator answering in tens of milliseconds (TTFT 20 ms, 2 ms between
// tokens), with sc playing when not nil. It returns the base URL (with /v1).
func Fast(t testing.TB, sc *scenario.Scenario) string {
	t.Helper()
	cfg := sim.DefaultConfig()
	cfg.Baseline.TTFT = scenario.Latency{Median: 20 * time.Millisecond}
	cfg.Baseline.ITL = scenario.Latency{Median: 2 * time.Millisecond}
	cfg.Scenario = sc
	return Start(t, cfg).URL
}

// Scenario parses a scenario given inline, failing the test on an error.
func Scenario(t testing.TB, yaml string) *scenario.Scenario {
	t.Helper()
	sc, err := scenario.Parse(t.Name()+".yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}
