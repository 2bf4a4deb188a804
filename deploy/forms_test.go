package deploy

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// savedState is what these tests read of a detector state file (extension/statefile; this
// module does not import the extension).
type savedState struct {
	Kind            string    `json:"kind"`
	LastObservation time.Time `json:"last_observation"`
}

func readState(path string) (savedState, error) {
	var s savedState
	b, err := os.ReadFile(path) // #nosec G304 -- the test's own temporary file
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err == nil && s.Kind != "xk6-chatgpt/detector-state" {
		err = fmt.Errorf("%s is not a detector state: %s", path, b)
	}
	return s, err
}

// sinks are local stand-ins for the cluster's Prometheus (remote write) and Tempo (OTLP).
type sinks struct {
	rw, otlp *httptest.Server
	writes   atomic.Int64
}

func newSinks(t *testing.T) *sinks {
	s := &sinks{}
	s.rw = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writes.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	s.otlp = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }))
	t.Cleanup(func() { s.rw.Close(); s.otlp.Close() })
	return s
}

var tracesFlag = regexp.MustCompile(`--traces-output=otel=http://[^ /]+`)

// runUntilStopped starts a continuous monitor as its supervisor would (argv, env), waits for
// its first checkpoint of the state file, asks alive (if set) whether the pod would pass its
// liveness probe, stops it with SIGTERM as the supervisor does, and checks that it exits within
// grace having saved the state of its last probes.
func runUntilStopped(t *testing.T, argv, env []string, state string, grace time.Duration, alive func() error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...) // #nosec G204 -- the test's own k6 and manifests
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-done
		}
	}()
	deadline := time.After(60 * time.Second)
	for {
		if _, err := readState(state); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("k6 ended before its first checkpoint: %v\n%s", err, out.String())
		case <-deadline:
			t.Fatalf("no checkpoint within 60 s\n%s", out.String())
		case <-time.After(200 * time.Millisecond):
		}
	}
	if alive != nil {
		if err := alive(); err != nil {
			t.Errorf("liveness probe: %v", err)
		}
	}
	// Probes the checkpoint did not see (the next checkpoint is 5 s away): only the flush at
	// exit can save them.
	time.Sleep(3 * time.Second)
	stopped := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(grace):
		t.Fatalf("still running %s after SIGTERM\n%s", grace, out.String())
	}
	s, err := readState(state)
	if err != nil {
		t.Fatal(err)
	}
	if lag := stopped.Sub(s.LastObservation); lag > 2*time.Second {
		t.Errorf("the state saved at exit is %s older than SIGTERM: the exit flush did not run\n%s", lag, out.String())
	}
	t.Logf("stopped %s after SIGTERM; state saved with its last observation %s before the signal",
		time.Since(stopped).Round(time.Millisecond), stopped.Sub(s.LastObservation).Round(time.Millisecond))
}

// Each Deployment's container, run as the kubelet would run it (the image's entrypoint k6 with
// the container's args and env), probes, checkpoints, answers its liveness probe, and on SIGTERM
// exits within the grace period with its state saved.
func TestDeploymentRunsAndStopsCleanly(t *testing.T) {
	t.Parallel() // each waits on its own k6 for seconds
	bin := k6Bin(t)
	d := loadManifests(t).deployments[0]
	c := d.Spec.Template.Spec.Containers[0]
	s := newSinks(t)
	api := freeAddr(t)
	var args []string
	for _, a := range c.Args {
		switch {
		case strings.HasPrefix(a, "--address="):
			a = "--address=" + api
		case tracesFlag.MatchString(a):
			a = "--traces-output=otel=" + s.otlp.URL
		case strings.HasPrefix(a, "/scripts/"):
			a = filepath.Join("..", a)
		}
		args = append(args, a)
	}
	state := filepath.Join(t.TempDir(), "detector.json")
	var env []string
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			env = append(env, e.Name+"="+e.Value)
		}
	}
	env = append(append(baseEnv(), env...), "CHATGPT_STATE="+state, "K6_PROMETHEUS_RW_SERVER_URL="+s.rw.URL+"/api/v1/write",
		"CHATGPT_INTERVAL=1s", "CHATGPT_CHECKPOINT=5s", "K6_PROMETHEUS_RW_PUSH_INTERVAL=1s", "OTEL_BSP_EXPORT_TIMEOUT=2000")
	grace := time.Duration(*d.Spec.Template.Spec.TerminationGracePeriodSeconds) * time.Second
	runUntilStopped(t, append([]string{bin}, args...), env, state, grace, func() error {
		resp, err := http.Get("http://" + api + "/v1/status")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				err = &httpError{resp.StatusCode}
			}
		}
		return err
	})
	if s.writes.Load() == 0 {
		t.Error("no remote writes")
	}
}

type httpError struct{ code int }

func (e *httpError) Error() string { return "HTTP " + strconv.Itoa(e.code) }

// unit reads a systemd unit's [Service] settings (a key may repeat: Environment).
func unit(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path) // #nosec G304 -- the repository's own unit
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	out, section := map[string][]string{}, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			section = line
		case section == "[Service]":
			k, v, _ := strings.Cut(line, "=")
			out[k] = append(out[k], v)
		}
	}
	return out
}

// The systemd unit passes `systemd-analyze verify` (where systemd is installed) and, run as
// systemd would run instance eu-west (its ExecStart and Environment, %i and %S expanded),
// probes, checkpoints, and on its KillSignal exits within TimeoutStopSec with its state saved;
// systemd restarts it whatever its exit.
func TestSystemdUnit(t *testing.T) {
	t.Parallel() // each waits on its own k6 for seconds
	bin := k6Bin(t)
	const path = "systemd/xk6-chatgpt@.service"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	u := unit(t, path)
	if got := u["Restart"]; len(got) != 1 || got[0] != "always" {
		t.Errorf("Restart=%v: a continuous monitor is restarted whatever its exit code (SIGTERM's is 105)", got)
	}
	if got := u["KillSignal"]; len(got) != 1 || got[0] != "SIGTERM" {
		t.Errorf("KillSignal=%v: k6 saves its state on SIGTERM", got)
	}
	stop, err := time.ParseDuration(strings.Join(u["TimeoutStopSec"], "") + "s")
	if err != nil || stop < 30*time.Second {
		t.Errorf("TimeoutStopSec=%v: k6 needs up to 30 s after SIGTERM", u["TimeoutStopSec"])
	}
	exec0 := strings.Fields(strings.Join(u["ExecStart"], ""))
	if len(exec0) < 3 || !bytes.Contains(raw, []byte("scripts/chatgpt.js "+exec0[len(exec0)-1])) || !bytes.Contains(raw, []byte("install -m 0755 k6 "+exec0[0])) {
		t.Fatalf("ExecStart %q: the unit's comment does not install k6 and scripts/chatgpt.js where it runs them", exec0)
	}
	if sa, err := exec.LookPath("systemd-analyze"); err == nil {
		dir := t.TempDir()
		inst := filepath.Join(dir, "xk6-chatgpt@eu-west.service")
		if err := os.WriteFile(inst, bytes.ReplaceAll(raw, []byte(exec0[0]), []byte(bin)), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(sa, "verify", "--man=no", inst).CombinedOutput() // #nosec G204 -- the test's own unit
		if err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Errorf("systemd-analyze verify: %v\n%s", err, out)
		}
	}
	stateDir := t.TempDir()
	expand := strings.NewReplacer("%i", "eu-west", "%S", stateDir)
	var env []string
	for _, e := range u["Environment"] {
		env = append(env, expand.Replace(e))
	}
	if err := os.MkdirAll(filepath.Join(stateDir, "xk6-chatgpt", "eu-west"), 0o750); err != nil { // StateDirectory=
		t.Fatal(err)
	}
	s := newSinks(t)
	env = append(append(baseEnv(), env...), "K6_PROMETHEUS_RW_SERVER_URL="+s.rw.URL+"/api/v1/write", // from EnvironmentFile=
		"CHATGPT_INTERVAL=1s", "CHATGPT_CHECKPOINT=5s", "K6_PROMETHEUS_RW_PUSH_INTERVAL=1s")
	argv := []string{bin}
	for _, a := range exec0[1 : len(exec0)-1] {
		argv = append(argv, expand.Replace(a))
	}
	argv = append(argv, filepath.Join("..", "scripts", "chatgpt.js"))
	state := expand.Replace("%S/xk6-chatgpt/%i/detector.json")
	if !strings.Contains(strings.Join(env, " "), "CHATGPT_STATE="+state) {
		t.Fatalf("the unit's state file is not in its StateDirectory (%s): %v", state, env)
	}
	runUntilStopped(t, argv, env, state, stop, nil)
	if s.writes.Load() == 0 {
		t.Error("no remote writes")
	}
}
