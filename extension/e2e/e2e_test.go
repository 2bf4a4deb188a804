// Package e2e runs the real k6 binary with the extension against simulators: the scripts users
// run, judged by k6's own exit code (99 when thresholds fail).
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
)

// k6Binary is $K6_BIN (make test builds ./k6 first) or a fresh build.
func k6Binary(t *testing.T) string {
	t.Helper()
	if b := os.Getenv("K6_BIN"); b != "" {
		abs, err := filepath.Abs(b)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	out := filepath.Join(t.TempDir(), "k6")
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, "../cmd/k6")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building k6: %v\n%s", err, b)
	}
	return out
}

// repoRoot: go test runs in the package directory (runtime.Caller is no help under -trimpath).
func repoRoot(t *testing.T) string {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// writeFile writes a test's scenario, script or config, readable by this user only.
func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

type run struct {
	code           int
	stdout, stderr string
}

// k6run runs `k6 run script` with a clean environment plus env; no OPENAI_* leaks in from the
// machine, so no test can ever reach a real provider.
func k6run(t *testing.T, script string, env ...string) run {
	t.Helper()
	return k6runArgs(t, nil, script, env...)
}

// k6runArgs is k6run with extra `k6 run` flags.
func k6runArgs(t *testing.T, args []string, script string, env ...string) run {
	t.Helper()
	return runK6(t, 3*time.Minute, env, append(append([]string{"run", "--no-color", "--quiet"}, args...), script)...)
}

// runK6 runs our k6 with args from the repository's root, in a clean environment plus env,
// and returns its output and exit code (a failure to start fails the test).
func runK6(t *testing.T, timeout time.Duration, env []string, args ...string) run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, k6Binary(t), args...)
	cmd.Dir = repoRoot(t)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "K6_NO_USAGE_REPORT=true"}, env...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	r := run{stdout: so.String(), stderr: se.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("k6 %s: %v", args[0], err)
	}
	return r
}

var short = []string{"CHATGPT_DURATION=6s", "CHATGPT_INTERVAL=1s"}

func TestMonitorAgainstEmbeddedSimulator(t *testing.T) {
	t.Parallel()
	r := k6run(t, "scripts/chatgpt.js", short...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, m := range []string{"chatgpt_available", "chatgpt_ttft", "chatgpt_ttfb", "chatgpt_probes", "chatgpt_duration"} {
		if !strings.Contains(r.stdout, m) {
			t.Errorf("summary lacks %s", m)
		}
	}
	if !strings.Contains(r.stderr, "probes the embedded simulator") {
		t.Errorf("no simulator notice in:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "xk6-chatgpt verdict: SIMULATOR, not a real API — operational: 4 component(s) healthy") {
		t.Errorf("no detector verdict in:\n%s", r.stderr)
	}
}

func TestMonitorFailsWhenProbesFail(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	r := k6run(t, "scripts/chatgpt.js", append(short, "OPENAI_BASE_URL=http://"+addr+"/v1", "OPENAI_API_KEY=sk-test-e2e-closed-port")...)
	if r.code != 99 {
		t.Fatalf("exit %d, want 99 (thresholds crossed)\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "connection_error") {
		t.Errorf("failures not classified in the log:\n%s", r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "sk-test-e2e-closed-port") {
		t.Errorf("API key printed")
	}
}

func TestMonitorProbesAnotherServerByBaseURL(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	var auth atomic.Value
	cfg := sim.DefaultConfig()
	cfg.Baseline.TTFT = scenario.Latency{Median: 50 * time.Millisecond, P99: 200 * time.Millisecond}
	h := sim.New(cfg)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		auth.Store(r.Header.Get("Authorization"))
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	r := k6run(t, "scripts/chatgpt.js", append(short, "OPENAI_BASE_URL="+srv.URL+"/v1", "OPENAI_API_KEY=x")...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if hits.Load() < 6 || auth.Load() != "Bearer x" {
		t.Fatalf("server saw %d requests, auth %q", hits.Load(), auth.Load())
	}
	if strings.Contains(r.stderr, "embedded simulator") {
		t.Errorf("embedded simulator started although OPENAI_BASE_URL was set")
	}
}

// A second process: `k6 x chatgpt simulate` serves, `k6 run` probes it by OPENAI_BASE_URL, and
// the simulator is stopped by its PID.
func TestMonitorAgainstSimulateSubcommand(t *testing.T) {
	t.Parallel()
	url, _, cmd := startSimulate(t)
	r := k6run(t, "scripts/chatgpt.js", append(short, "OPENAI_BASE_URL="+url, "OPENAI_API_KEY=x")...)
	if r.code != 0 || strings.Contains(r.stderr, "embedded simulator") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("simulator exit: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("simulator ignored SIGINT")
	}
}

// `k6 x chatgpt classify` triages a captured response from stdin, as an operator would pipe it.
func TestClassifyCommand(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "extension/classify/testdata/corpus/openai-401-invalid-key.http"))
	if err != nil {
		t.Fatal(err)
	}
	raw = []byte(strings.ReplaceAll(string(raw), "sk-VKMIs***************************************wjh3", "sk-canary-0123456789abcdef"))
	cmd := exec.Command(k6Binary(t), "x", "chatgpt", "classify")
	cmd.Stdin = bytes.NewReader(raw)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("not JSON: %s", out)
	}
	if got["class"] != "auth_invalid" || got["blame"] != "account" || got["retryable"] != false || got["advice"] == "" {
		t.Fatalf("got %s", out)
	}
	if strings.Contains(string(out), "sk-canary") {
		t.Fatalf("key in output: %s", out)
	}
	cmd = exec.Command(k6Binary(t), "x", "chatgpt", "classify", "--status", "429", "--header", "Retry-After: 30",
		"--header", "Server: cloudflare")
	out, err = cmd.Output()
	if err != nil || !strings.Contains(string(out), `"class":"rate_limited_anomalous"`) || !strings.Contains(string(out), `"retry_after_ms":30000`) {
		t.Fatalf("flags form: %v %s", err, out)
	}
}

// classifyJSON runs `k6 x chatgpt classify args…` with stdin and decodes its one JSON line.
func classifyJSON(t *testing.T, stdin []byte, args ...string) map[string]any {
	t.Helper()
	cmd := exec.Command(k6Binary(t), append([]string{"x", "chatgpt", "classify"}, args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("classify %v: %v: %s", args, err, out)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("not JSON: %s", out)
	}
	return got
}

// Issue 24: every status block of a `curl -si` dump is read (the proxy's "200 Connection
// established" is not the answer), --provider names the dialect, --har reads a HAR file's entry.
func TestClassifyCommandBlocksProviderHAR(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	proxied, err := os.ReadFile(filepath.Join(root, "extension/classify/testdata/realworld/train/anthropic-429-curl-si-through-proxy-connection-established.http"))
	if err != nil {
		t.Fatal(err)
	}
	if got := classifyJSON(t, proxied); got["class"] != "rate_limited" || got["blame"] != "account" {
		t.Fatalf("curl -si through a proxy: %v", got)
	}

	stream := []byte("HTTP/2 200\r\ncontent-type: text/event-stream\r\n\r\nevent: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n")
	if got := classifyJSON(t, stream, "--provider", "anthropic"); got["class"] != "stream_error_event" || got["provider"] != "anthropic" || got["provider_code"] != "overloaded_error" {
		t.Fatalf("--provider anthropic: %v", got)
	}
	if out, err := exec.Command(k6Binary(t), "x", "chatgpt", "classify", "--provider", "bogus").CombinedOutput(); err == nil || !strings.Contains(string(out), "want one of") {
		t.Fatalf("--provider bogus: %v %s", err, out)
	}

	entry := func(url string, status int, body string) map[string]any {
		return map[string]any{"request": map[string]any{"method": "POST", "url": url},
			"response": map[string]any{"status": status, "headers": []map[string]string{{"name": "content-type", "value": "application/json"}},
				"content": map[string]any{"text": body}}}
	}
	harData, err := json.Marshal(map[string]any{"log": map[string]any{"version": "1.2", "entries": []any{
		entry("https://api.openai.com/v1/chat/completions", 200, `{"choices":[{"message":{"content":"pong"}}]}`),
		entry("https://api.openai.com/v1/chat/completions?key=sk-canary-0123456789abcdef", 429,
			`{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}`),
		entry("https://api.openai.com/v1/models", 200, `{"object":"list","data":[]}`),
	}}})
	if err != nil {
		t.Fatal(err)
	}
	harFile := filepath.Join(t.TempDir(), "session.har")
	if err := os.WriteFile(harFile, harData, 0o600); err != nil {
		t.Fatal(err)
	}
	got := classifyJSON(t, nil, "--har", harFile)
	if got["class"] != "quota_exhausted" || got["har_entry"] != 1.0 || got["provider"] != "openai" || strings.Contains(fmt.Sprint(got), "sk-canary") {
		t.Fatalf("--har default entry: %v", got)
	}
	if got := classifyJSON(t, nil, "--har", harFile, "--entry", "0"); got["class"] != "ok" || got["har_entry"] != 0.0 {
		t.Fatalf("--har --entry 0: %v", got)
	}
	if out, err := exec.Command(k6Binary(t), "x", "chatgpt", "classify", "--entry", "1").CombinedOutput(); err == nil {
		t.Fatalf("--entry without --har: %s", out)
	}
}
