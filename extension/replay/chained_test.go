package replay_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/replay"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
)

func load(t *testing.T, name string) *scenario.Scenario {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("../../scripts/scenarios", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// Every scenario of the library replayed as back-to-back 15-minute runs, each handing the
// state file's JSON to the next, gives the same incidents (ids, start, detection and
// resolution times, worst state, counts) and the same per-phase figures as one continuous
// replay: the state is complete, so chopping a monitor into CI runs costs nothing.
func TestChainedRunsMatchContinuous(t *testing.T) {
	files, _ := filepath.Glob("../../scripts/scenarios/*.yaml")
	if len(files) < 10 {
		t.Fatalf("only %d scenarios", len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sc := load(t, name)
			whole := replay.Run(sc, nil, 0, detect.Defaults)
			chained, err := replay.RunChained(sc, nil, 0, detect.Defaults, 15*time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if want := int((sc.Duration + 15*time.Minute - 1) / (15 * time.Minute)); chained.Runs != want {
				t.Errorf("%d runs, want %d", chained.Runs, want)
			}
			chained.Runs = 0
			a, _ := json.Marshal(whole)
			b, _ := json.Marshal(chained)
			if string(a) != string(b) {
				t.Errorf("chained runs differ from the continuous replay:\ncontinuous %s\nchained    %s", a, b)
			}
		})
	}
}

// The healthy week as 672 fifteen-minute runs raises no alarm.
func TestHealthyWeekAs672Runs(t *testing.T) {
	r, err := replay.RunChained(load(t, "healthy-7d"), nil, 0, detect.Defaults, 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if r.Runs != 672 || r.FalseAlarms != 0 || r.Incidents != 0 {
		t.Fatalf("%d runs, %d false alarms, %d incidents", r.Runs, r.FalseAlarms, r.Incidents)
	}
}

// What a run without memory costs: every 15-minute run starting from priors re-detects an
// ongoing outage as a new incident and loses the baseline. The figures are logged, not asserted
// beyond "worse", since they are the cost the state file removes.
func TestRunsWithoutMemoryAreWorse(t *testing.T) {
	sc := load(t, "official-ack-30m")
	whole := replay.Run(sc, nil, 0, detect.Defaults)
	amnesic, err := replay.RunAmnesic(sc, nil, 0, detect.Defaults, 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if amnesic.Incidents <= whole.Incidents {
		t.Errorf("without memory %d incidents, with %d: a long outage should be split by every run", amnesic.Incidents, whole.Incidents)
	}
	t.Logf("official-ack-30m as 15-minute runs: %d incidents with memory, %d without", whole.Incidents, amnesic.Incidents)
}
