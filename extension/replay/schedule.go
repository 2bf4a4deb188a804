package replay

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/monitor"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
)

// Schedule is a duty cycle: a run of Run every Period, each starting up to Jitter late (a CI
// scheduler's delay), as the shipped workflows run the monitor (2m every 15m). Offset is where
// the scenario starts in the cycle: the first run starts Offset into it (0: with the scenario).
type Schedule struct {
	Run, Period, Jitter, Offset time.Duration
}

// ParseSchedule reads "2m/15m": run length / period.
func ParseSchedule(s string) (Schedule, error) {
	run, period, ok := strings.Cut(s, "/")
	var sch Schedule
	var err error
	if ok {
		if sch.Run, err = time.ParseDuration(run); err == nil {
			sch.Period, err = time.ParseDuration(period)
		}
	}
	switch {
	case !ok || err != nil:
		return sch, fmt.Errorf("schedule %q: want run length / period, like 2m/15m", s)
	case sch.Run <= 0 || sch.Period < sch.Run:
		return sch, fmt.Errorf("schedule %q: the run length must be positive and at most the period", s)
	}
	return sch, nil
}

func (s Schedule) String() string {
	out := s.Run.String() + "/" + s.Period.String()
	if s.Jitter > 0 {
		out += " (starting up to " + s.Jitter.String() + " late)"
	}
	return out
}

// RunScheduled replays sc as a scheduled deployment sees it: a run of s.Run every s.Period,
// each a new k6 process that starts from the state file the previous one left (the detector's
// memory) with a fresh politeness gate; between runs nothing is probed, so an outage is seen
// at the next run. Each run's start is delayed by up to s.Jitter, drawn from the scenario's
// seed.
func RunScheduled(sc *scenario.Scenario, components []string, interval time.Duration, cfg detect.Config, s Schedule) (Result, error) {
	if s.Run <= 0 || s.Period < s.Run || s.Jitter < 0 || s.Offset < 0 {
		return Result{}, fmt.Errorf("schedule %s: the run length must be positive and at most the period", s)
	}
	if interval <= 0 {
		interval = sc.ProbeInterval
	}
	if len(components) == 0 {
		components = Components(sc)
	}
	clock := monitor.NewVirtual(epoch, epoch.Add(sc.Duration))
	m := monitor.New("", replayTarget, detect.New(cfg))
	m.Clock = clock
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := newWorld(sc, m, components, cancel)
	w.res.ProbeIntervalS, w.remembers = interval.Seconds(), true
	comps := make([]probe.Component, len(components))
	for i, c := range components {
		comps[i] = probe.Component(c)
	}
	var err error
	clock.Go(func() { err = w.schedule(ctx, s, interval, comps, cfg) })
	clock.Run()
	for _, stop := range w.stops {
		stop()
	}
	return w.finish(), err
}

// schedule starts each run of s in turn, handing the detector over between them.
func (w *world) schedule(ctx context.Context, s Schedule, interval time.Duration, comps []probe.Component, cfg detect.Config) error {
	seed := w.sc.Seed ^ 0x2545f4914f6cdd1d
	jitter := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) // #nosec G404 -- seeded replay, not security
	for k := 0; ; k++ {
		start := epoch.Add(time.Duration(k)*s.Period + s.Offset)
		if s.Jitter > 0 {
			start = start.Add(time.Duration(jitter.Int64N(int64(s.Jitter))))
		}
		if !w.m.Clock.Until(ctx, start, nil) {
			return nil
		}
		if k > 0 {
			w.collect()
			next, err := handOver(w.m.Detector(), cfg)
			if err != nil {
				return err
			}
			w.m.SetDetector(next)
		}
		w.res.Runs++
		w.m.Gate, w.m.Rounds = monitor.NewGate(0), &monitor.Rounds{}
		runCtx, stop := context.WithCancel(ctx)
		w.stops = append(w.stops, stop) // the last run may outlive this process: it ends with the clock
		w.m.Clock.Go(func() { w.m.Run(runCtx, interval, comps, w.prober) })
		if !w.m.Clock.Until(ctx, start.Add(s.Run), nil) {
			return nil
		}
		stop()
	}
}
