package replay_test

import (
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/replay"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
)

func TestParseSchedule(t *testing.T) {
	for in, ok := range map[string]bool{"2m/15m": true, "15m/15m": true, "2m": false, "20m/15m": false, "0s/15m": false, "x/y": false} {
		if _, err := replay.ParseSchedule(in); (err == nil) != ok {
			t.Errorf("%q: %v", in, err)
		}
	}
}

// Probed 2 minutes in every 15, an outage is seen at the next run: detection waits for it, an
// outage wholly between runs is never seen, and the runs hand the incident on.
func TestScheduledReplay(t *testing.T) {
	sc := simtest.Scenario(t, `name: gaps
seed: 3
duration: 2h
phases:
  - {at: 20m, until: 50m, components: [chat_stream], truth: major_outage, error_rate: 1, faults: {server_500: 1}}
  - {at: 62m, until: 72m, components: [chat], truth: major_outage, error_rate: 1, faults: {server_500: 1}}
`)
	s, _ := replay.ParseSchedule("2m/15m")
	res, err := replay.RunScheduled(sc, nil, 0, detect.Defaults, s)
	if err != nil {
		t.Fatal(err)
	}
	if res.Runs != 8 {
		t.Errorf("%d runs in 2 h, want 8", res.Runs)
	}
	for _, p := range res.Phases {
		switch p.Component {
		case "chat_stream": // starts at 20m; the next run starts at 30m
			if p.TTDS == nil || *p.TTDS < 600 || *p.TTDS > 600+120 {
				t.Errorf("chat_stream detected after %v s, want within the 30m run", p.TTDS)
			}
		case "chat": // 62m-72m: between the runs at 60m-62m and 75m-77m
			if p.TTDS != nil {
				t.Errorf("an outage between runs was detected after %v s", *p.TTDS)
			}
		}
	}
	if res.Incidents != 1 {
		t.Errorf("%d incidents, want the one outage seen, handed across runs", res.Incidents)
	}
	jittered, err := replay.RunScheduled(sc, nil, 0, detect.Defaults, replay.Schedule{Run: 2 * time.Minute, Period: 15 * time.Minute, Jitter: 5 * time.Minute})
	if err != nil || jittered.Runs != 8 {
		t.Errorf("jittered: %d runs, %v", jittered.Runs, err)
	}
}
