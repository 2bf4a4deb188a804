// Package replay runs the detector over a scenario's outcome stream in virtual time (a week in
// seconds) and scores it against the scenario's ground truth: per phase and component, the
// time to detect, the severity reached and the recovery lag; in healthy time, false alarms.
package replay

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
)

// DefaultComponents are what the monitor probes by default; a scenario's own components are
// added to them.
var DefaultComponents = []string{"chat", "chat_stream", "models"}

// Confirmations is how many confirmation probes the monitor sends after a regular probe of a
// component in doubt (detect.ConfirmEvery apart): the module's default.
const Confirmations = detect.DefaultConfirmations

// Grace is how long after a phase ends its detection and recovery still count to it.
const Grace = 5 * time.Minute

// Result is one scenario's score. The JSON keys are a contract (README, issue 3).
type Result struct {
	Scenario       string     `json:"scenario"`
	ProbeIntervalS float64    `json:"probe_interval_s"`
	Components     []string   `json:"components"`
	Phases         []PhaseRow `json:"phases"`
	FalseAlarms    int        `json:"false_alarms"`
	FalseAlarmS    float64    `json:"false_alarm_s"`
	Incidents      int        `json:"incidents"`
	Observations   int        `json:"observations"`
	// Confirmations is how many of the observations were confirmation probes; Skipped how many
	// probes the politeness gate held back (a failure streak's backoff, a Retry-After), as the
	// monitor does.
	Confirmations int `json:"confirmations"`
	Skipped       int `json:"skipped"`
	// Runs is how many consecutive runs the replay was chopped into (0: one continuous run),
	// handing the detector's state file from each to the next.
	Runs int `json:"runs,omitempty"`
	// IncidentList is every incident, as the last run that saw it left it.
	IncidentList []detect.Incident `json:"incident_list,omitempty"`
}

// PhaseRow scores one component in one phase.
type PhaseRow struct {
	Component    string   `json:"component"`
	Truth        string   `json:"truth"`
	StartS       float64  `json:"start_s"`
	EndS         float64  `json:"end_s"`
	DetectedS    *float64 `json:"detected_s"`
	TTDS         *float64 `json:"ttd_s"`
	Severity     string   `json:"severity"`
	RecoveryLagS *float64 `json:"recovery_lag_s"`
	Transitions  int      `json:"transitions"`
	Local        string   `json:"local,omitempty"` // what the verdict blamed on your side mid-phase
	// OfficialAckS is when the status page acknowledged the incident we detected (scenario
	// seconds), LeadS how long before that we detected it.
	OfficialAckS *float64 `json:"official_ack_s,omitempty"`
	LeadS        *float64 `json:"detection_lead_s,omitempty"`
}

// epoch anchors virtual time; any fixed instant would do.
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Run replays sc, probing components (nil: DefaultComponents plus the scenario's own) every
// interval (0: the scenario's probe interval), with a detector built from cfg.
func Run(sc *sim.Scenario, components []string, interval time.Duration, cfg detect.Config) Result {
	return RunConfirming(sc, components, interval, cfg, Confirmations)
}

// RunConfirming is Run with up to confirmations confirmation probes per round (0: none, as a
// script that calls probe() on its own schedule).
func RunConfirming(sc *sim.Scenario, components []string, interval time.Duration, cfg detect.Config, confirmations int) Result {
	return run(sc, components, interval, cfg, 0, true, confirmations)
}

// RunChained replays sc as consecutive runs of runLen each, the way a CI schedule runs the
// monitor: at each run's end the detector's state is saved as the state file's JSON, and the
// next run's fresh detector starts from it. It measures what chopping a monitor into short runs
// costs (with a complete state: nothing).
func RunChained(sc *sim.Scenario, components []string, interval time.Duration, cfg detect.Config, runLen time.Duration) (Result, error) {
	if runLen <= 0 {
		return Result{}, fmt.Errorf("run length %s must be positive", runLen)
	}
	var err error
	res := run(sc, components, interval, cfg, runLen, true, Confirmations, func(d *detect.Detector) *detect.Detector {
		next, herr := handOver(d, cfg)
		if herr != nil && err == nil {
			err = herr
		}
		return next
	})
	return res, err
}

// RunAmnesic replays sc as consecutive runs of runLen that each start from the priors, as a
// scheduled monitor without a state file does: the baseline of what memory is worth.
func RunAmnesic(sc *sim.Scenario, components []string, interval time.Duration, cfg detect.Config, runLen time.Duration) (Result, error) {
	if runLen <= 0 {
		return Result{}, fmt.Errorf("run length %s must be positive", runLen)
	}
	return run(sc, components, interval, cfg, runLen, false, Confirmations, func(*detect.Detector) *detect.Detector { return detect.New(cfg) }), nil
}

// handOver saves d's state as JSON and loads it into a new detector, as consecutive k6 runs do.
func handOver(d *detect.Detector, cfg detect.Config) (*detect.Detector, error) {
	b, err := json.Marshal(d.Save())
	if err != nil {
		return nil, fmt.Errorf("save detector state: %w", err)
	}
	var s detect.Saved
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("load detector state: %w", err)
	}
	next := detect.New(cfg)
	if err := next.Restore(s); err != nil {
		return nil, err
	}
	return next, nil
}

// run replays sc; with runLen > 0, handOff gives each next run its detector. remembers says
// whether an incident id seen in two runs is one incident (carried over) or two (amnesic runs
// reuse ids).
func run(sc *sim.Scenario, components []string, interval time.Duration, cfg detect.Config, runLen time.Duration,
	remembers bool, confirmations int, handOff ...func(*detect.Detector) *detect.Detector) Result {
	if interval <= 0 {
		interval = sc.ProbeInterval
	}
	if len(components) == 0 {
		components = Components(sc)
	}
	d := detect.New(cfg)
	res := Result{Scenario: sc.Name, ProbeIntervalS: interval.Seconds(), Components: components}
	seen := map[string]detect.Incident{}
	collect := func() {
		for _, in := range d.Incidents() {
			key := in.ID
			if !remembers {
				key = fmt.Sprintf("%d/%s", res.Runs, in.ID)
			}
			seen[key] = in
		}
	}
	nextRun := epoch.Add(runLen)
	tl := map[string]*timeline{}
	for _, c := range components {
		tl[c] = &timeline{state: detect.Operational}
	}
	mids := midpoints(sc)
	var local = map[int]string{}
	events := officialEvents(sc, components)
	gate := probe.NewGate(0) // the module's politeness: backoff on failure streaks, Retry-After
	pools := probe.Target{Model: "model"}
	skipped := map[string]bool{} // this round's regular probes the gate held back
	// feed observes o unless the gate holds it back; more is false once the replay must stop.
	feed := func(o sim.Outcome, confirmation bool) (sent, more bool) {
		at := epoch.Add(time.Duration(o.AtS * float64(time.Second)))
		comp := probe.Component(o.Component)
		admit := gate.Admit
		if confirmation {
			admit = gate.AdmitConfirmation
		}
		ticket, skip := admit(comp, pools.Pool(comp), at, 0)
		if skip != nil { // not sent, as live: no observation
			res.Skipped++
			return false, true
		}
		gate.Done(ticket, &probe.Result{OK: o.Class == classify.OK, Class: o.Class, Blame: o.Blame, RetryAfterMs: o.RetryAfterMs}, at)
		for runLen > 0 && !at.Before(nextRun) && len(handOff) > 0 {
			collect()
			d = handOff[0](d)
			nextRun = nextRun.Add(runLen)
			res.Runs++
		}
		if d == nil {
			return false, false
		}
		for len(events) > 0 && !events[0].At.After(at) {
			for _, t := range d.ObserveOfficial(events[0]) {
				tl[t.Component].add(t.At.Sub(epoch), t.To)
			}
			events = events[1:]
		}
		for len(mids) > 0 && !at.Before(mids[0].at) {
			if s := d.Snapshot(at); s.Local != nil {
				local[mids[0].phase] = string(s.Local.Blame) + ": " + string(s.Local.Class)
			}
			mids = mids[1:]
		}
		res.Observations++
		for _, t := range d.Observe(detect.Observation{At: at, Component: o.Component, Class: o.Class, Blame: o.Blame,
			TTFTMs: o.TTFTMs, ITLMs: o.ITLMs, TotalMs: o.TotalMs}) {
			tl[t.Component].add(t.At.Sub(epoch), t.To)
		}
		return true, true
	}
	extra := sc.Sampler()
	last := components[len(components)-1]
	sc.Outcomes(components, interval, func(o sim.Outcome) bool {
		sent, more := feed(o, false)
		if !more {
			return false
		}
		skipped[o.Component] = !sent
		if o.Component != last {
			return true
		}
		// The monitor's confirmation probes before the next round, as the module sends them:
		// for each component in doubt after its regular probe, up to confirmations more,
		// detect.ConfirmEvery apart, while it stays in doubt.
		round := time.Duration(o.AtS * float64(time.Second))
		var doubt []string
		for _, c := range components {
			if d != nil && !skipped[c] && d.WantsConfirmation("", c, epoch.Add(round)) {
				doubt = append(doubt, c)
			}
		}
		for k := 1; k <= confirmations && len(doubt) > 0; k++ {
			t := round + time.Duration(k)*detect.ConfirmEvery
			if t >= round+interval || t >= sc.Duration {
				break
			}
			still := doubt[:0]
			for _, c := range doubt {
				if d == nil || !d.WantsConfirmation("", c, epoch.Add(t)) {
					continue
				}
				sent, more := feed(extra.At(t, c), true)
				if !more {
					return false
				}
				if sent { // a held-back confirmation ends them for this round, as live
					still = append(still, c)
					res.Confirmations++
				}
			}
			doubt = still
		}
		return true
	})
	if d != nil {
		collect()
	}
	if runLen > 0 {
		res.Runs++
	}
	incidents := make([]detect.Incident, 0, len(seen))
	for _, in := range seen {
		incidents = append(incidents, in)
	}
	slices.SortFunc(incidents, func(a, b detect.Incident) int {
		return cmp.Or(a.DetectedAt.Compare(b.DetectedAt), cmp.Compare(a.ID, b.ID))
	})
	res.Incidents, res.IncidentList = len(incidents), incidents
	for i, ph := range sc.Phases {
		for _, c := range ph.Components {
			if tl[c] == nil {
				continue
			}
			row := score(tl[c], ph, adjacentAfter(sc, i, c))
			row.Component = c
			row.Local = local[i]
			official(&row, incidents, c)
			res.Phases = append(res.Phases, row)
		}
	}
	for _, c := range components {
		n, s := tl[c].falseAlarms(badWindows(sc, c), sc.Duration)
		res.FalseAlarms += n
		res.FalseAlarmS += s
	}
	return res
}

// Components is DefaultComponents plus every component the scenario's phases name.
func Components(sc *sim.Scenario) []string {
	out := slices.Clone(DefaultComponents)
	for _, ph := range sc.Phases {
		for _, c := range ph.Components {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

type mid struct {
	at    time.Time
	phase int
}

func midpoints(sc *sim.Scenario) []mid {
	var out []mid
	for i, ph := range sc.Phases {
		out = append(out, mid{epoch.Add((ph.At + ph.Until) / 2), i})
	}
	slices.SortFunc(out, func(a, b mid) int { return a.at.Compare(b.at) })
	return out
}

// adjacentAfter reports whether another phase of component c begins where phase i ends: then
// recovery is not measured at the end of phase i.
func adjacentAfter(sc *sim.Scenario, i int, c string) bool {
	for j, ph := range sc.Phases {
		if j != i && ph.At == sc.Phases[i].Until && slices.Contains(ph.Components, c) && ph.Truth != "operational" {
			return true
		}
	}
	return false
}

// badWindows are the stretches of c's truth away from operational, extended by Grace: alarms
// there are not false.
func badWindows(sc *sim.Scenario, c string) [][2]time.Duration {
	var out [][2]time.Duration
	for _, ph := range sc.Phases {
		if ph.Truth != "operational" && slices.Contains(ph.Components, c) {
			out = append(out, [2]time.Duration{ph.At, ph.Until + Grace})
		}
	}
	return out
}
