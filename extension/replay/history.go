package replay

import (
	"context"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/monitor"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
)

// HistoryEvery is how often each component was probed in a replay's history: a scheduled run
// every five minutes, enough for every hour of day to reach the hour baselines' minimum.
const HistoryEvery = 5 * time.Minute

// RunWithHistory replays sc after the monitor watched the scenario's baseline (no phase: what
// the file says the service is like outside its incident) for history before t=0, as a
// monitor whose state file remembers the days before does: the same monitor, probing every
// HistoryEvery without confirmation probes. With three days or more, the hour-of-day baselines
// (detect/hours.go) are in use at t=0: the long memory against which a slow drift is tested.
// Incidents the history opened (background errors) are not the scenario's and are not
// reported; history that leaves a component away from operational at t=0 is reported as a
// false alarm at t=0.
func RunWithHistory(sc *scenario.Scenario, components []string, interval time.Duration, cfg detect.Config, history time.Duration) Result {
	if len(components) == 0 {
		components = Components(sc)
	}
	det := detect.New(cfg)
	clock := monitor.NewVirtual(epoch.Add(-history), epoch)
	m := monitor.New("", replayTarget, det)
	m.Clock, m.Rounds, m.Confirmations = clock, &monitor.Rounds{}, 0
	p := &past{s: sc.History(), clock: clock}
	comps := make([]probe.Component, len(components))
	for i, c := range components {
		comps[i] = probe.Component(c)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock.Go(func() { m.Run(ctx, HistoryEvery, comps, func(time.Time, probe.Component) monitor.Prober { return p }) })
	clock.Run()
	away := 0
	for _, c := range components {
		if det.State(m.Target, c) != detect.Operational {
			away++
		}
	}
	res := run(sc, components, interval, det, 0, true, Confirmations)
	res.FalseAlarms += away
	return res
}

// past is the history's prober: each probe meets a draw of the scenario's baseline at its
// (negative) scenario time, from a stream of its own.
type past struct {
	s     *scenario.Sampler
	clock *monitor.Virtual
}

func (p *past) Send(_ context.Context, c probe.Component, _ bool) *probe.Result {
	return drawResult(c, p.s.At(p.clock.Now().Sub(epoch), string(c)))
}

func (p *past) Skipped(*probe.Result)                {}
func (p *past) Observed(*probe.Result, monitor.View) {}
