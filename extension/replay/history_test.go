package replay_test

import (
	"os"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/replay"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
)

// A slow drift to 2x (train/openai-load-drift-degraded-api.yaml) is learned as normal by a
// monitor that started an hour before it, and caught on its way up by one whose history gives
// it hour-of-day baselines; neither raises an alarm in the healthy hour before.
func TestDriftNeedsHistory(t *testing.T) {
	const file = "../../scripts/scenarios/incidents/train/openai-load-drift-degraded-api.yaml"
	data, err := os.ReadFile(file) // #nosec G304 -- the repository's own library
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse(file, data)
	if err != nil {
		t.Fatal(err)
	}
	plateau := 5*time.Hour + 30*time.Minute // the drift reaches 2x here
	caught := func(r replay.Result) bool {
		for _, p := range r.Phases {
			if p.Component == "chat" && p.DetectedS != nil && time.Duration(*p.DetectedS*float64(time.Second)) <= plateau+3*time.Minute {
				return true
			}
		}
		return false
	}
	cold := replay.Run(sc, nil, 0, detect.Defaults)
	warm := replay.RunWithHistory(sc, nil, 0, detect.Defaults, 4*24*time.Hour)
	if caught(cold) {
		t.Errorf("without history the drift was caught: the test no longer shows what history is for")
	}
	if !caught(warm) {
		t.Errorf("with four days of history the drift was not caught by 2x + 3 min")
	}
	if warm.FalseAlarms != 0 || warm.Observations != cold.Observations-cold.Confirmations+warm.Confirmations {
		t.Errorf("history: %d false alarms, %d observations (cold %d, %d confirmations)", warm.FalseAlarms, warm.Observations,
			cold.Observations, cold.Confirmations)
	}
}
