package module

import (
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.k6.io/k6/v2/js/modulestest"
	"go.k6.io/k6/v2/lib"
	"go.k6.io/k6/v2/lib/fsext"
	"go.k6.io/k6/v2/metrics"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
)

// newRuntime sets up k6/x/chatgpt in a modulestest runtime with the given script environment.
func newRuntime(t *testing.T, env map[string]string) (*modulestest.Runtime, *RootModule) {
	t.Helper()
	rt := modulestest.NewRuntime(t)
	rt.VU.InitEnvField.RuntimeOptions.Env = env
	root := New()
	t.Cleanup(func() { _ = root.Close() })
	if err := rt.SetupModuleSystem(map[string]any{ImportPath: root}, nil, nil); err != nil {
		t.Fatal(err)
	}
	return rt, root
}

func toVU(rt *modulestest.Runtime) chan metrics.SampleContainer {
	samples := make(chan metrics.SampleContainer, 1000)
	rt.MoveToVUContext(&lib.State{
		Samples:        samples,
		Tags:           lib.NewVUStateTags(metrics.NewRegistry().RootTagSet().With("scenario", "default")),
		Transport:      http.DefaultTransport,
		TracerProvider: noop.NewTracerProvider(),
		BuiltinMetrics: rt.BuiltinMetrics,
		Options:        lib.Options{},
	})
	return samples
}

func TestProbeThroughJS(t *testing.T) {
	rt, _ := newRuntime(t, map[string]string{"OPENAI_BASE_URL": simtest.Fast(t, nil), "OPENAI_API_KEY": "sk-test-js-binding-key"})
	if _, err := rt.RunOnEventLoop(`const chatgpt = require("k6/x/chatgpt"); globalThis.target = chatgpt.target({model: "gpt-4o-mini"});`); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.RunOnEventLoop(`target.probe("chat_stream")`); err == nil || !strings.Contains(err.Error(), "init context") {
		t.Fatalf("probe in the init context: err = %v", err)
	}
	samples := toVU(rt)
	v, err := rt.RunOnEventLoop(`
		target.probe("chat_stream").then(r => { globalThis.r = r; });
		target.probeAll().then(rs => { globalThis.all = rs; });`)
	if err != nil {
		t.Fatal(v, err)
	}
	got, err := rt.RunOnEventLoop(`JSON.stringify([r.ok, r.component, r.class, r.timings.ttft > 0, r.usage.output, all.length, all.every(x => x.ok), r.apiKey === undefined, typeof target.baseURL, r.class === "ok" && r.component === "chat_stream" && typeof r.blame === "string"])`)
	if err != nil {
		t.Fatal(err)
	}
	if want := `[true,"chat_stream","ok",true,5,3,true,true,"string",true]`; got.String() != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	st, err := rt.RunOnEventLoop(`const s = chatgpt.state(); JSON.stringify([r.state, s.overall, s.components.length, s.components.every(c => c.state === "operational" && c.observations > 0), typeof s.verdict])`)
	if err != nil {
		t.Fatal(err)
	}
	if want := `["operational","operational",3,true,"string"]`; st.String() != want {
		t.Fatalf("state: got %s, want %s", st, want)
	}
	names := map[string]int{}
	for _, c := range metrics.GetBufferedSamples(samples) {
		for _, s := range c.GetSamples() {
			names[s.Metric.Name]++
			if comp, _ := s.Tags.Get("component"); comp == "" {
				t.Errorf("%s sample without component tag", s.Metric.Name)
			}
			if s.Metadata["request_id"] == "" {
				t.Errorf("%s sample without request_id metadata", s.Metric.Name)
			}
			if _, tagged := s.Tags.Get("request_id"); tagged {
				t.Errorf("request_id must not be a tag")
			}
		}
	}
	for _, m := range []string{"chatgpt_probes", "chatgpt_available", "chatgpt_ttfb", "chatgpt_ttft", "chatgpt_duration", "chatgpt_state", "chatgpt_degraded"} {
		if names[m] == 0 {
			t.Errorf("no %s samples (got %v)", m, names)
		}
	}
	if names["chatgpt_probes"] != 4 {
		t.Errorf("chatgpt_probes = %d, want 4", names["chatgpt_probes"])
	}
}

func TestClosedPortResolvesWithConnectionError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/v1"
	_ = ln.Close()
	rt, _ := newRuntime(t, map[string]string{"OPENAI_BASE_URL": url})
	if _, err := rt.RunOnEventLoop(`globalThis.target = require("k6/x/chatgpt").target({timeouts: {connect: "1s", total: 2000}});`); err != nil {
		t.Fatal(err)
	}
	samples := toVU(rt)
	if _, err := rt.RunOnEventLoop(`target.probe("chat").then(r => { globalThis.r = r; })`); err != nil {
		t.Fatal(err)
	}
	got, _ := rt.RunOnEventLoop(`r.ok + " " + r.class + " " + r.blame`)
	if got.String() != "false connection_error network" {
		t.Fatalf("got %s", got)
	}
	var errorsSeen int
	for _, c := range metrics.GetBufferedSamples(samples) {
		for _, s := range c.GetSamples() {
			if s.Metric.Name == "chatgpt_errors" {
				if cl, _ := s.Tags.Get("class"); cl != "connection_error" {
					t.Errorf("class tag %q", cl)
				}
				errorsSeen++
			}
		}
	}
	if errorsSeen != 1 {
		t.Fatalf("chatgpt_errors samples = %d", errorsSeen)
	}
}

func TestEmbeddedSimulatorWithoutKey(t *testing.T) {
	rt, root := newRuntime(t, map[string]string{})
	v, err := rt.RunOnEventLoop(`const t = require("k6/x/chatgpt").target(); [t.simulated, t.baseURL].join(" ")`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(v.String(), "true http://127.0.0.1:") || root.sim == nil {
		t.Fatalf("got %q", v)
	}
}

func TestTargetOptionErrors(t *testing.T) {
	for _, tc := range []struct{ opts, want string }{
		{`{modle: "x"}`, `unknown option "modle"`},
		{`{components: ["chat", "telepathy"]}`, `unknown component "telepathy"`},
		{`{components: []}`, `non-empty array`},
		{`{maxTokens: -1}`, `maxTokens`},
		{`{timeouts: {total: "soon"}}`, `timeouts.total`},
		{`{timeouts: {forever: "1s"}}`, `unknown timeout "forever"`},
		{`{provider: "telegraph"}`, `provider "telegraph"`},
		{`{baseURL: "not a url"}`, `not an http(s) URL`},
		{`{model: 42}`, `model must be a string`},
		{`{polite: "no"}`, `option polite must be true or false, got no`},
		{`{alternative: 1}`, `option alternative must be true or false`},
		{`{groundTruth: null}`, `option groundTruth must be true or false`},
		{`{recordContent: "yes"}`, `option recordContent must be true or false`},
	} {
		rt, _ := newRuntime(t, map[string]string{"OPENAI_API_KEY": "sk-test-options"})
		_, err := rt.RunOnEventLoop(`require("k6/x/chatgpt").target(` + tc.opts + `)`)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.opts, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "sk-test-options") {
			t.Errorf("%s: key in error", tc.opts)
		}
	}
}

func TestSimulatorServesScenario(t *testing.T) {
	rt, root := newRuntime(t, map[string]string{})
	rt.VU.InitEnvField.FileSystems = map[string]fsext.Fs{"file": fsext.NewOsFs()}
	rt.VU.InitEnvField.CWD = &url.URL{Scheme: "file", Path: mustAbs(t, "../../scripts/scenarios")}
	v, err := rt.RunOnEventLoop(`
		const c = require("k6/x/chatgpt");
		const a = c.simulator({scenario: "partial-chat-outage.yaml", speed: 60});
		const b = c.simulator({scenario: "partial-chat-outage.yaml", speed: 60});
		globalThis.target = c.target({baseURL: a, components: ["models"]});
		a === b ? a : "two simulators";`)
	if err != nil || !strings.HasPrefix(v.String(), "http://127.0.0.1:") || len(root.sims) != 1 {
		t.Fatalf("%v %v (%d simulators)", v, err, len(root.sims))
	}
	// The detector and the confirmation probes live in scenario time: a scenario minute is a
	// minute to them.
	tg, _ := rt.VU.Runtime().Get("target").Export().(*Target)
	if tg == nil || tg.mon.Speed != 60 || root.detector().Config().Persist != time.Second {
		t.Fatalf("speed: target %v, detector persistence %v", tg, root.detector().Config().Persist)
	}
	for _, bad := range []string{`{scenario: "missing.yaml"}`, `{speed: -1}`, `{scenery: "x"}`} {
		if _, err := rt.RunOnEventLoop(`c.simulator(` + bad + `)`); err == nil {
			t.Errorf("simulator(%s) accepted", bad)
		}
	}
	toVU(rt)
	if _, err := rt.RunOnEventLoop(`c.simulator({})`); err == nil || !strings.Contains(err.Error(), "init context") {
		t.Errorf("simulator() in VU code: %v", err)
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// runWant runs script with the module bound to ch and fails unless it throws an error
// containing want ("": unless it runs without one).
func runWant(t *testing.T, rt *modulestest.Runtime, script, want string) {
	t.Helper()
	_, err := rt.RunOnEventLoop(`const ch = require("k6/x/chatgpt"); ` + script)
	switch {
	case want == "" && err != nil:
		t.Fatal(err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Fatalf("err = %v, want %q", err, want)
	}
}
