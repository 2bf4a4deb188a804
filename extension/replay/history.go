package replay

import (
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/monitor"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
)

// HistoryEvery is how often each component was probed in a replay's history: a scheduled run
// every five minutes, enough for every hour of day to reach the hour baselines' minimum.
const HistoryEvery = 5 * time.Minute

// RunWithHistory replays sc after the monitor watched the scenario's baseline (no phase: what
// the file says the service is like outside its incident) for history before t=0, as a
// monitor whose state file remembers the days before does. With three days or more, the
// hour-of-day baselines (detect/hours.go) are in use at t=0: the long memory against which a
// slow drift is tested. Incidents the history opened (background errors) are not the
// scenario's and are not reported; history that leaves a component away from operational at
// t=0 is reported as a false alarm at t=0.
func RunWithHistory(sc *scenario.Scenario, components []string, interval time.Duration, cfg detect.Config, history time.Duration) Result {
	if len(components) == 0 {
		components = Components(sc)
	}
	det := detect.New(cfg)
	target := monitor.New("", replayTarget, det).Target
	s := sc.History()
	for t := -history; t < 0; t += HistoryEvery {
		for _, c := range components {
			o := s.At(t, c)
			cl := judge(o.Fault)
			ok := cl.Class == classify.OK
			obs := detect.Observation{At: epoch.Add(t), Target: target, Component: c, Class: cl.Class, Blame: cl.Blame, TotalMs: o.TotalMs}
			if ok {
				obs.TTFTMs, obs.ITLMs = o.TTFTMs, o.ITLMs
			}
			det.Observe(obs)
		}
	}
	away := 0
	for _, c := range components {
		if det.State(target, c) != detect.Operational {
			away++
		}
	}
	res := run(sc, components, interval, det, 0, true, Confirmations)
	res.FalseAlarms += away
	return res
}
