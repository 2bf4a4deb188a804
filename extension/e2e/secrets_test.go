package e2e

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
)

// canary is a key that must never appear anywhere the extension writes.
const canary = "sk-canary-4f1d9c2b7e6a5d3c1b0a9f8e7d6c5b4a"

// A canary key through every path: a server that echoes it in full in its 401s (as no real
// provider should, but a proxy might), streams and errors, with --http-debug=full, traces to a
// real backend, JSON output and every report format. Nothing written may hold the key or an
// Authorization header value.
func TestCanaryKeyNeverLeaks(t *testing.T) {
	t.Parallel()
	cfg := sim.DefaultConfig()
	cfg.Baseline.TTFT = scenario.Latency{Median: 20 * time.Millisecond}
	healthy := sim.New(cfg)
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%3 == 0 { // every third request: a 401 echoing what it was sent
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Echo", r.Header.Get("Authorization"))
			w.WriteHeader(401)
			_, _ = io.WriteString(w, `{"error":{"message":"Incorrect API key provided: `+strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")+
				`. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`)
			return
		}
		healthy.ServeHTTP(w, r)
	}))
	defer srv.Close()
	dir := t.TempDir()
	reports := filepath.Join(dir, "reports")
	args := []string{"--http-debug=full", "--out", "json=" + filepath.Join(dir, "samples.json")}
	var j *jaeger
	if os.Getenv("JAEGER_BIN") != "" {
		j = startJaeger(t)
		args = append(args, "--traces-output=otel=http://"+j.otlp+"/v1/traces")
	}
	r := k6runArgs(t, args, "extension/e2e/testdata/secrets.js",
		"OPENAI_BASE_URL="+srv.URL+"/v1", "OPENAI_API_KEY="+canary, "REPORT_DIR="+reports)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	outputs := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			outputs[p] = string(b)
		}
		return nil
	})
	if j != nil {
		// Jaeger indexes what k6 exported at its exit asynchronously: poll until the failed
		// probes' spans are searchable (or give up after 20 s).
		var b []byte
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(250 * time.Millisecond) {
			resp, err := http.Get("http://" + j.api + "/api/traces?service=k6&limit=10000&lookback=1h")
			if err != nil {
				t.Fatal(err)
			}
			b, _ = io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if strings.Contains(string(b), "auth_invalid") || time.Now().After(deadline) {
				break
			}
		}
		outputs["jaeger spans"] = string(b)
		if !strings.Contains(string(b), "auth_invalid") {
			t.Errorf("spans lack the auth failures: the test would prove nothing")
		}
	}
	for _, want := range []string{"report.md", "junit.xml", "report.json", "report.html", "samples.json"} {
		found := false
		for p := range outputs {
			found = found || strings.HasSuffix(p, want)
		}
		if !found {
			t.Errorf("%s was not written", want)
		}
	}
	if !strings.Contains(r.stderr, "Request:") || !strings.Contains(r.stderr, "auth_invalid") || !strings.Contains(r.stderr, "[REDACTED]") {
		t.Errorf("the run did not exercise debug dumps and auth failures:\n%.3000s", r.stderr)
	}
	for name, text := range outputs {
		for _, leak := range []string{canary, canary[10:], "Bearer sk-"} {
			if i := strings.Index(text, leak); i >= 0 {
				t.Errorf("%s holds %q: …%s…", name, leak, text[max(0, i-80):min(len(text), i+80)])
			}
		}
	}
	t.Logf("%d outputs checked, %d bytes", len(outputs), func() (n int) {
		for _, s := range outputs {
			n += len(s)
		}
		return
	}())
}
