package module

import (
	"strings"
	"testing"
	"time"

	"go.k6.io/k6/v2/metrics"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
)

// A failed probe makes the detector doubt the component, so probeAll() sends its confirmation
// probes (as replay assumes) and reports them; a healthy component gets none, nor a target with
// confirmations: 0. Confirmation probes count in chatgpt_probes, not in chatgpt_available.
func TestConfirmationProbes(t *testing.T) {
	confirmEvery = 20 * time.Millisecond
	t.Cleanup(func() { confirmEvery = 0 })
	sc, err := scenario.Parse("down.yaml", []byte(`name: down
duration: 1h
phases:
  - {at: 0s, until: 1h, components: [chat_stream], truth: major_outage, error_rate: 1, faults: {server_500: 1}}
`))
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.DefaultConfig()
	cfg.Scenario = sc
	cfg.Baseline.TTFT = scenario.Latency{Median: 5 * time.Millisecond}
	s := simtest.Start(t, cfg)
	rt, _ := newRuntime(t, map[string]string{"OPENAI_BASE_URL": s.URL, "OPENAI_API_KEY": "sk-test-confirm-key"})
	if _, err := rt.RunOnEventLoop(`const chatgpt = require("k6/x/chatgpt");
		globalThis.on = chatgpt.target({components: ["chat_stream", "models"]});
		globalThis.off = chatgpt.target({name: "quiet", components: ["chat_stream"], confirmations: 0});
		globalThis.two = chatgpt.target({name: "two", components: ["chat_stream"]});`); err != nil {
		t.Fatal(err)
	}
	samples := toVU(rt)
	got, err := rt.RunOnEventLoop(`on.probeAll().then(rs => { globalThis.rs = rs; });
		off.probe("chat_stream").then(r => { globalThis.q = r; });`)
	if err != nil {
		t.Fatal(got, err)
	}
	v, err := rt.RunOnEventLoop(`JSON.stringify([on.confirmations, rs[0].class, rs[0].confirmations.length,
		rs[0].confirmations.map(c => c.confirmation + ":" + c.class + ":" + c.skipped).join(), rs[1].confirmations.length, q.confirmations.length])`)
	if err != nil {
		t.Fatal(err)
	}
	if want := `[3,"server_error",3,"true:server_error:,true:server_error:,true:server_error:",0,0]`; v.String() != want {
		t.Fatalf("got %s, want %s", v, want)
	}
	probes, available := 0, 0
	for _, c := range metrics.GetBufferedSamples(samples) {
		for _, smp := range c.GetSamples() {
			if comp, _ := smp.Tags.Get("component"); comp != "chat_stream" {
				continue
			}
			switch smp.Metric.Name {
			case "chatgpt_probes":
				probes++
			case "chatgpt_available":
				available++
			}
		}
	}
	if probes != 5 || available != 2 { // 1+3 on "on", 1 on "quiet"
		t.Fatalf("chat_stream: %d probes, %d availability samples", probes, available)
	}
	// Two regular probes at once: the newer one supersedes the older one's confirmations.
	v, err = rt.RunOnEventLoop(`globalThis.n = [];
		two.probe("chat_stream").then(r => n.push(r.confirmations.length));
		two.probe("chat_stream").then(r => n.push(r.confirmations.length));
		0`)
	if err != nil {
		t.Fatal(v, err)
	}
	if v, _ := rt.RunOnEventLoop(`JSON.stringify(n.sort())`); v.String() != "[0,3]" {
		t.Fatalf("confirmations of two concurrent probes: %s, want [0,3]", v)
	}
	if _, err := rt.RunOnEventLoop(`chatgpt.target({})`); err == nil || !strings.Contains(err.Error(), "init context") {
		t.Errorf("target() in VU code: %v", err)
	}
}

func TestConfirmationsOption(t *testing.T) {
	rt, _ := newRuntime(t, map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
	for _, tc := range []struct{ opts, want string }{
		{`{}`, "3"}, {`{confirmations: 1}`, "1"}, {`{polite: false}`, "0"}, {`{polite: false, confirmations: 2}`, "2"},
		{`{confirmations: -1}`, "error"}, {`{confirmations: 4}`, "error"}, {`{confirmations: 1.5}`, "error"},
	} {
		v, err := rt.RunOnEventLoop(`require("k6/x/chatgpt").target(` + tc.opts + `).confirmations`)
		got := "error"
		if err == nil {
			got = v.String()
		} else if !strings.Contains(err.Error(), "confirmations must be an integer from 0 to 3") {
			t.Errorf("%s: unclear error %v", tc.opts, err)
		}
		if got != tc.want {
			t.Errorf("%s: confirmations %s, want %s", tc.opts, got, tc.want)
		}
	}
}
