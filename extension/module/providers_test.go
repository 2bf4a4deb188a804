package module

import (
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"

	"bytes"
	"strings"
	"testing"

	"golang.org/x/time/rate"

	"github.com/sirupsen/logrus"
	"go.k6.io/k6/v2/metrics"
	"gopkg.in/guregu/null.v3"
)

// With no key, every provider's dialect is probed on the embedded simulator, web and status
// included, and nothing reaches a real page.
func TestEveryProviderOnTheEmbeddedSimulator(t *testing.T) {
	rt, _ := newRuntime(t, map[string]string{})
	if _, err := rt.RunOnEventLoop(`const chatgpt = require("k6/x/chatgpt");
		globalThis.targets = [
			chatgpt.target({components: ["chat", "chat_stream", "responses", "models", "embeddings", "moderations", "images", "web", "status", "canary"]}),
			chatgpt.target({provider: "azure", components: ["chat", "chat_stream", "embeddings", "canary"]}),
			chatgpt.target({provider: "anthropic", components: ["chat", "chat_stream", "models", "canary"]}),
			chatgpt.target({provider: "gemini", components: ["chat_stream", "models", "embeddings"]}),
		];`); err != nil {
		t.Fatal(err)
	}
	toVU(rt)
	if _, err := rt.RunOnEventLoop(`globalThis.out = [];
		for (const t of targets) t.probeAll().then(rs => rs.forEach(r => out.push(t.provider + "/" + r.component + ":" + r.class + ":" + t.simulated)));`); err != nil {
		t.Fatal(err)
	}
	got, err := rt.RunOnEventLoop(`out.sort().join(" ")`)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"openai/web:ok:true", "openai/status:ok:true", "openai/images:ok:true", "openai/responses:ok:true",
		"openai/canary:ok:true", "azure/chat_stream:ok:true", "azure/canary:ok:true", "anthropic/chat_stream:ok:true",
		"anthropic/canary:ok:true", "gemini/embeddings:ok:true"} {
		if !strings.Contains(got.String(), want) {
			t.Errorf("missing %s in %s", want, got)
		}
	}
	if n := strings.Count(got.String(), ":ok:"); n != 21 {
		t.Errorf("%d of 21 probes ok: %s", n, got)
	}
}

func TestProviderOptionErrors(t *testing.T) {
	rt, _ := newRuntime(t, map[string]string{"AZURE_OPENAI_API_KEY": "k-azure-test"})
	for opts, want := range map[string]string{
		`{provider: "azure"}`: "provider azure needs baseURL (or AZURE_OPENAI_ENDPOINT)",
		`{provider: "anthropic", components: ["embeddings"]}`: "provider anthropic has no embeddings component",
		`{canary: {question: "What is 2+2?"}}`:                "canary.answer is required",
		`{reasoningEffort: "max"}`:                            `reasoningEffort "max"`,
		`{modelFor: {chat_streaming: "x"}}`:                   `unknown component "chat_streaming"`,
		`{budgetUSD: "lots"}`:                                 "budgetUSD must be a number",
		`{provider: "compatible", baseURL: "http://127.0.0.1:9/v1", apiKey: "x", components: ["web"]}`: "component web needs webURL",
	} {
		_, err := rt.RunOnEventLoop(`require("k6/x/chatgpt").target(` + opts + `)`)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", opts, err, want)
		}
	}
}

// A spent budget holds probes back: they resolve at once with skipped "budget", count in
// chatgpt_probes_skipped and nowhere else, and --http-debug dumps never show the key.
func TestSkippedAndDebug(t *testing.T) {
	rt, _ := newRuntime(t, map[string]string{"OPENAI_BASE_URL": simtest.Fast(t, nil), "OPENAI_API_KEY": "sk-test-module-debug-key"})
	if _, err := rt.RunOnEventLoop(`const chatgpt = require("k6/x/chatgpt");
		globalThis.cheap = chatgpt.target({budgetUSD: 0.00000001});`); err != nil {
		t.Fatal(err)
	}
	samples := toVU(rt)
	var logs bytes.Buffer
	logger := logrus.New()
	logger.SetOutput(&logs)
	st := rt.VU.StateField
	st.Logger = logger
	st.Options.HTTPDebug = null.StringFrom("full")
	got, err := rt.RunOnEventLoop(`globalThis.res = [];
		cheap.probe("chat").then(r => res.push(r.skipped, r.ok, r.message.includes("cap")));
		cheap.probe("models").then(r => res.push(r.skipped, r.ok));`)
	if err != nil {
		t.Fatal(got, err)
	}
	res, _ := rt.RunOnEventLoop(`JSON.stringify(res)`)
	if want := `["budget",false,true,"",true]`; res.String() != want {
		t.Fatalf("results %s, want %s", res, want)
	}
	names := map[string]int{}
	for _, c := range metrics.GetBufferedSamples(samples) {
		for _, s := range c.GetSamples() {
			names[s.Metric.Name]++
			if s.Metric.Name == "chatgpt_probes_skipped" {
				if reason, _ := s.Tags.Get("reason"); reason != "budget" {
					t.Errorf("skip reason tag %q", reason)
				}
			}
		}
	}
	if names["chatgpt_probes_skipped"] != 1 || names["chatgpt_probes"] != 1 {
		t.Errorf("samples %v: want one skipped and one probe (models)", names)
	}
	dump := logs.String()
	if !strings.Contains(dump, "GET /v1/models") || !strings.Contains(dump, "http-debug") || strings.Contains(dump, "sk-test-module") {
		t.Errorf("debug dump missing or leaking:\n%s", dump)
	}
}

// k6's --rps limiter paces probes as it paces k6's own requests.
func TestRPSLimitApplies(t *testing.T) {
	rt, _ := newRuntime(t, map[string]string{"OPENAI_BASE_URL": simtest.Fast(t, nil), "OPENAI_API_KEY": "sk-test-rps"})
	if _, err := rt.RunOnEventLoop(`globalThis.tg = require("k6/x/chatgpt").target({components: ["models"]});`); err != nil {
		t.Fatal(err)
	}
	toVU(rt)
	rt.VU.StateField.RPSLimit = rate.NewLimiter(rate.Limit(10), 1)
	start := time.Now()
	if _, err := rt.RunOnEventLoop(`for (let i = 0; i < 6; i++) tg.probe("models");`); err != nil {
		t.Fatal(err)
	}
	// Six requests at 10/s with a burst of one take at least half a second.
	if el := time.Since(start); el < 450*time.Millisecond {
		t.Fatalf("6 probes in %v: the --rps limit was not applied", el)
	}
}

// A panic while probing (a bug of ours) becomes an unknown-class result without the key.
func TestPanicBecomesRedactedResult(t *testing.T) {
	rt, _ := newRuntime(t, map[string]string{"OPENAI_BASE_URL": simtest.Fast(t, nil), "OPENAI_API_KEY": "sk-canary-panic-0123456789abcdef"})
	v, err := rt.RunOnEventLoop(`require("k6/x/chatgpt").target({})`)
	if err != nil {
		t.Fatal(err)
	}
	tg := v.Export().(*Target)
	toVU(rt)
	var r *probe.Result
	tg.guard(probe.Chat, &r, func() { panic("boom with sk-canary-panic-0123456789abcdef inside") })
	if r.Class != "unknown" || strings.Contains(r.Message, "sk-canary") || !strings.Contains(r.Message, "internal error") {
		t.Fatalf("result %+v", r)
	}
}

// Accounting: probes started = results returned = chatgpt_probes samples = spans ended, with
// failures among them.
func TestAccounting(t *testing.T) {
	rt, _ := newRuntime(t, map[string]string{})
	if _, err := rt.RunOnEventLoop(`const chatgpt = require("k6/x/chatgpt");
		globalThis.ok = chatgpt.target({components: ["chat", "chat_stream", "models", "moderations"]});
		globalThis.bad = chatgpt.target({provider: "compatible", name: "dead", baseURL: "http://127.0.0.1:9/v1", apiKey: "x", components: ["chat", "models"]});`); err != nil {
		t.Fatal(err)
	}
	samples := toVU(rt)
	rec := tracetest.NewSpanRecorder()
	rt.VU.StateField.TracerProvider = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	if _, err := rt.RunOnEventLoop(`globalThis.n = 0;
		for (let i = 0; i < 5; i++) {
			ok.probeAll().then(rs => { n += rs.length; });
			bad.probeAll().then(rs => { n += rs.length; });
			ok.probe("chat_stream").then(() => { n++; });
		}`); err != nil {
		t.Fatal(err)
	}
	n, _ := rt.RunOnEventLoop(`n`)
	probes := 0
	for _, c := range metrics.GetBufferedSamples(samples) {
		for _, s := range c.GetSamples() {
			if s.Metric.Name == "chatgpt_probes" {
				probes++
			}
		}
	}
	const started = 5 * (4 + 2 + 1)
	if n.ToInteger() != started || probes != started || len(rec.Ended()) != started {
		t.Fatalf("started %d, results %d, samples %d, spans %d", started, n.ToInteger(), probes, len(rec.Ended()))
	}
}
