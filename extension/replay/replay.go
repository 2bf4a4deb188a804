// Package replay runs the detector over a scenario's outcome stream in virtual time (a week in
// seconds) and scores it against the scenario's ground truth: per phase and component, the
// time to detect, the severity reached and the recovery lag; in healthy time, false alarms.
package replay

import (
	"slices"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
)

// DefaultComponents are what the monitor probes by default; a scenario's own components are
// added to them.
var DefaultComponents = []string{"chat", "chat_stream", "models"}

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
	if interval <= 0 {
		interval = sc.ProbeInterval
	}
	if len(components) == 0 {
		components = Components(sc)
	}
	d := detect.New(cfg)
	res := Result{Scenario: sc.Name, ProbeIntervalS: interval.Seconds(), Components: components}
	tl := map[string]*timeline{}
	for _, c := range components {
		tl[c] = &timeline{state: detect.Operational}
	}
	mids := midpoints(sc)
	var local = map[int]string{}
	events := officialEvents(sc, components)
	sc.Outcomes(components, interval, func(o sim.Outcome) bool {
		at := epoch.Add(time.Duration(o.AtS * float64(time.Second)))
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
		return true
	})
	incidents := d.Incidents()
	res.Incidents = len(incidents)
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
