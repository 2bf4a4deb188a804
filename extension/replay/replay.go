// Package replay runs the monitor (package monitor, with a virtual clock) over a scenario's
// draws, a week in seconds, and scores it against the scenario's ground truth: per phase and
// component, the time to detect, the severity reached and the recovery lag; in healthy time,
// false alarms.
package replay

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/monitor"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
)

// DefaultComponents are what the monitor probes by default; a scenario's own components are
// added to them.
var DefaultComponents = []string{"chat", "chat_stream", "models"}

// Confirmations is how many confirmation probes the monitor sends after a regular probe of a
// component in doubt (monitor.ConfirmEvery apart): the module's default.
const Confirmations = monitor.DefaultConfirmations

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
	// Dominant is the state held longest between detection (or the phase's start, when an
	// earlier phase left the component away from operational: Carried) and the phase's end.
	Dominant string `json:"dominant_state,omitempty"`
	Carried  bool   `json:"carried,omitempty"`
	Local    string `json:"local,omitempty"` // what the verdict blamed on your side mid-phase
	// OfficialAckS is when the status page acknowledged the incident we detected (scenario
	// seconds), LeadS how long before that we detected it.
	OfficialAckS *float64 `json:"official_ack_s,omitempty"`
	LeadS        *float64 `json:"detection_lead_s,omitempty"`
}

// epoch anchors virtual time; any fixed instant would do.
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Run replays sc, probing components (nil: DefaultComponents plus the scenario's own) every
// interval (0: the scenario's probe interval), with a detector built from cfg.
func Run(sc *scenario.Scenario, components []string, interval time.Duration, cfg detect.Config) Result {
	return RunConfirming(sc, components, interval, cfg, Confirmations)
}

// RunConfirming is Run with up to confirmations confirmation probes per round (0: none, as a
// script that calls probe() on its own schedule).
func RunConfirming(sc *scenario.Scenario, components []string, interval time.Duration, cfg detect.Config, confirmations int) Result {
	return run(sc, components, interval, detect.New(cfg), 0, true, confirmations)
}

// RunChained replays sc as consecutive runs of runLen each, the way a CI schedule runs the
// monitor: at each run's end the detector's state is saved as the state file's JSON, and the
// next run's fresh detector starts from it. It measures what chopping a monitor into short runs
// costs (with a complete state: nothing).
func RunChained(sc *scenario.Scenario, components []string, interval time.Duration, cfg detect.Config, runLen time.Duration) (Result, error) {
	if runLen <= 0 {
		return Result{}, fmt.Errorf("run length %s must be positive", runLen)
	}
	var err error
	res := run(sc, components, interval, detect.New(cfg), runLen, true, Confirmations, func(d *detect.Detector) *detect.Detector {
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
func RunAmnesic(sc *scenario.Scenario, components []string, interval time.Duration, cfg detect.Config, runLen time.Duration) (Result, error) {
	if runLen <= 0 {
		return Result{}, fmt.Errorf("run length %s must be positive", runLen)
	}
	return run(sc, components, interval, detect.New(cfg), runLen, false, Confirmations, func(*detect.Detector) *detect.Detector { return detect.New(cfg) }), nil
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

// run replays sc through the monitor in virtual time, starting from det; with runLen > 0,
// handOff gives each next run its detector. remembers says whether an incident id seen in two runs is one incident
// (carried over) or two (amnesic runs reuse ids).
func run(sc *scenario.Scenario, components []string, interval time.Duration, det *detect.Detector, runLen time.Duration,
	remembers bool, confirmations int, handOff ...func(*detect.Detector) *detect.Detector) Result {
	if interval <= 0 {
		interval = sc.ProbeInterval
	}
	if len(components) == 0 {
		components = Components(sc)
	}
	clock := monitor.NewVirtual(epoch, epoch.Add(sc.Duration))
	m := monitor.New("", replayTarget, det)
	m.Clock, m.Rounds, m.Confirmations = clock, &monitor.Rounds{}, confirmations
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := newWorld(sc, m, components, cancel)
	w.res.ProbeIntervalS = interval.Seconds()
	w.remembers, w.runLen, w.nextRun = remembers, runLen, epoch.Add(runLen)
	if len(handOff) > 0 {
		w.handOff = handOff[0]
	}
	comps := make([]probe.Component, len(components))
	for i, c := range components {
		comps[i] = probe.Component(c)
	}
	clock.Go(func() { m.Run(ctx, interval, comps, w.prober) })
	clock.Run()
	return w.finish()
}

// Components is DefaultComponents plus every component the scenario's phases name.
func Components(sc *scenario.Scenario) []string {
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

func midpoints(sc *scenario.Scenario) []mid {
	var out []mid
	for i, ph := range sc.Phases {
		out = append(out, mid{epoch.Add((ph.At + ph.Until) / 2), i})
	}
	slices.SortFunc(out, func(a, b mid) int { return a.at.Compare(b.at) })
	return out
}

// adjacentAfter reports whether another phase of component c begins where phase i ends: then
// recovery is not measured at the end of phase i.
func adjacentAfter(sc *scenario.Scenario, i int, c string) bool {
	for j, ph := range sc.Phases {
		if j != i && ph.At == sc.Phases[i].Until && slices.Contains(ph.Components, c) && ph.Truth != "operational" {
			return true
		}
	}
	return false
}

// badWindows are the stretches of c's truth away from operational, extended by Grace: alarms
// there are not false.
func badWindows(sc *scenario.Scenario, c string) [][2]time.Duration {
	var out [][2]time.Duration
	for _, ph := range sc.Phases {
		if ph.Truth != "operational" && slices.Contains(ph.Components, c) {
			out = append(out, [2]time.Duration{ph.At, ph.Until + Grace})
		}
	}
	return out
}
