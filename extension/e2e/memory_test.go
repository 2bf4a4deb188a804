package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/report"
)

// startSimulate runs `k6 x chatgpt simulate` with args on a free port, returns its base URL
// and when it started (scenario time zero), and stops it by its PID when the test ends.
func startSimulate(t *testing.T, args ...string) (string, time.Time, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(k6Binary(t), append([]string{"x", "chatgpt", "simulate", "--listen", "127.0.0.1:0"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		buf := make([]byte, 512)
		n, _ := out.Read(buf)
		line <- string(buf[:n])
	}()
	select {
	case l := <-line:
		for _, f := range strings.Fields(l) {
			if strings.HasPrefix(f, "http://127.0.0.1:") {
				return f, time.Now(), cmd
			}
		}
		t.Fatalf("no URL announced: %q", l)
	case <-time.After(30 * time.Second):
		t.Fatal("simulator did not start")
	}
	return "", time.Time{}, nil
}

// Three scheduled runs of scripts/chatgpt.js share one state file, against one simulator whose
// chat_stream alone fails from 17 s to 62 s: the outage starts during run 2 (a lone component's
// total failure pages once its failures span detect.Defaults.MinOutage, 35 s) and ends during
// run 3.
// Run 2 opens one incident and saves it open; run 3 loads it and resolves it, and its report
// gives the incident's true start (in run 2) and duration.
func TestStateFileCarriesAnIncidentAcrossRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	scenario := filepath.Join(dir, "outage.yaml")
	writeFile(t, scenario, `name: outage-across-runs
seed: 5
duration: 10m
baseline: {ttft: {median: 200ms, p99: 600ms}, itl: {median: 10ms, p99: 30ms}, output_tokens: 4}
phases:
  - {at: 17s, until: 62s, components: [chat_stream], truth: major_outage, error_rate: 1, faults: {server_500: 1}}
`)
	url, t0, _ := startSimulate(t, "--scenario", scenario)
	state := filepath.Join(dir, "state", "detector.json")
	type runWindow struct{ start, end time.Time }
	var windows []runWindow
	var reports []report.Run
	for i, startAt := range []time.Duration{0, 14 * time.Second, 58 * time.Second} {
		time.Sleep(time.Until(t0.Add(startAt)))
		out := filepath.Join(dir, "run"+string(rune('1'+i)))
		start := time.Now()
		r := k6run(t, "scripts/chatgpt.js", "OPENAI_BASE_URL="+url, "OPENAI_API_KEY=x", "CHATGPT_COMPONENTS=chat_stream,models",
			"CHATGPT_DURATION="+[]string{"12s", "42s", "14s"}[i], "CHATGPT_INTERVAL=500ms", "CHATGPT_STATE="+state, "CHATGPT_REPORT_DIR="+out)
		windows = append(windows, runWindow{start, time.Now()})
		if r.code != 0 && r.code != 99 {
			t.Fatalf("run %d: exit %d\n%s\n%s", i+1, r.code, r.stdout, r.stderr)
		}
		b, err := os.ReadFile(filepath.Join(out, "report.json"))
		if err != nil {
			t.Fatalf("run %d: %v\n%s", i+1, err, r.stderr)
		}
		var rep report.Run
		if err := json.Unmarshal(b, &rep); err != nil {
			t.Fatal(err)
		}
		reports = append(reports, rep)
		if i == 2 && !strings.Contains(r.stdout, "lasted") {
			t.Errorf("run 3's summary does not say how long the incident lasted:\n%s", r.stdout)
		}
	}
	if m := reports[0].Memory; m == nil || m.Source != "priors" || !strings.Contains(m.Note, "no detector state") {
		t.Errorf("run 1 memory: %+v", m)
	}
	for i := 1; i < 3; i++ {
		if m := reports[i].Memory; m == nil || m.Source != "state_file" {
			t.Errorf("run %d memory: %+v", i+1, m)
		}
	}
	if n := len(reports[0].Incidents); n != 0 {
		t.Fatalf("run 1 (healthy) has %d incidents", n)
	}
	if n := len(reports[1].Incidents); n != 1 {
		t.Fatalf("run 2: %d incidents, want 1: %+v", n, reports[1].Incidents)
	}
	opened := reports[1].Incidents[0]
	if opened.Component != "chat_stream" || opened.ResolvedAt != nil || !within(opened.StartedAt, windows[1].start, windows[1].end) {
		t.Fatalf("run 2's incident %+v, run 2 %v–%v", opened, windows[1].start, windows[1].end)
	}
	if n := len(reports[2].Incidents); n != 1 {
		t.Fatalf("run 3: %d incidents, want the one from run 2: %+v", n, reports[2].Incidents)
	}
	closed := reports[2].Incidents[0]
	if closed.ID != opened.ID || !closed.StartedAt.Equal(opened.StartedAt) || !closed.DetectedAt.Equal(opened.DetectedAt) {
		t.Fatalf("run 3's incident %+v is not run 2's %+v", closed, opened)
	}
	if closed.ResolvedAt == nil || !within(*closed.ResolvedAt, windows[2].start, windows[2].end) {
		t.Fatalf("run 3 did not resolve the incident within the run: %+v, run 3 %v–%v", closed, windows[2].start, windows[2].end)
	}
	// The outage lasted 45 s of scenario time; the incident starts at its first failed probe and
	// ends when recovery is confirmed (about five probes after the last failure), so its
	// duration is the outage plus at most the confirmation, less at most one probe interval.
	got := closed.Duration(*closed.ResolvedAt)
	if got < 44*time.Second || got > 45*time.Second+10*time.Second {
		t.Errorf("incident lasted %s, outage 45s", got)
	}
	if closed.Worst != detect.Major {
		t.Errorf("worst %s", closed.Worst)
	}
	t.Logf("incident %s: started %s (run 2), resolved %s (run 3), lasted %s", closed.ID, closed.StartedAt.Sub(t0).Round(time.Millisecond),
		closed.ResolvedAt.Sub(t0).Round(time.Millisecond), got.Round(time.Millisecond))
}

func within(at, from, to time.Time) bool { return !at.Before(from) && !at.After(to) }

// A script without handleSummary keeps its memory too: the state is saved at k6's exit.
func TestStateSavedAtExitWithoutReport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "detector.json")
	script := filepath.Join(dir, "bare.js")
	writeFile(t, script, `import chatgpt from "k6/x/chatgpt";
const target = chatgpt.target({ components: ["chat", "models"], state: __ENV.STATE });
export const options = { iterations: 3 };
export default async function () { await target.probeAll(); }
`)
	r := k6run(t, script, "STATE="+state)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	b, err := os.ReadFile(state)
	if err != nil {
		t.Fatalf("no state saved at exit: %v\n%s", err, r.stderr)
	}
	var s detect.Saved
	if err := json.Unmarshal(b, &s); err != nil || s.Validate() != nil || len(s.Components) != 2 {
		t.Fatalf("state %s: %v", b, err)
	}
	for _, c := range s.Components {
		if c.Observations != 3 {
			t.Errorf("%s: %d observations, want 3", c.Component, c.Observations)
		}
	}
}

// Against a simulator, an incident carries the scenario's ground truth: when the trouble really
// began, which chatgpt_time_to_detect is measured from. The simulator plays at 10x, so the
// detector's minimum paging duration (35 s) takes 3.5 s.
func TestGroundTruthTimeToDetect(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "outage.yaml"), []byte(`name: truth
seed: 3
duration: 10m
baseline: {ttft: {median: 100ms, p99: 300ms}, itl: {median: 5ms, p99: 15ms}, output_tokens: 4}
phases:
  - {at: 20s, until: 10m, components: [chat, chat_stream], truth: major_outage, error_rate: 1, faults: {server_500: 1}}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "truth.js")
	writeFile(t, script, `import chatgpt from "k6/x/chatgpt";
const started = Date.now();
const url = chatgpt.simulator({ scenario: "outage.yaml", speed: 10 });
const target = chatgpt.target({ baseURL: url, apiKey: "sk-truth", components: ["chat", "chat_stream", "models"] });
export const options = { scenarios: { s: { executor: "constant-arrival-rate", rate: 2, timeUnit: "1s", duration: "9s", preAllocatedVUs: 4 } },
  thresholds: { chatgpt_time_to_detect: ["max>0"] } };
export default async function () { await target.probeAll(); }
export function handleSummary(data) {
  const s = chatgpt.state();
  return { stdout: JSON.stringify({ incidents: s.incidents, ttd: data.metrics.chatgpt_time_to_detect.values }) + "\n" };
}
`)
	r := k6run(t, script)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var out struct {
		Incidents []detect.Incident  `json:"incidents"`
		TTD       map[string]float64 `json:"ttd"`
	}
	line := r.stdout[strings.LastIndex(strings.TrimSpace(r.stdout), "\n")+1:]
	if err := json.Unmarshal([]byte(line), &out); err != nil || len(out.Incidents) == 0 {
		t.Fatalf("%v: %s\n%s", err, r.stdout, r.stderr)
	}
	for _, in := range out.Incidents {
		if in.TruthStartedAt == nil {
			t.Fatalf("%s has no ground truth", in.ID)
		}
		// The truth starts at most one probe interval (0.5 s) before the first failed probe, and
		// never after it.
		if lead := in.StartedAt.Sub(*in.TruthStartedAt); lead < 0 || lead > 600*time.Millisecond {
			t.Errorf("%s: first failure %s after the truth's start", in.ID, lead)
		}
		t.Logf("%s: truth %s, first failure +%s, detected +%s", in.ID, in.TruthStartedAt.Format(time.RFC3339Nano),
			in.StartedAt.Sub(*in.TruthStartedAt), in.TrueTimeToDetect())
	}
	if max := out.TTD["max"]; max <= 0 || max > 5000 {
		t.Errorf("chatgpt_time_to_detect max %v ms", max)
	}
}
