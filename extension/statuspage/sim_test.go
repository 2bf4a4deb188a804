package statuspage_test

import (
	"io"
	"net/http"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
)

// Both shapes the simulator serves, driven by a scenario's status_page entries, read the same:
// the chat outage declared 90 scenario minutes in, acknowledged at that time, then resolved.
func TestSimulatorPagesBothShapes(t *testing.T) {
	data, err := os.ReadFile("../../scripts/scenarios/official-ack-30m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse("official-ack-30m.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var now atomic.Int64
	now.Store(start.UnixNano())
	s := simtest.Start(t, sim.Config{Scenario: sc, Now: func() time.Time { return time.Unix(0, now.Load()) }})
	origin := s.URL[:len(s.URL)-len("/v1")]
	get := func(path string) *statuspage.Page {
		t.Helper()
		resp, err := http.Get(origin + path)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, statuspage.MaxBody))
		p, err := statuspage.Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return p
	}
	m := statuspage.DefaultMaps["openai"]
	ack := start.Add(90 * time.Minute)
	for _, at := range []struct {
		elapsed time.Duration
		chat    string
		acked   bool
	}{{60 * time.Minute, statuspage.Operational, false}, {95 * time.Minute, statuspage.Major, true}, {130 * time.Minute, statuspage.Operational, false}} {
		now.Store(start.Add(at.elapsed).UnixNano())
		for _, path := range []string{"/api/v2/summary.json", "/proxy/status.openai.com"} {
			p := get(path)
			v := m.View(p, start.Add(at.elapsed))
			if v.States["chat"] != at.chat || v.States["embeddings"] != statuspage.Operational {
				t.Errorf("t=%v %s: states %v", at.elapsed, path, v.States)
			}
			in, acked := v.Acks["chat_stream"]
			if acked != at.acked || (acked && in.AckAt.Sub(ack).Abs() > time.Second) {
				t.Errorf("t=%v %s: ack %v (%+v), want at %v", at.elapsed, path, acked, in.AckAt, ack)
			}
		}
	}
	hist := get("/proxy/status.openai.com/incidents")
	if len(hist.Incidents) != 1 || hist.Incidents[0].ResolvedAt.IsZero() || hist.Incidents[0].Impact != statuspage.Major {
		t.Errorf("history %+v", hist.Incidents)
	}
}
