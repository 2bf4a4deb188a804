package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// jaeger is a running Jaeger v2 on loopback ports, stopped by its PID when the test ends.
type jaeger struct {
	*process
	otlp, api string
}

// startJaeger runs $JAEGER_BIN (make test builds it from .ci/tools/jaeger) with in-memory
// storage, OTLP/HTTP and the query API on free loopback ports.
func startJaeger(t *testing.T) *jaeger {
	t.Helper()
	bin := os.Getenv("JAEGER_BIN")
	if bin == "" {
		t.Skip("JAEGER_BIN is not set: `make test` builds Jaeger v2 and runs this test")
	}
	return startJaegerOn(t, bin, func() string { return freePort(t) })
}

// startJaegerOn is startJaeger with the OTLP/HTTP port picked by otlp.
func startJaegerOn(t *testing.T, bin string, otlp func() string) *jaeger {
	t.Helper()
	j := &jaeger{}
	j.process = startServer(t, func(dir string) (*exec.Cmd, string) {
		j.otlp, j.api = otlp(), freePort(t)
		cfg := filepath.Join(dir, "jaeger.yaml")
		writeFile(t, cfg, fmt.Sprintf(`service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces: {receivers: [otlp], processors: [batch], exporters: [jaeger_storage_exporter]}
  telemetry: {metrics: {level: none}}
extensions:
  jaeger_query:
    storage: {traces: mem}
    http: {endpoint: %s}
    grpc: {endpoint: %s}
  jaeger_storage:
    backends: {mem: {memory: {max_traces: 100000}}}
receivers:
  otlp:
    protocols:
      grpc: {endpoint: %s}
      http: {endpoint: %s}
processors:
  batch: {timeout: 200ms}
exporters:
  jaeger_storage_exporter: {trace_storage: mem}
`, j.api, freePort(t), freePort(t), j.otlp))
		return exec.Command(bin, "--config", "file:"+cfg), "http://" + j.api + "/api/services"
	})
	return j
}

type jaegerSpan struct {
	TraceID       string `json:"traceID"`
	OperationName string `json:"operationName"`
	Tags          []struct {
		Key   string `json:"key"`
		Value any    `json:"value"`
	} `json:"tags"`
	Logs []struct {
		Fields []struct {
			Key   string `json:"key"`
			Value any    `json:"value"`
		} `json:"fields"`
	} `json:"logs"`
}

func (s jaegerSpan) tag(k string) any {
	for _, t := range s.Tags {
		if t.Key == k {
			return t.Value
		}
	}
	return nil
}

// spans reads back every span k6 exported, through Jaeger's query API.
func (j *jaeger) spans(t *testing.T) []jaegerSpan {
	t.Helper()
	resp, err := http.Get("http://" + j.api + "/api/traces?service=k6&limit=100000&lookback=1h")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var out struct {
		Data []struct {
			Spans []jaegerSpan `json:"spans"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	var spans []jaegerSpan
	for _, tr := range out.Data {
		spans = append(spans, tr.Spans...)
	}
	return spans
}

type probeSample struct {
	class, component, traceID string
}

// probeSamples reads the chatgpt_probes points of a k6 JSON output file.
func probeSamples(t *testing.T, path string) []probeSample {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	var out []probeSample
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var p struct {
			Type, Metric string
			Data         struct {
				Tags     map[string]string `json:"tags"`
				Metadata map[string]string `json:"metadata"`
			} `json:"data"`
		}
		if json.Unmarshal(sc.Bytes(), &p) != nil || p.Type != "Point" || p.Metric != "chatgpt_probes" {
			continue
		}
		out = append(out, probeSample{p.Data.Tags["class"], p.Data.Tags["component"], p.Data.Metadata["trace_id"]})
	}
	return out
}

// Every probe of a k6 run against a faulty simulator is one span in a real trace backend, with
// GenAI attributes, status Error and the class on failures, and the trace id that k6's JSON
// output carries in each sample's metadata.
// Under OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental spans carry the v1.42 GenAI
// names (per-modality token usage) as well; without it only the v1.41 ones. Every span says it
// is synthetic traffic.
func TestTracesInJaeger(t *testing.T) {
	t.Parallel()
	for _, optIn := range []string{"", "gen_ai_latest_experimental"} {
		t.Run("opt-in="+optIn, func(t *testing.T) {
			t.Parallel()
			tracesInJaeger(t, optIn)
		})
	}
}

func tracesInJaeger(t *testing.T, optIn string) {
	j := startJaeger(t)
	out := filepath.Join(t.TempDir(), "probes.json")
	r := k6runArgs(t, []string{"--traces-output=otel=http://" + j.otlp + "/v1/traces", "--out", "json=" + out}, "examples/tracing.js",
		"OTEL_SEMCONV_STABILITY_OPT_IN="+optIn)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	probes := probeSamples(t, out)
	var spans []jaegerSpan
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		spans = j.spans(t)
		if len(spans) >= len(probes) || time.Now().After(deadline) {
			break
		}
	}
	if len(probes) < 20 || len(spans) != len(probes) {
		t.Fatalf("%d spans in Jaeger for %d probes", len(spans), len(probes))
	}
	byTrace := map[string]jaegerSpan{}
	for _, s := range spans {
		byTrace[s.TraceID] = s
	}
	failures := 0
	for _, p := range probes {
		s, ok := byTrace[p.traceID]
		if !ok {
			t.Fatalf("trace %q of a %s probe (k6 JSON metadata) not in Jaeger", p.traceID, p.component)
		}
		if s.tag("chatgpt.component") != p.component || s.tag("chatgpt.class") != p.class || s.tag("span.kind") != "client" {
			t.Errorf("span %s: component %v class %v kind %v, k6 says %s %s", s.OperationName, s.tag("chatgpt.component"),
				s.tag("chatgpt.class"), s.tag("span.kind"), p.component, p.class)
		}
		if s.tag("user_agent.synthetic.type") != "test" {
			t.Errorf("span %s not marked synthetic: %+v", s.OperationName, s.Tags)
		}
		if p.component != "models" && (s.OperationName != "chat gpt-5.4-nano" || s.tag("gen_ai.operation.name") != "chat" ||
			s.tag("gen_ai.provider.name") != "openai" || s.tag("gen_ai.request.model") != "gpt-5.4-nano" || s.tag("server.address") != "127.0.0.1") {
			t.Errorf("GenAI attributes missing on %s: %+v", s.OperationName, s.Tags)
		}
		if p.class == "ok" {
			if p.component == "chat_stream" && (s.tag("gen_ai.usage.output_tokens") == nil || s.tag("gen_ai.response.time_to_first_chunk") == nil) {
				t.Errorf("stream span without usage or first chunk: %+v", s.Tags)
			}
			if p.component == "chat_stream" && (s.tag("gen_ai.usage.text.output_tokens") != nil) != (optIn != "") {
				t.Errorf("opt-in %q: v1.42 gen_ai.usage.text.output_tokens is %v", optIn, s.tag("gen_ai.usage.text.output_tokens"))
			}
			continue
		}
		failures++
		if s.tag("otel.status_code") != "ERROR" || s.tag("error.type") != p.class || s.tag("http.response.header.x-sim-fault") == nil {
			t.Errorf("failed %s probe (%s): span status %v error.type %v", p.component, p.class, s.tag("otel.status_code"), s.tag("error.type"))
		}
	}
	if failures == 0 {
		t.Fatal("the fault scenario produced no failed probe")
	}
	if strings.Contains(r.stderr, "trace export failed") {
		t.Errorf("export errors with a healthy backend:\n%s", r.stderr)
	}
	t.Logf("%d probes, %d spans, %d error spans", len(probes), len(spans), failures)
}

// With the backend gone mid-run, probes keep their cadence and the run ends normally.
func TestTraceBackendStoppedMidRun(t *testing.T) {
	t.Parallel()
	j := startJaeger(t)
	go func() {
		time.Sleep(3 * time.Second)
		j.stop()
	}()
	start := time.Now()
	r := k6runArgs(t, []string{"--traces-output=otel=http://" + j.otlp + "/v1/traces"}, "examples/tracing.js", "RATE=4", "DURATION=6s")
	took := time.Since(start)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// 4 rounds a second for 6 s: the arrival-rate executor would report dropped iterations had
	// probes slowed down.
	if strings.Contains(r.stdout, "dropped_iterations") || !strings.Contains(r.stdout, "iterations....................: 25") && !strings.Contains(r.stdout, "iterations....................: 24") {
		t.Errorf("cadence not kept:\n%s", r.stdout)
	}
	// The batch exported after the backend went away is lost, counted and said once.
	if !strings.Contains(r.stdout, "chatgpt_spans_lost") || strings.Count(r.stderr, "trace export failed") != 1 {
		t.Errorf("lost spans not counted or the export error not logged once:\n%s\n%s", r.stdout, r.stderr)
	}
	if took > 40*time.Second {
		t.Errorf("the run took %v with the backend gone", took)
	}
	t.Logf("run took %v with the backend stopped after 3 s", took.Round(100*time.Millisecond))
}

// A trace backend that accepts connections and never answers: probes keep their cadence, and
// with OTEL_BSP_EXPORT_TIMEOUT bounding each export the run ends promptly (k6 otherwise waits
// 30 s per batch at shutdown, which the README says).
func TestSlowTraceBackend(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				_ = c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c) // read nothing, answer nothing
		}
	}()
	start := time.Now()
	r := k6runArgs(t, []string{"--traces-output=otel=http://" + ln.Addr().String() + "/v1/traces"}, "examples/tracing.js",
		"RATE=4", "DURATION=6s", "OTEL_BSP_EXPORT_TIMEOUT=2000", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT=2000")
	took := time.Since(start)
	if r.code != 0 || !regexp.MustCompile(`iterations\.+: 2[45] `).MatchString(r.stdout) {
		t.Fatalf("exit %d, cadence not kept:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if took > 25*time.Second || !strings.Contains(r.stderr, "trace export failed") {
		t.Errorf("took %v; stderr:\n%s", took, r.stderr)
	}
	t.Logf("hanging trace backend: run took %v", took.Round(100*time.Millisecond))
}
