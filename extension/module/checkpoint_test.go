package module

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	logtest "github.com/sirupsen/logrus/hooks/test"
	"gopkg.in/guregu/null.v3"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statefile"
)

func TestCheckpointOptions(t *testing.T) {
	for _, tc := range []struct {
		name, script, want string
		env                map[string]string
	}{
		{name: "not a duration", script: `ch.target({checkpoint: "often"})`, want: "option checkpoint must be a positive duration"},
		{name: "negative", script: `ch.target({checkpoint: -5})`, want: "option checkpoint must be a positive duration"},
		{name: "too often", script: `ch.target({checkpoint: "10ms"})`, want: "shorter than 1s"},
		{name: "variable", script: `ch.target({})`, env: map[string]string{"CHATGPT_CHECKPOINT": "soon"}, want: "option checkpoint"},
		{name: "two intervals", script: `ch.target({checkpoint: "1m"}); ch.target({name: "b", checkpoint: "2m"})`, want: "one interval per run"},
		{name: "same interval twice", script: `ch.target({checkpoint: "1m"}); ch.target({name: "b", checkpoint: 60000})`},
		{name: "budget period", script: `ch.target({budgetPeriod: "24h"})`},
		{name: "bad budget period", script: `ch.target({budgetPeriod: "daily"})`, want: "option budgetPeriod must be a positive duration"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"OPENAI_API_KEY": "sk-test-checkpoint"}
			for k, v := range tc.env {
				env[k] = v
			}
			rt, _ := newRuntime(t, env)
			runWant(t, rt, tc.script, tc.want)
		})
	}
}

// A long run warns, once, when k6 would keep every trend sample for its summary or thresholds;
// with both turned off it says nothing.
func TestCheckpointWarnsAboutTrendStorage(t *testing.T) {
	for _, tc := range []struct {
		mode         string
		noThresholds bool
		warn         bool
	}{{"", false, true}, {"compact", true, true}, {"disabled", false, true}, {"disabled", true, false}} {
		t.Run(fmt.Sprintf("summary %q, --no-thresholds %v", tc.mode, tc.noThresholds), func(t *testing.T) {
			rt, _ := newRuntime(t, map[string]string{"OPENAI_API_KEY": "sk-test-checkpoint"})
			log, hook := logtest.NewNullLogger()
			rt.VU.InitEnvField.Logger = log
			if tc.mode != "" {
				rt.VU.InitEnvField.RuntimeOptions.SummaryMode = null.StringFrom(tc.mode)
			}
			rt.VU.InitEnvField.RuntimeOptions.NoThresholds = null.BoolFrom(tc.noThresholds)
			if _, err := rt.RunOnEventLoop(`const ch = require("k6/x/chatgpt"); ch.target({checkpoint: "1m"}); ch.target({name: "b", checkpoint: "1m"})`); err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, e := range hook.AllEntries() {
				if strings.Contains(e.Message, "--summary-mode=disabled") {
					n++
				}
			}
			if want := map[bool]int{true: 1, false: 0}[tc.warn]; n != want {
				t.Fatalf("%d warnings, want %d: %v", n, want, hook.AllEntries())
			}
		})
	}
}

// With checkpoint set, the state file is written while the run goes on, from the first probe
// on, and Close ends the timer (no goroutine left behind, no write after it).
func TestCheckpointWritesStateDuringTheRun(t *testing.T) {
	state := filepath.Join(t.TempDir(), "detector.json")
	rt, root := newRuntime(t, map[string]string{"OPENAI_BASE_URL": simtest.Fast(t, nil), "OPENAI_API_KEY": "sk-test-checkpoint",
		"CHATGPT_STATE": state, "CHATGPT_CHECKPOINT": "1s"})
	if _, err := rt.RunOnEventLoop(`globalThis.target = require("k6/x/chatgpt").target({components: ["chat"]});`); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1200 * time.Millisecond)
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Fatalf("state written before any probe: %v", err)
	}
	toVU(rt)
	if _, err := rt.RunOnEventLoop(`target.probe("chat")`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		doc, err := statefile.Read(state)
		if err == nil && len(doc.Components) == 1 && doc.Components[0].Observations == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint within 5 s: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := root.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(state); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Fatalf("a checkpoint after Close: %v", err)
	}
}
