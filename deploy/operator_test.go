package deploy

import (
	"bytes"
	"context"
	"encoding/json"
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
)

// k6Bin is the k6 built with the extension (make test passes K6_BIN); these tests run it the way
// the k6-operator's pods do.
func k6Bin(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("K6_BIN")
	if bin == "" {
		t.Skip("K6_BIN not set: run through make test")
	}
	return bin
}

// baseEnv is the test's environment without anything that could point k6 at a real provider or
// carry a key: the runs below probe the embedded simulator, asked for by name because a run under
// CI (CI=true) without a key refuses to fall back on it.
func baseEnv() []string {
	env := []string{"CHATGPT_TARGET=simulator"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OPENAI_") && !strings.HasPrefix(kv, "K6_") && !strings.HasPrefix(kv, "CHATGPT_") &&
			!strings.HasPrefix(kv, "ANTHROPIC_") && !strings.HasPrefix(kv, "OTEL_") {
			env = append(env, kv)
		}
	}
	return env
}

// TestOperatorInitializer runs what the operator's initializer pod runs for each TestRun
// (`k6 archive <script> -O <tar> <archive arguments>` then `k6 inspect --execution-requirements
// <tar>`, failing on any level=error line), so a flag our k6 does not know fails here, not in a
// cluster.
func TestOperatorInitializer(t *testing.T) {
	bin := k6Bin(t)
	for _, tr := range loadManifests(t).testRuns {
		t.Run(tr.Name, func(t *testing.T) {
			tar := filepath.Join(t.TempDir(), "chatgpt.js.archived.tar")
			args := append([]string{"archive", filepath.Join("..", "scripts", tr.Spec.Script.ConfigMap.File), "-O", tar},
				archiveArgs(tr.Spec.Arguments)...)
			archive := exec.Command(bin, args...) // #nosec G204 -- the test's own k6 and manifests
			archive.Env = append(baseEnv(), runnerEnv(tr, nil)...)
			var logs bytes.Buffer
			archive.Stderr = &logs
			if err := archive.Run(); err != nil {
				t.Fatalf("k6 %s: %v\n%s", strings.Join(args, " "), err, logs.String())
			}
			inspect := exec.Command(bin, "inspect", "--execution-requirements", tar) // #nosec G204 -- as above
			inspect.Env = archive.Env
			inspect.Stderr = &logs
			out, err := inspect.Output()
			if err != nil || strings.Contains(logs.String(), "level=error") {
				t.Fatalf("k6 inspect: %v\n%s", err, logs.String())
			}
			var req struct {
				MaxVUs        int    `json:"maxVUs"`
				TotalDuration string `json:"totalDuration"`
			}
			if err := json.Unmarshal(out, &req); err != nil || req.MaxVUs < 1 {
				t.Fatalf("execution requirements %s: %v", out, err)
			}
			t.Logf("initializer: maxVUs %d, totalDuration %s", req.MaxVUs, req.TotalDuration)
			// The runner's k6 run sees the pod's environment (k6 archive and inspect do not):
			// with it the script plans the continuous run, a year long.
			plan := exec.Command(bin, "inspect", "--execution-requirements", "--include-system-env-vars", // #nosec G204 -- as above
				filepath.Join("..", "scripts", tr.Spec.Script.ConfigMap.File))
			plan.Env = append(baseEnv(), runnerEnv(tr, map[string]string{"CHATGPT_STATE": filepath.Join(t.TempDir(), "s.json")})...)
			out, err = plan.Output()
			var runner struct {
				TotalDuration string `json:"totalDuration"`
			}
			if err != nil || json.Unmarshal(out, &runner) != nil {
				t.Fatalf("runner plan: %v\n%s", err, out)
			}
			if d, err := time.ParseDuration(runner.TotalDuration); err != nil || d < 8760*time.Hour {
				t.Errorf("the runner plans %s, want the continuous run (a year)", runner.TotalDuration)
			}
		})
	}
}

// archiveArgs keeps the arguments the operator passes on to `k6 archive` (its ParseCLI): it drops
// the output flags, --linger, --no-usage-report, --verbose, --log-output and the flags archive does
// not take. It matches "-o"/"--out" only as a separate word, so "--out=x" reaches k6 archive and
// fails there, as it would in the cluster.
func archiveArgs(arguments string) []string {
	var keep []string
	words := strings.Fields(arguments)
	for i := 0; i < len(words); {
		end := i + 1
		for end < len(words) && !strings.HasPrefix(words[end], "-") {
			end++
		}
		flag := words[i]
		switch {
		case flag == "-o", flag == "--out", flag == "-l", flag == "--linger", flag == "--no-usage-report",
			flag == "-v", flag == "--verbose", strings.HasPrefix(flag, "--log-output"),
			strings.HasPrefix(flag, "--block-hostnames"), strings.HasPrefix(flag, "--blacklist-ip"),
			strings.HasPrefix(flag, "--user-agent"):
		default:
			keep = append(keep, words[i:end]...)
		}
		i = end
	}
	return keep
}

// runnerEnv is a runner's env as the pod would get it, with the Secret-backed values left out (the
// key must never reach a test) and overrides applied.
func runnerEnv(tr testRun, override map[string]string) []string {
	var env []string
	for _, e := range tr.Spec.Runner.Env {
		if e.ValueFrom != nil {
			continue
		}
		v := e.Value
		if o, ok := override[e.Name]; ok {
			v = o
		}
		env = append(env, e.Name+"="+v)
	}
	return env
}

// TestOperatorRunner starts k6 as the operator's runner pod does (paused, REST API on the pod's
// port, instance and test-run tags, the TestRun's arguments and env), checks the readiness path the
// operator probes, resumes it the way the starter does, and checks the run writes to both outputs
// and saves its state. The cluster's Prometheus and Tempo addresses become local sinks, the
// state file a temporary one, the run is shortened, and without a key the script probes its
// embedded simulator.
func TestOperatorRunner(t *testing.T) {
	t.Parallel() // each waits on its own k6 for seconds
	bin := k6Bin(t)
	tr := loadManifests(t).testRuns[0]
	var writes, traces atomic.Int64
	rw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/api/v1/write" && r.Header.Get("Content-Type") == "application/x-protobuf" {
			writes.Add(1)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rw.Close()
	otlp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/traces" {
			traces.Add(1)
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer otlp.Close()

	if !tracesFlag.MatchString(tr.Spec.Arguments) {
		t.Fatalf("%s: arguments %q have no --traces-output=otel=http://… to redirect", tr.Name, tr.Spec.Arguments)
	}
	arguments := tracesFlag.ReplaceAllString(tr.Spec.Arguments, "--traces-output=otel="+otlp.URL)
	addr := freeAddr(t)
	args := append([]string{"run", "--quiet"}, strings.Fields(arguments)...)
	args = append(args, filepath.Join("..", "scripts", tr.Spec.Script.ConfigMap.File), "--address="+addr, "--paused",
		"--tag", "instance_id=0", "--tag", "testrun_name="+tr.Name)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	k6 := exec.CommandContext(ctx, bin, args...) // #nosec G204 -- the test's own k6 and manifests
	state := filepath.Join(t.TempDir(), "detector.json")
	k6.Env = append(baseEnv(), runnerEnv(tr, map[string]string{
		"K6_PROMETHEUS_RW_SERVER_URL": rw.URL + "/api/v1/write",
		"CHATGPT_STATE":               state,
		"OTEL_BSP_EXPORT_TIMEOUT":     "2000",
	})...)
	// A continuous run shortened to 8 s, against the embedded simulator (baseEnv asks for it: a
	// continuous monitor refuses to watch it by default).
	k6.Env = append(k6.Env, "CHATGPT_DURATION=8s", "CHATGPT_INTERVAL=2s", "K6_PROMETHEUS_RW_PUSH_INTERVAL=1s")
	var out bytes.Buffer
	k6.Stdout, k6.Stderr = &out, &out
	if err := k6.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- k6.Wait() }()

	status := waitReady(t, addr, done, &out)
	if !status.Paused {
		t.Fatalf("runner is not paused before the starter resumes it: %+v", status)
	}
	resume := `{"data":{"type":"status","id":"default","attributes":{"paused":false}}}`
	req, _ := http.NewRequest(http.MethodPatch, "http://"+addr+"/v1/status", strings.NewReader(resume))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("resume: HTTP %d", resp.StatusCode)
	}
	if err := <-done; err != nil {
		t.Fatalf("k6 run: %v\n%s", err, out.String())
	}
	if writes.Load() == 0 || traces.Load() == 0 {
		t.Fatalf("outputs: %d remote writes, %d trace exports; want both > 0\n%s", writes.Load(), traces.Load(), out.String())
	}
	if _, err := os.Stat(state); err != nil {
		t.Fatalf("no state file at the end of the run: %v\n%s", err, out.String())
	}
	t.Logf("%d remote writes, %d trace exports", writes.Load(), traces.Load())
}

type k6Status struct {
	Paused  bool `json:"paused"`
	Running bool `json:"running"`
}

// waitReady polls GET /v1/status, the operator's readiness and liveness probe, until it answers 200.
func waitReady(t *testing.T, addr string, done <-chan error, out *bytes.Buffer) k6Status {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("k6 ended before it was ready: %v\n%s", err, out.String())
		default:
		}
		resp, err := http.Get("http://" + addr + "/v1/status")
		if err == nil {
			var body struct {
				Data struct {
					Attributes k6Status `json:"attributes"`
				} `json:"data"`
			}
			derr := json.NewDecoder(resp.Body).Decode(&body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK && derr == nil {
				return body.Data.Attributes
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("GET /v1/status not ready after 60 s\n%s", out.String())
	return k6Status{}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	return fmt.Sprint(ln.Addr())
}

func TestArchiveArgs(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"--tag location=eu -o experimental-prometheus-rw --traces-output=otel=http://t:4318/v1/traces",
			"--tag location=eu --traces-output=otel=http://t:4318/v1/traces"},
		{"--out json=x.json --linger -e A=1 --no-usage-report", "-e A=1"},
		{"--out=json=x.json", "--out=json=x.json"},
		{"", ""},
	} {
		if got := strings.Join(archiveArgs(c.in), " "); got != c.want {
			t.Errorf("archiveArgs(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
