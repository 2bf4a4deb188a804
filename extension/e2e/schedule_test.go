package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// receiver is a local webhook receiver and a fake of the three GitHub endpoints the monitor
// uses (open an issue, comment on it, close it).
type receiver struct {
	mu       sync.Mutex
	webhooks []map[string]any
	issues   map[int]string // number -> state
	titles   map[int]string
	calls    []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	data, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(data, &body)
	rc.calls = append(rc.calls, r.Method+" "+r.URL.Path)
	var n int
	switch {
	case r.URL.Path == "/hook":
		rc.webhooks = append(rc.webhooks, body)
	case r.Header.Get("Authorization") != "Bearer gh-e2e-token":
		http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
	case r.Method == http.MethodPost && r.URL.Path == "/repos/acme/monitor/issues":
		n = len(rc.issues) + 1
		rc.issues[n], rc.titles[n] = "open", fmt.Sprint(body["title"])
		w.WriteHeader(http.StatusCreated)
		_, _ = fmt.Fprintf(w, `{"number":%d}`, n)
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/comments"):
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":1}`)
	case r.Method == http.MethodPatch:
		if _, err := fmt.Sscanf(r.URL.Path, "/repos/acme/monitor/issues/%d", &n); err == nil && rc.issues[n] != "" {
			rc.issues[n] = fmt.Sprint(body["state"])
		}
		_, _ = io.WriteString(w, `{}`)
	default:
		http.NotFound(w, r)
	}
}

// Four scheduled runs of scripts/chatgpt.js share one state file against one simulator whose
// chat_stream is down through the first three: each of them exits 99 (the outage is carried
// over, not only opened; the first is long enough for a lone component's total failure to span
// detect.Defaults.MinOutage), the fourth, after the recovery, exits 0 and closes the incident;
// the webhook hears one "open" and one "resolve", and GitHub sees one issue opened, then closed.
func TestScheduledRunsFailWhileDownAndTellOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sc := filepath.Join(dir, "outage.yaml")
	writeFile(t, sc, `name: outage-over-three-runs
seed: 3
duration: 10m
baseline: {ttft: {median: 300ms, p99: 1500ms}, itl: {median: 10ms, p99: 40ms}, output_tokens: 4}
phases:
  - {at: 0s, until: 72s, components: [chat_stream], truth: major_outage, error_rate: 1, faults: {server_500: 1}}
`)
	url, t0, _ := startSimulate(t, "--scenario", sc)
	rc := &receiver{issues: map[int]string{}, titles: map[int]string{}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	state := filepath.Join(dir, "state.json")
	for i, at := range []time.Duration{0, 46 * time.Second, 58 * time.Second, 76 * time.Second} {
		time.Sleep(time.Until(t0.Add(at)))
		dur := []string{"42s", "8s", "8s", "12s"}[i] // the last long enough to confirm the recovery
		r := k6run(t, "scripts/chatgpt.js", "OPENAI_BASE_URL="+url, "OPENAI_API_KEY=sk-e2e-schedule-0123456789", "CI=true",
			"CHATGPT_COMPONENTS=chat_stream,models", "CHATGPT_DURATION="+dur, "CHATGPT_INTERVAL=500ms", "CHATGPT_STATE="+state,
			"CHATGPT_WEBHOOK_URL="+srv.URL+"/hook", "CHATGPT_GITHUB_ISSUES=true", "GITHUB_TOKEN=gh-e2e-token",
			"GITHUB_REPOSITORY=acme/monitor", "GITHUB_API_URL="+srv.URL, "GITHUB_SERVER_URL=https://github.example", "GITHUB_RUN_ID="+fmt.Sprint(100+i))
		want := 99
		if i == 3 {
			want = 0
		}
		if r.code != want {
			t.Fatalf("run %d: exit %d, want %d\n%s\n%s", i+1, r.code, want, r.stdout, r.stderr)
		}
		if strings.Contains(r.stdout+r.stderr, "gh-e2e-token") || strings.Contains(r.stdout+r.stderr, "sk-e2e-schedule") {
			t.Fatalf("run %d printed a secret", i+1)
		}
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var events []string
	for _, w := range rc.webhooks {
		events = append(events, fmt.Sprint(w["event"]))
		if !strings.Contains(fmt.Sprint(w["text"]), "chat_stream") || !strings.Contains(fmt.Sprint(w["run_url"]), "https://github.example/acme/monitor/actions/runs/") {
			t.Errorf("webhook %v", w)
		}
	}
	if strings.Join(events, ",") != "open,resolve" {
		t.Errorf("webhook events %v, want one open and one resolve", events)
	}
	if len(rc.issues) != 1 || rc.issues[1] != "closed" || !strings.Contains(rc.titles[1], "chat_stream major_outage") {
		t.Errorf("issues %v %v (calls %v)", rc.issues, rc.titles, rc.calls)
	}
	data, err := os.ReadFile(state) // #nosec G304 -- the test's own file
	if err != nil || strings.Contains(string(data), "gh-e2e-token") || !strings.Contains(string(data), `"notified"`) {
		t.Errorf("state file: %v\n%.300s", err, data)
	}
}

// In CI without a key the run stops at init, naming the variable; asked for the simulator, it
// runs, and every report says so in its title.
func TestCIWithoutKeyNeverReportsTheSimulatorAsReal(t *testing.T) {
	t.Parallel()
	r := k6run(t, "scripts/chatgpt.js", "CI=true", "OPENAI_API_KEY=")
	if r.code == 0 || !strings.Contains(r.stderr, "OPENAI_API_KEY is not set") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	dir := t.TempDir()
	r = k6run(t, "scripts/chatgpt.js", "CI=true", "CHATGPT_TARGET=simulator", "CHATGPT_REPORT_DIR="+dir, "CHATGPT_DURATION=3s", "CHATGPT_INTERVAL=1s")
	if r.code != 0 {
		t.Fatalf("with CHATGPT_TARGET=simulator: exit %d\n%s", r.code, r.stderr)
	}
	const note = "SIMULATOR, not a real API"
	first := func(s string) string { return strings.SplitN(strings.TrimSpace(s), "\n", 2)[0] }
	if !strings.Contains(first(r.stdout), note) || !strings.Contains(r.stderr, "verdict: "+note) {
		t.Errorf("summary or verdict does not say simulator:\n%s\n%s", first(r.stdout), r.stderr)
	}
	for file, want := range map[string]string{"report.md": "## ", "report.html": "<title>", "junit.xml": "<testsuites name=", "badges/overall.svg": "aria-label="} {
		data, err := os.ReadFile(filepath.Join(dir, file)) // #nosec G304 -- the test's own files
		if err != nil {
			t.Fatal(err)
		}
		i := strings.Index(string(data), want)
		if i < 0 || !strings.Contains(string(data[i:min(len(data), i+200)]), "simulator") && !strings.Contains(string(data[i:min(len(data), i+200)]), "SIMULATOR") {
			t.Errorf("%s: the title does not say simulator: %.200s", file, data[max(i, 0):])
		}
	}
}

// A maintenance window the official page declares for the API, failures and all: no incident,
// the run passes, and the verdict says maintenance. The model list has no official component
// and inherits the API-wide window.
func TestDeclaredMaintenanceIsQuiet(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sc := filepath.Join(dir, "maintenance.yaml")
	writeFile(t, sc, `name: maintenance-window
seed: 4
duration: 20m
baseline: {ttft: {median: 100ms, p99: 300ms}, itl: {median: 5ms, p99: 20ms}, output_tokens: 4}
phases:
  - {at: 2m, until: 20m, components: [chat, chat_stream, models], truth: under_maintenance, error_rate: 0.9, faults: {overloaded_503: 1}}
status_page:
  - {at: 1m, components: {chat: under_maintenance, chat_stream: under_maintenance}, incident: "Scheduled maintenance of the API"}
`)
	r := k6run(t, "scripts/chatgpt.js", "CHATGPT_TARGET=simulator", "CHATGPT_SCENARIO="+sc, "CHATGPT_SPEED=30",
		"CHATGPT_COMPONENTS=chat_stream,models,status", "CHATGPT_DURATION=16s", "CHATGPT_INTERVAL=500ms")
	if r.code != 0 || !strings.Contains(r.stderr, "failures during declared maintenance, not outages: openai/chat_stream ") ||
		!strings.Contains(r.stderr, "openai/models operational -> under_maintenance") || strings.Contains(r.stderr, "incident ") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
