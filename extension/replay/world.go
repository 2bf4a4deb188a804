package replay

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/monitor"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
)

// replayTarget is the target a replayed monitor probes, for its rate-limit pools (the
// components spending the model's tokens share one): OpenAI's default model. Replay spends
// nothing, so its costs never hold a probe back.
var replayTarget = &probe.Target{Provider: probe.OpenAI, Model: "gpt-4o-mini"}

// world is the scenario as the monitor's prober: each probe meets what the scenario draws
// for it, and what the monitor makes of it is written down for scoring. It also plays
// what happens between probes: the official page's entries, the midpoint looks at the verdict
// and, for chained runs, the hand-over of the state file at each run's end.
type world struct {
	sc      *scenario.Scenario
	m       *monitor.Monitor
	regular *scenario.Sampler                 // the schedule's probes, drawn at each round's start
	extra   *scenario.Sampler                 // confirmation probes, a stream of their own
	drawn   map[probe.Component]scenario.Draw // this round's regular draws
	res     Result
	tl      map[string]*timeline
	events  []detect.Official
	mids    []mid
	local   map[int]string
	seen    map[string]detect.Incident
	stop    context.CancelFunc
	stopped bool
	stops   []context.CancelFunc // a scheduled replay's runs

	remembers bool
	runLen    time.Duration
	nextRun   time.Time
	handOff   func(*detect.Detector) *detect.Detector
}

func newWorld(sc *scenario.Scenario, m *monitor.Monitor, components []string, stop context.CancelFunc) *world {
	w := &world{sc: sc, m: m, regular: sc.Regular(), extra: sc.Sampler(), drawn: map[probe.Component]scenario.Draw{},
		res: Result{Scenario: sc.Name, Components: components}, tl: map[string]*timeline{}, mids: midpoints(sc),
		local: map[int]string{}, seen: map[string]detect.Incident{}, events: officialEvents(sc, components), stop: stop}
	for _, c := range components {
		w.tl[c] = &timeline{state: detect.Operational}
	}
	return w
}

// prober makes the regular draw of c for the round at at: every round draws every
// component's, sent or held back, so the stream does not depend on the gate.
func (w *world) prober(at time.Time, c probe.Component) monitor.Prober {
	w.drawn[c] = w.regular.At(at.Sub(epoch), string(c))
	return w
}

// Send is a probe meeting the scenario's draw.
func (w *world) Send(_ context.Context, c probe.Component, confirmation bool) *probe.Result {
	at := w.m.Clock.Now()
	o := w.drawn[c]
	if confirmation {
		o = w.extra.At(at.Sub(epoch), string(c))
	}
	if !w.catchUp(at) {
		return &probe.Result{Component: c, Aborted: true}
	}
	w.res.Observations++
	if confirmation {
		w.res.Confirmations++
	}
	return drawResult(c, o)
}

// drawResult is the probe result of meeting draw o: its fault classified from the simulator's
// bytes, its timings as drawn.
func drawResult(c probe.Component, o scenario.Draw) *probe.Result {
	cl := judge(o.Fault)
	return &probe.Result{Component: c, OK: cl.Class == classify.OK, Class: cl.Class, Blame: cl.Blame, RetryAfterMs: cl.RetryAfterMs,
		Timings: probe.Timings{TTFT: o.TTFTMs, ITL: o.ITLMs, Total: o.TotalMs}}
}

// Skipped counts a probe the gate held back. A held-back confirmation is drawn too,
// so the confirmation stream does not depend on the gate either.
func (w *world) Skipped(r *probe.Result) {
	w.res.Skipped++
	if r.Confirmation {
		w.extra.At(w.m.Clock.Now().Sub(epoch), string(r.Component))
	}
}

// Observed writes down the state changes.
func (w *world) Observed(_ *probe.Result, v monitor.View) { w.record(v) }

func (w *world) record(v monitor.View) {
	for _, t := range v.Changes {
		w.tl[t.Component].add(t.At.Sub(epoch), t.To)
	}
}

// catchUp plays what happened up to at, before the probe at at is observed: run boundaries,
// the official page's entries and the midpoint looks. It reports false once the replay must
// stop (a hand-over failed).
func (w *world) catchUp(at time.Time) bool {
	for w.runLen > 0 && !at.Before(w.nextRun) && w.handOff != nil && !w.stopped {
		w.collect()
		if next := w.handOff(w.m.Detector()); next != nil {
			w.m.SetDetector(next)
		} else {
			w.stopped = true
			w.stop()
		}
		w.nextRun = w.nextRun.Add(w.runLen)
		w.res.Runs++
	}
	if w.stopped {
		return false
	}
	for len(w.events) > 0 && !w.events[0].At.After(at) {
		w.record(w.m.ObserveOfficial(w.events[0]))
		w.events = w.events[1:]
	}
	for len(w.mids) > 0 && !at.Before(w.mids[0].at) {
		if s := w.m.Detector().Snapshot(at); s.Local != nil {
			w.local[w.mids[0].phase] = string(s.Local.Blame) + ": " + string(s.Local.Class)
		}
		w.mids = w.mids[1:]
	}
	return true
}

// collect keeps every incident the current run's detector knows.
func (w *world) collect() {
	for _, in := range w.m.Detector().Incidents() {
		if in.DetectedAt.Before(epoch) { // opened in a replay's history (history.go)
			continue
		}
		key := in.ID
		if !w.remembers {
			key = fmt.Sprintf("%d/%s", w.res.Runs, in.ID)
		}
		w.seen[key] = in
	}
}

// finish scores the replay against the scenario's ground truth.
func (w *world) finish() Result {
	res, sc := &w.res, w.sc
	if !w.stopped {
		w.collect()
	}
	if w.runLen > 0 {
		res.Runs++
	}
	incidents := make([]detect.Incident, 0, len(w.seen))
	for _, in := range w.seen {
		incidents = append(incidents, in)
	}
	slices.SortFunc(incidents, func(a, b detect.Incident) int {
		return cmp.Or(a.DetectedAt.Compare(b.DetectedAt), cmp.Compare(a.ID, b.ID))
	})
	res.Incidents, res.IncidentList = len(incidents), incidents
	for i, ph := range sc.Phases {
		for _, c := range ph.Components {
			if w.tl[c] == nil {
				continue
			}
			row := score(w.tl[c], ph, adjacentAfter(sc, i, c))
			row.Component = c
			row.Local = w.local[i]
			official(&row, incidents, c)
			res.Phases = append(res.Phases, row)
		}
	}
	for _, c := range res.Components {
		n, s := w.tl[c].falseAlarms(badWindows(sc, c), sc.Duration)
		res.FalseAlarms += n
		res.FalseAlarmS += s
	}
	return *res
}
