package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statefile"
)

// longRun is a `k6 run` in the background that the test stops with a signal, by its PID, as a
// supervisor (the kubelet, systemd, docker) stops a continuous monitor.
type longRun struct {
	cmd     *exec.Cmd
	started time.Time
	done    chan error
	out     string // k6's stdout and stderr
	points  string // --out json file
}

// startLong starts `k6 run --summary-mode=disabled --no-thresholds` (a continuous monitor's
// flags: k6 keeps no samples) with args before the script, env added to a
// clean environment (no key or URL of the machine leaks in), and with points every sample
// written to a JSON file the test reads.
func startLong(t *testing.T, script string, points bool, args []string, env ...string) *longRun {
	t.Helper()
	dir := t.TempDir()
	r := &longRun{out: filepath.Join(dir, "k6.log"), done: make(chan error, 1)}
	all := []string{"run", "--quiet", "--no-color", "--summary-mode=disabled", "--no-thresholds"}
	if points {
		r.points = filepath.Join(dir, "points.json")
		all = append(all, "--out", "json="+r.points)
	}
	all = append(all, args...)
	r.cmd = exec.Command(k6Binary(t), append(all, script)...) // #nosec G204 -- the test's own k6
	r.cmd.Dir = repoRoot(t)
	r.cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "K6_NO_USAGE_REPORT=true"}, env...)
	log, err := os.Create(r.out)
	if err != nil {
		t.Fatal(err)
	}
	r.cmd.Stdout, r.cmd.Stderr = log, log
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r.started = time.Now()
	go func() { r.done <- r.cmd.Wait(); _ = log.Close() }()
	t.Cleanup(func() { _ = r.cmd.Process.Kill(); <-r.done })
	return r
}

// stop sends SIGTERM and waits for k6 to exit (a second signal would make it exit at once,
// skipping the final flush: supervisors send one, then SIGKILL after a grace period).
func (r *longRun) stop(t *testing.T, grace time.Duration) time.Duration {
	t.Helper()
	at := time.Now()
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-r.done:
		r.done <- nil // for the cleanup
		return time.Since(at)
	case <-time.After(grace):
		t.Fatalf("k6 still running %s after SIGTERM\n%s", grace, r.log())
	}
	return 0
}

func (r *longRun) log() string { b, _ := os.ReadFile(r.out); return string(b) }

type point struct {
	Metric string `json:"metric"`
	Type   string `json:"type"`
	Data   struct {
		Time  time.Time         `json:"time"`
		Value float64           `json:"value"`
		Tags  map[string]string `json:"tags"`
	} `json:"data"`
}

// samples are the run's samples of metric for component so far, oldest first.
func (r *longRun) samples(t *testing.T, metric, component string) []point {
	t.Helper()
	f, err := os.Open(r.points)
	if err != nil {
		return nil
	}
	defer func() { _ = f.Close() }()
	var out []point
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var p point
		if json.Unmarshal(sc.Bytes(), &p) != nil || p.Type != "Point" || p.Metric != metric {
			continue // a line being written
		}
		if component == "" || p.Data.Tags["component"] == component {
			out = append(out, p)
		}
	}
	return out
}

// waitFor polls until cond holds or the deadline passes.
func waitFor(t *testing.T, within time.Duration, what string, r *longRun, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	for !cond() {
		select {
		case err := <-r.done:
			t.Fatalf("k6 ended (%v) while waiting for %s\n%s", err, what, r.log())
		case <-ctx.Done():
			t.Fatalf("no %s within %s\n%s", what, within, r.log())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func firstAtLeast(ps []point, v float64) (point, bool) {
	for _, p := range ps {
		if p.Data.Value >= v {
			return p, true
		}
	}
	return point{}, false
}

// A continuous monitor (scripts/chatgpt.js, CHATGPT_MODE=continuous) against an external
// simulator whose chat_stream fails from 8 s to 58 s: the outage is detected, the monitor is
// stopped with SIGTERM mid-outage and started again from its state file. There is one incident,
// its true start kept; the restarted run reports the component down from its first probe (no
// second detection wait), and resolves the same incident when the outage ends.
func TestContinuousRestartKeepsIncident(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	scenario := filepath.Join(dir, "outage.yaml")
	writeFile(t, scenario, `name: continuous-restart
seed: 7
duration: 10m
baseline: {ttft: {median: 100ms, p99: 300ms}, itl: {median: 5ms, p99: 15ms}, output_tokens: 4}
phases:
  - {at: 8s, until: 58s, components: [chat_stream], truth: major_outage, error_rate: 1, faults: {server_500: 1}}
`)
	url, t0, _ := startSimulate(t, "--scenario", scenario)
	state := filepath.Join(dir, "state", "detector.json")
	const interval = time.Second
	env := []string{"OPENAI_BASE_URL=" + url, "OPENAI_API_KEY=x", "CHATGPT_MODE=continuous", "CHATGPT_STATE=" + state,
		"CHATGPT_COMPONENTS=chat_stream,models", "CHATGPT_INTERVAL=" + interval.String(), "CHATGPT_CHECKPOINT=2s"}

	run1 := startLong(t, "scripts/chatgpt.js", true, nil, env...)
	var detected point
	waitFor(t, 75*time.Second, "detected outage in run 1", run1, func() bool {
		var ok bool
		detected, ok = firstAtLeast(run1.samples(t, "chatgpt_state", "chat_stream"), 2)
		return ok
	})
	if doc, err := statefile.Read(state); err != nil || len(doc.Components) == 0 {
		t.Fatalf("no checkpoint while run 1 runs: %v", err)
	}
	if left := time.Until(t0.Add(58 * time.Second)); left < 8*time.Second {
		t.Fatalf("detected %s into the scenario: too late to restart mid-outage", detected.Data.Time.Sub(t0))
	}
	killedAt := time.Now()
	took := run1.stop(t, 30*time.Second)
	saved, err := statefile.Read(state)
	if err != nil {
		t.Fatal(err)
	}
	open := component(saved.Saved, "chat_stream").OpenIncident
	if open == nil || saved.Seq != 1 {
		t.Fatalf("state after SIGTERM: incident_seq %d, open incident %+v\n%s", saved.Seq, open, run1.log())
	}
	if lag := killedAt.Sub(saved.LastObservation); lag > 2*interval+time.Second {
		t.Errorf("the state saved at SIGTERM is %s older than the signal: the exit flush did not run", lag)
	}

	run2 := startLong(t, "scripts/chatgpt.js", true, nil, env...)
	var again point
	waitFor(t, 30*time.Second, "a chat_stream probe in run 2", run2, func() bool {
		ps := run2.samples(t, "chatgpt_state", "chat_stream")
		if len(ps) > 0 {
			again = ps[0]
		}
		return len(ps) > 0
	})
	if again.Data.Value < 2 {
		t.Fatalf("run 2's first chat_stream probe left it %v, want the carried outage (>= 2)\n%s", again.Data.Value, run2.log())
	}
	firstProbe := run2.samples(t, "chatgpt_probes", "")[0].Data.Time
	if d := again.Data.Time.Sub(firstProbe); d > interval {
		t.Errorf("down again %s after run 2's first probe, more than one cadence (%s)", d, interval)
	}
	waitFor(t, 60*time.Second, "recovery in run 2", run2, func() bool {
		ps := run2.samples(t, "chatgpt_state", "chat_stream")
		return len(ps) > 0 && ps[len(ps)-1].Data.Value == 0 && ps[len(ps)-1].Data.Time.After(t0.Add(58*time.Second))
	})
	if n := len(run2.samples(t, "chatgpt_incidents", "")); n != 0 {
		t.Errorf("run 2 opened %d incidents, want none (the outage is run 1's incident)", n)
	}
	run2.stop(t, 30*time.Second)
	final, err := statefile.Read(state)
	if err != nil {
		t.Fatal(err)
	}
	last := component(final.Saved, "chat_stream").LastIncident
	switch {
	case final.Seq != 1 || last == nil:
		t.Fatalf("final state: incident_seq %d, last incident %+v", final.Seq, last)
	case last.ID != open.ID || !last.StartedAt.Equal(open.StartedAt) || last.ResolvedAt == nil:
		t.Fatalf("final incident %+v is not run 1's %+v, resolved", last, open)
	case last.StartedAt.Before(t0.Add(8*time.Second)) || last.StartedAt.After(t0.Add(8*time.Second+2*interval)):
		t.Errorf("incident started %s into the scenario, the outage at 8 s", last.StartedAt.Sub(t0))
	case last.Worst != detect.Major:
		t.Errorf("worst %s", last.Worst)
	}
	t.Logf("outage 8s-58s; detected %s, SIGTERM at %s (k6 exited in %s), restart at %s, down again at %s (%s after the restart's first probe); incident %s %s-%s",
		detected.Data.Time.Sub(t0).Round(time.Millisecond), killedAt.Sub(t0).Round(time.Millisecond), took.Round(time.Millisecond),
		run2.started.Sub(t0).Round(time.Millisecond), again.Data.Time.Sub(t0).Round(time.Millisecond),
		again.Data.Time.Sub(firstProbe).Round(time.Millisecond), last.ID, last.StartedAt.Sub(t0).Round(time.Millisecond),
		last.ResolvedAt.Sub(t0).Round(time.Millisecond))
	for _, line := range strings.Split(run1.log()+run2.log(), "\n") {
		// k6 logs the signal that stopped it as an error; anything else is one.
		if strings.Contains(line, "level=error") && !strings.Contains(line, "received a 'terminated' signal") {
			t.Errorf("k6 logged an error: %s", line)
		}
	}
}

func component(s detect.Saved, name string) detect.SavedComponent {
	for _, c := range s.Components {
		if c.Component == name {
			return c
		}
	}
	return detect.SavedComponent{}
}

// An always-on monitor whose key went missing stops at start, saying so, instead of publishing
// the embedded simulator's health as the provider's; CHATGPT_TARGET=simulator rehearses on
// purpose. (Outside CI: under CI=true the extension refuses the fallback by itself.)
func TestContinuousRefusesTheSimulatorUnasked(t *testing.T) {
	t.Parallel()
	state := "CHATGPT_STATE=" + filepath.Join(t.TempDir(), "detector.json")
	r := k6run(t, "scripts/chatgpt.js", "CHATGPT_MODE=continuous", state)
	if r.code == 0 || !strings.Contains(r.stderr, "CHATGPT_MODE=continuous would monitor the embedded simulator") {
		t.Fatalf("exit %d, want a refusal at init\n%s", r.code, r.stderr)
	}
	r = k6run(t, "scripts/chatgpt.js", "CHATGPT_MODE=continuous", state, "CHATGPT_TARGET=simulator", "CHATGPT_DURATION=2s", "CHATGPT_INTERVAL=1s")
	if r.code != 0 {
		t.Fatalf("a rehearsal (CHATGPT_TARGET=simulator): exit %d\n%s", r.code, r.stderr)
	}
}
