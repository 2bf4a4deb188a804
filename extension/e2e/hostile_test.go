package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// hostileRun is what the suite's k6 run left: its output, its process figures, the results.
type hostileRun struct {
	stdout, stderr   bytes.Buffer
	mu               sync.Mutex
	maxRSSKiB        int
	start, end, peak held     // before the probes, after, the most seen
	left             []string // our goroutines' stacks after
	results          map[string]map[string]any
	wallMs           map[string]float64
}

// The hostile-server suite: every case's server on its own loopback port, all probed at once
// by the real k6 through scripts of its own (testdata/hostile.js), with short deadlines. Each
// probe must end within its phase deadline plus 2 s, in one of its case's classes; nothing may
// panic; the canary keys must appear in none of stdout, stderr, --out json, the traces, the
// reports, the state file or the webhook's payloads; k6's RSS stays under 256 MiB, and once the
// servers have hung up k6 holds no more goroutines of ours and no more connections than before
// the probes (see watch).
func TestHostileServers(t *testing.T) {
	t.Parallel()
	var redirected atomic.Int64
	cases := hostileCases(&redirected)
	stop := make(chan struct{})
	var servers []*server
	type jsCase struct {
		Name      string           `json:"name"`
		Component string           `json:"component"`
		Provider  string           `json:"provider"`
		BaseURL   string           `json:"baseURL"`
		StatusURL string           `json:"statusURL,omitempty"`
		Key       string           `json:"key"`
		Timeouts  map[string]int64 `json:"timeouts"`
	}
	timeouts := map[string]int64{}
	for k, d := range hostileTimeouts {
		timeouts[k] = d.Milliseconds()
	}
	var js []jsCase
	for _, c := range cases {
		s := c.serve(t, stop)
		servers = append(servers, s)
		jc := jsCase{Name: c.name, Component: c.component, Provider: cmpOr(c.provider, "compatible"), BaseURL: s.URL + "/v1", Key: keyA, Timeouts: timeouts}
		if c.provider == "anthropic" {
			jc.Key = keyB
		}
		if c.component == "status" {
			jc.StatusURL = s.URL + "/api/v2/summary.json"
		}
		js = append(js, jc)
	}
	outage := outageServer(t)
	servers = append(servers, outage)
	defer func() {
		for _, s := range servers {
			s.close()
		}
	}()
	var hookMu sync.Mutex
	var hooks []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		hookMu.Lock()
		hooks = append(hooks, string(b))
		hookMu.Unlock()
	}))
	defer hook.Close()

	dir := t.TempDir()
	casesFile := filepath.Join(dir, "cases.json")
	if b, err := json.Marshal(js); err != nil || os.WriteFile(casesFile, b, 0o600) != nil {
		t.Fatal(err)
	}
	api := freePort(t)
	args := []string{"run", "--no-color", "--quiet", "--log-format", "json", "--http-debug=full", "--insecure-skip-tls-verify",
		"--profiling-enabled", "--address", api, "--out", "json=" + filepath.Join(dir, "samples.json")}
	var j *jaeger
	if os.Getenv("JAEGER_BIN") != "" {
		j = startJaeger(t)
		args = append(args, "--traces-output=otel=http://"+j.otlp+"/v1/traces")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, k6Binary(t), append(args, "extension/e2e/testdata/hostile.js")...)
	cmd.Dir = repoRoot(t)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "K6_NO_USAGE_REPORT=true",
		"HOSTILE_CASES=" + casesFile, "HOSTILE_STATE=" + filepath.Join(dir, "state", "detector.json"), "HOSTILE_REPORTS=" + filepath.Join(dir, "reports"),
		"HOSTILE_OUTAGE=" + outage.URL + "/v1", "HOSTILE_LINGER=4", "CHATGPT_WEBHOOK_URL=" + hook.URL + "/hook"}
	w := watch{api: api}
	if j != nil {
		w.ignore = []string{j.otlp}
	}
	run := runHostile(t, cmd, w, func() {
		close(stop)
		for _, s := range servers {
			s.closeConns()
		}
	})

	for _, c := range cases {
		judgeCase(t, c, run.results[c.name], run.wallMs[c.name])
	}
	if n := redirected.Load(); n > 0 {
		t.Errorf("the key followed a cross-host redirect %d times", n)
	}
	stderr := run.stderr.String()
	for _, p := range []string{"panic", "internal error while probing", "goroutine "} {
		if strings.Contains(stderr, p) {
			t.Errorf("stderr mentions %q", p)
		}
	}
	if !strings.Contains(stderr, "Unsolicited response") || !strings.Contains(stderr, "[REDACTED]") {
		t.Errorf("the idle-connection echo did not reach the log: the test would prove nothing")
	}
	outputs := map[string]string{"stdout": run.stdout.String(), "stderr": stderr}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && p != casesFile {
			b, _ := os.ReadFile(p) // #nosec G304 -- the test's own files
			outputs[p] = string(b)
		}
		return nil
	})
	for _, want := range []string{"report.md", "report.json", "report.html", "junit.xml", "overall.svg", "samples.json", "detector.json"} {
		if !slices.ContainsFunc(slices.Collect(mapsKeys(outputs)), func(p string) bool { return strings.HasSuffix(p, want) }) {
			t.Errorf("%s was not written", want)
		}
	}
	hookMu.Lock()
	outputs["webhook payloads"] = strings.Join(hooks, "\n")
	if len(hooks) == 0 {
		t.Errorf("no webhook payload: the outage was not told")
	}
	hookMu.Unlock()
	if j != nil {
		outputs["jaeger spans"] = jaegerTraces(t, j, "auth_invalid")
	}
	for name, text := range outputs {
		for _, leak := range []string{keyA, keyB, keyA[12:], keyB[12:], "Bearer sk-"} {
			if i := strings.Index(text, leak); i >= 0 {
				t.Errorf("%s holds %q: …%s…", name, leak, text[max(0, i-100):min(len(text), i+100)])
			}
		}
	}
	if run.maxRSSKiB >= 256<<10 {
		t.Errorf("k6's RSS reached %d MiB", run.maxRSSKiB>>10)
	}
	if run.peak.conns <= run.start.conns { // the count must see the probes' connections, or it checks nothing
		t.Errorf("connections: the count saw none of the probes' (%v before, peak %v)", run.start, run.peak)
	}
	if run.end.goroutines > run.start.goroutines || run.end.conns > run.start.conns {
		t.Errorf("held: %v before the probes, %v after (peak %v); our goroutines:\n%s", run.start, run.end, run.peak, strings.Join(run.left, "\n\n"))
	}
	t.Logf("%d cases (+ the outage), all within their deadlines; RSS max %d MiB; held %v before, peak %v, %v after; %d outputs, %d bytes searched",
		len(cases), run.maxRSSKiB>>10, run.start, run.peak, run.end, len(outputs), func() (n int) {
			for _, s := range outputs {
				n += len(s)
			}
			return
		}())
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// judgeCase checks one case's result: there, in an accepted class, in time, and its own check.
func judgeCase(t *testing.T, c hostileCase, r map[string]any, wallMs float64) {
	t.Helper()
	if r == nil {
		t.Errorf("%s: no result", c.name)
		return
	}
	class, _ := r["class"].(string)
	if !slices.Contains(c.classes, class) {
		t.Errorf("%s: class %s (%v), want one of %v", c.name, class, r["message"], c.classes)
	}
	deadline := hostileTimeouts[cmpOr(c.phase, "total")] + 2*time.Second
	total := 0.0
	if tm, ok := r["timings"].(map[string]any); ok {
		total, _ = tm["total"].(float64)
	}
	if time.Duration(wallMs)*time.Millisecond > deadline || time.Duration(total)*time.Millisecond > deadline {
		t.Errorf("%s: took %.0f ms (probe %.0f ms), past its deadline of %v", c.name, wallMs, total, deadline)
	}
	if c.check != nil {
		if msg := c.check(r); msg != "" {
			t.Errorf("%s: %s", c.name, msg)
		}
	}
	t.Logf("%-62s %-20s %5.0f ms (deadline %v)", c.name, class, wallMs, deadline)
}

// runHostile runs cmd, reading k6's JSON log as it comes: at READY it counts what k6 holds (see
// watch), at DONE it calls hangUp and waits (up to 3.5 s, within the script's 4 s linger) for
// the count to come back; RSS is sampled throughout.
func runHostile(t *testing.T, cmd *exec.Cmd, w watch, hangUp func()) *hostileRun {
	t.Helper()
	run := &hostileRun{results: map[string]map[string]any{}, wallMs: map[string]float64{}}
	cmd.Stdout = &run.stdout
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { // RSS, until k6 exits
		for {
			if s, ok := rss(cmd.Process.Pid); ok {
				run.mu.Lock()
				run.maxRSSKiB = max(run.maxRSSKiB, s)
				run.mu.Unlock()
			}
			select {
			case <-exited:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	sc := bufio.NewScanner(pipe)
	sc.Buffer(make([]byte, 1<<20), 8<<20)
	for sc.Scan() {
		line := sc.Bytes()
		run.stderr.Write(line)
		run.stderr.WriteByte('\n')
		var entry struct{ Msg string }
		_ = json.Unmarshal(line, &entry)
		switch {
		case entry.Msg == "HOSTILE-READY":
			w.pid = cmd.Process.Pid
			run.start, _ = w.held(t)
		case strings.HasPrefix(entry.Msg, "HOSTILE-RESULT "):
			var o struct {
				Name   string         `json:"name"`
				WallMs float64        `json:"wallMs"`
				Result map[string]any `json:"result"`
			}
			if err := json.Unmarshal([]byte(strings.TrimPrefix(entry.Msg, "HOSTILE-RESULT ")), &o); err == nil {
				run.results[o.Name], run.wallMs[o.Name] = o.Result, o.WallMs
			}
		case entry.Msg == "HOSTILE-DONE":
			run.peak, _ = w.held(t)
			hangUp()
			for deadline := time.Now().Add(3500 * time.Millisecond); ; time.Sleep(100 * time.Millisecond) {
				run.end, run.left = w.held(t)
				if run.end.goroutines <= run.start.goroutines && run.end.conns <= run.start.conns || time.Now().After(deadline) {
					break
				}
			}
		}
	}
	err = cmd.Wait()
	close(exited)
	if err != nil {
		t.Fatalf("k6: %v\n%s\n%.5000s", err, run.stdout.String(), run.stderr.String())
	}
	return run
}

// rss is a process's resident set in KiB (/proc/<pid>/status).
func rss(pid int) (int, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			var kib int
			_, err := fmt.Sscan(v, &kib)
			return kib, err == nil
		}
	}
	return 0, false
}

// jaegerTraces returns every trace k6 exported, polling until want shows (Jaeger indexes
// asynchronously) or 20 s pass.
func jaegerTraces(t *testing.T, j *jaeger, want string) string {
	t.Helper()
	var b []byte
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		resp, err := http.Get("http://" + j.api + "/api/traces?service=k6&limit=10000&lookback=1h")
		if err != nil {
			t.Fatal(err)
		}
		b, _ = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if strings.Contains(string(b), want) || time.Now().After(deadline) {
			break
		}
	}
	if !strings.Contains(string(b), want) {
		t.Errorf("the traces lack %s: the test would prove nothing", want)
	}
	return string(b)
}
