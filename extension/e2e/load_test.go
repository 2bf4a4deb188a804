package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"go.k6.io/k6/v2/lib/types"
)

// scripts/load.js reads LOAD_DURATION the way k6 reads durations: the ramp profile's stages,
// as `k6 inspect` plans them, add up to what k6's own parser makes of the value (an hour is an
// hour, not the 2 seconds parseInt("1h") made of it), and a value k6 would refuse is refused.
func TestLoadDurationParsedLikeK6(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in  string
		bad bool
	}{
		{in: "1h"}, {in: "90s"}, {in: "1h30m"}, {in: "1.5m"}, {in: "2d"}, {in: "1d12h"}, {in: "0.5h"},
		{in: "7200000"}, {in: "1m30s500ms"},
		{in: "1x", bad: true}, {in: "1h 2m", bad: true}, {in: "h", bad: true}, {in: "1.5d", bad: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			out, log, err := inspect(t, "scripts/load.js", "LOAD_PROFILE=ramp", "LOAD_DURATION="+tc.in)
			want, kerr := types.ParseExtendedDuration(tc.in)
			if tc.bad {
				if err == nil || !strings.Contains(log, "is not a k6 duration") || kerr == nil {
					t.Fatalf("LOAD_DURATION=%s accepted (k6's parser: %v)\n%s", tc.in, kerr, log)
				}
				return
			}
			if err != nil || kerr != nil {
				t.Fatalf("inspect: %v (k6's parser: %v)\n%s", err, kerr, log)
			}
			var plan struct {
				Scenarios map[string]struct {
					Stages []struct {
						Duration types.Duration `json:"duration"`
						Target   int            `json:"target"`
					} `json:"stages"`
				} `json:"scenarios"`
			}
			if err := json.Unmarshal(out, &plan); err != nil {
				t.Fatal(err)
			}
			var got time.Duration
			for _, s := range plan.Scenarios["load"].Stages {
				got += time.Duration(s.Duration)
			}
			if got != want {
				t.Fatalf("LOAD_DURATION=%s: the ramp's stages last %s, k6 reads %s", tc.in, got, want)
			}
		})
	}
	// The execution plan the k6-operator's initializer reads: an hour of ramp plans an hour.
	out, log, err := inspect(t, "scripts/load.js", "--execution-requirements", "LOAD_PROFILE=ramp", "LOAD_DURATION=1h")
	var req struct {
		TotalDuration types.Duration `json:"totalDuration"`
	}
	if err != nil || json.Unmarshal(out, &req) != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	if d := time.Duration(req.TotalDuration); d < time.Hour || d > time.Hour+time.Minute {
		t.Fatalf("LOAD_DURATION=1h plans %s", d)
	}
}

// inspect runs `k6 inspect` on script with -e for each VAR=value (k6 inspect does not pass the
// process environment to scripts) and the other arguments as flags.
func inspect(t *testing.T, script string, args ...string) ([]byte, string, error) {
	t.Helper()
	cmdArgs := []string{"inspect"}
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			cmdArgs = append(cmdArgs, a)
		} else {
			cmdArgs = append(cmdArgs, "-e", a)
		}
	}
	cmd := exec.Command(k6Binary(t), append(cmdArgs, script)...) // #nosec G204 -- the test's own k6
	cmd.Dir = repoRoot(t)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "K6_NO_USAGE_REPORT=true"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	return out, stderr.String() + string(out), err
}

// A spend cap that stops the load ends the run and fails it, saying so, instead of spinning
// through held-back iterations and reporting the goodput of the few requests sent before.
func TestLoadBudgetExhaustedFails(t *testing.T) {
	t.Parallel()
	start := time.Now()
	r := k6run(t, "scripts/load.js", "LOAD_BUDGET_USD=0.0001", "LOAD_VUS=4", "LOAD_DURATION=1m")
	if r.code == 0 {
		t.Fatalf("exit 0 with the budget exhausted\n%s\n%s", r.stdout, r.stderr)
	}
	for _, want := range []string{"budget exhausted", "sent fewer requests than planned"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the summary does not say %q:\n%s", want, r.stdout)
		}
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("the run went on for %s after the cap", took)
	}
	t.Logf("exit %d after %s: %s", r.code, time.Since(start).Round(time.Millisecond), firstLine(r.stdout, "budget exhausted"))
}

func firstLine(s, containing string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, containing) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}
