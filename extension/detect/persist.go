package detect

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// Memory across runs: a scheduled run lasts minutes, so the detector's whole state (learned
// baselines, the evidence of the tests, open incidents) is saved at the end of a run and loaded
// at the start of the next. The saved form is complete: runs chained through it detect exactly
// what one continuous run would. The JSON keys are the state file's schema (README).

// StateKind marks a file as a detector state; StateVersion is its schema version. A file of
// another kind, or of a newer version, is refused rather than guessed at.
const (
	StateKind    = "xk6-chatgpt/detector-state"
	StateVersion = 1
)

// Saved is the detector's memory.
type Saved struct {
	Kind    string `json:"kind"`
	Version int    `json:"version"`
	// LastObservation is the newest observation's time: the state's age is measured from it
	// (the detector has no clock).
	LastObservation time.Time        `json:"last_observation"`
	Seq             int              `json:"incident_seq"` // incident ids continue from it
	Components      []SavedComponent `json:"components"`
}

// SavedComponent is one component's memory.
type SavedComponent struct {
	Target          string          `json:"target,omitempty"`
	Component       string          `json:"component"`
	State           State           `json:"state"`
	Since           time.Time       `json:"since,omitzero"`
	LastObservation time.Time       `json:"last_observation,omitzero"`
	Observations    int             `json:"observations"`
	Failures        int             `json:"failures"`
	TTFTEWMA        float64         `json:"ttft_ewma_ms"`
	ErrorRate       SavedErrorTest  `json:"error_rate"`
	Latency         SavedLatency    `json:"latency"`
	Answers         *SavedTail      `json:"wrong_answers,omitempty"` // the wrong-answer test, while it has evidence
	Evidence        *SavedSightings `json:"evidence,omitempty"`      // the latest observations, for an incident they may open
	Official        SavedOfficial   `json:"official"`
	// OpenIncident is the incident in progress; LastIncident the latest resolved one, kept so
	// that a relapse soon after recovery reopens it rather than counting a new one.
	OpenIncident *Incident `json:"open_incident,omitempty"`
	LastIncident *Incident `json:"last_incident,omitempty"`
	// The outage's own failure count, for the recovery test.
	OutageObs       int            `json:"outage_observations"`
	OutageFails     int            `json:"outage_failures"`
	SinceFail       int            `json:"since_failure"`
	RunClasses      map[string]int `json:"run_classes,omitempty"`
	RecentBlames    []string       `json:"recent_blames"` // ring of the last observations
	RecentClasses   []string       `json:"recent_classes"`
	RecentN         int            `json:"recent_n"`
	LatencyRunStart time.Time      `json:"latency_run_start,omitzero"`
	TruthSince      time.Time      `json:"truth_since,omitzero"` // a simulator's start of the current trouble
	EverOK          bool           `json:"ever_ok,omitempty"`
	OKSinceAuth     bool           `json:"ok_since_auth_failure,omitempty"`
}

// SavedErrorTest is the error-rate test: its learned baseline (failures out of observations,
// decayed) and the evidence of its onset and recovery tests.
type SavedErrorTest struct {
	Fails     float64   `json:"baseline_failures"`
	N         float64   `json:"baseline_observations"`
	Score     float64   `json:"onset_score"`
	RunFails  int       `json:"run_failures"`
	RunObs    int       `json:"run_observations"`
	RunStart  time.Time `json:"run_start,omitzero"`
	Anchor    time.Time `json:"anchor,omitzero"`
	Late      float64   `json:"late_score,omitempty"`
	LateFail  int       `json:"late_failures,omitempty"`
	LastFail  time.Time `json:"last_failure,omitzero"`
	SevUp     float64   `json:"severity_major_score,omitempty"`
	SevDown   float64   `json:"severity_partial_score,omitempty"`
	SevMajor  time.Time `json:"severity_major_at,omitzero"`
	SevStrong time.Time `json:"severity_strong_at,omitzero"`
	Recovery  float64   `json:"recovery_score"`
	Streak    int       `json:"success_streak"`
	Recent    []int8    `json:"recent"`
	RecentN   int       `json:"recent_n"`
	LongFails float64   `json:"long_baseline_failures,omitempty"`
	LongN     float64   `json:"long_baseline_observations,omitempty"`
	Low       float64   `json:"low_rate_score,omitempty"`
	LowFails  int       `json:"low_rate_failures,omitempty"`
	LowStart  time.Time `json:"low_rate_start,omitzero"`
	LowLast   time.Time `json:"low_rate_last,omitzero"`
	LowOpen   bool      `json:"low_rate_outage,omitempty"`
	LowObs    int       `json:"low_rate_observations,omitempty"`
	Blipped   bool      `json:"run_held_blip,omitempty"`
}

// SavedLatency is the latency test: each metric's baseline and the test's evidence.
type SavedLatency struct {
	TTFT     SavedMetric `json:"ttft"`
	ITL      SavedMetric `json:"itl"`
	Total    SavedMetric `json:"total"`
	Score    float64     `json:"onset_score"`
	Recovery float64     `json:"recovery_score"`
	Ratio    float64     `json:"ratio"`
	Tail     SavedTail   `json:"tail"`
}

// SavedTail is the heavy-tail test's evidence.
type SavedTail struct {
	Score float64   `json:"score"`
	Quiet int       `json:"quiet"`
	Last  time.Time `json:"last,omitzero"`
	Start time.Time `json:"start,omitzero"`
}

// SavedMetric is one latency baseline: the newest healthy samples (natural log of ms, a ring),
// the median and spread computed from them, and the hour-of-day baselines.
type SavedMetric struct {
	Prior   Baseline        `json:"prior"`
	Samples []float64       `json:"log_ms"`
	Next    int             `json:"next"`
	Median  float64         `json:"log_median"`
	Sigma   float64         `json:"log_sigma"`
	Stale   int             `json:"stale"`
	Hours   []SavedHourStat `json:"hours,omitempty"`
}

// SavedOfficial is the status page's latest word on the component.
type SavedOfficial struct {
	State    State     `json:"state,omitempty"`
	AckAt    time.Time `json:"ack_at,omitzero"`
	Incident string    `json:"incident,omitempty"`
	Seen     time.Time `json:"seen,omitzero"`
}

// Save returns the detector's memory.
func (d *Detector) Save() Saved {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := Saved{Kind: StateKind, Version: StateVersion, Seq: d.seq}
	// In the order first seen, not sorted: Restore rebuilds that order, and the state machine
	// visits components in it, so incidents that open on the same observation get the same ids
	// as in a run that never stopped.
	for _, c := range d.comps {
		if c.last.After(s.LastObservation) {
			s.LastObservation = c.last
		}
		s.Components = append(s.Components, c.save())
	}
	return s
}

func (c *component) save() SavedComponent {
	sc := SavedComponent{Target: c.target, Component: c.name, State: c.state, Since: c.since, LastObservation: c.last,
		Observations: c.obs, Failures: c.failures, TTFTEWMA: c.ttft, OutageObs: c.incObs, OutageFails: c.incFails,
		SinceFail: c.sinceFail, RecentN: c.nb, LatencyRunStart: c.latRunStart, TruthSince: c.truthSince, EverOK: c.everOK, OKSinceAuth: c.okSinceAuth,
		Official: SavedOfficial{State: c.official.state, AckAt: c.official.ackAt, Incident: c.official.incident, Seen: c.official.seen}}
	if len(c.runClasses) > 0 {
		sc.RunClasses = maps(c.runClasses)
	}
	for i := range window {
		sc.RecentBlames = append(sc.RecentBlames, string(c.blames[i]))
		sc.RecentClasses = append(sc.RecentClasses, string(c.classes[i]))
	}
	e := &c.err
	sc.ErrorRate = SavedErrorTest{Fails: e.fails, N: e.n, Score: e.score, RunFails: e.runFails, RunObs: e.runObs,
		RunStart: e.runStart, Anchor: e.anchor, Late: e.late, LateFail: e.lateFail, LastFail: e.lastFail, SevUp: e.sev.up, SevDown: e.sev.down, SevMajor: e.sev.lastMajor, SevStrong: e.sev.lastStrong, Recovery: e.recovery, Streak: e.streak, Recent: slices.Clone(e.recent[:]),
		RecentN: e.nRecent, LongFails: e.longFails, LongN: e.longN, Low: e.low, LowFails: e.lowFails, LowStart: e.lowStart, LowLast: e.lowLast, LowOpen: e.lowOpen, LowObs: e.lowObs, Blipped: e.blipped}
	l := &c.lat
	sc.Latency = SavedLatency{TTFT: l.ttft.save(), ITL: l.itl.save(), Total: l.total.save(), Score: l.score,
		Recovery: l.recovery, Ratio: l.ratio, Tail: SavedTail{Score: l.tail.score, Quiet: l.tail.quiet, Last: l.tail.last, Start: l.tail.start}}
	sc.Evidence = c.saveSightings()
	if a := c.answers; a.score > 0 {
		sc.Answers = &SavedTail{Score: a.score, Start: a.start}
	}
	if c.inc != nil {
		in := c.inc.clone()
		sc.OpenIncident = &in
	}
	if c.lastInc != nil && c.lastInc != c.inc {
		in := c.lastInc.clone()
		sc.LastIncident = &in
	}
	return sc
}

func (m *metric) save() SavedMetric {
	return SavedMetric{Prior: m.prior, Samples: slices.Clone(m.samples), Next: m.next, Median: m.med, Sigma: m.sigma,
		Stale: m.stale, Hours: m.saveHours()}
}

func maps(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Restore loads saved memory into a detector that has seen nothing yet. The state is checked
// first: a file that is not ours, of a newer version, or inconsistent is refused whole with an
// error saying why, and the detector keeps its priors.
func (d *Detector) Restore(s Saved) error {
	if err := s.Validate(); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.comps) > 0 {
		return fmt.Errorf("restore detector state: the detector has already observed %d components", len(d.comps))
	}
	d.seq = s.Seq
	for _, sc := range s.Components {
		c := newComponent(sc.Target, sc.Component, d.cfg.Priors)
		c.restore(sc)
		d.comps = append(d.comps, c)
		if c.inc != nil {
			d.incidents = append(d.incidents, c.inc)
		}
	}
	return nil
}

func (c *component) restore(sc SavedComponent) {
	c.state, c.since, c.last, c.obs, c.failures, c.ttft = sc.State, sc.Since, sc.LastObservation, sc.Observations, sc.Failures, sc.TTFTEWMA
	c.incObs, c.incFails, c.sinceFail, c.nb, c.latRunStart = sc.OutageObs, sc.OutageFails, sc.SinceFail, sc.RecentN, sc.LatencyRunStart
	c.truthSince, c.everOK, c.okSinceAuth = sc.TruthSince, sc.EverOK, sc.OKSinceAuth
	if sc.RunClasses != nil {
		c.runClasses = maps(sc.RunClasses)
	}
	for i := range window {
		c.blames[i], c.classes[i] = classify.Blame(sc.RecentBlames[i]), classify.Class(sc.RecentClasses[i])
	}
	o := sc.Official
	c.official = officialView{state: o.State, ackAt: o.AckAt, incident: o.Incident, seen: o.Seen}
	e := sc.ErrorRate
	c.err = errorTest{fails: e.Fails, n: e.N, score: e.Score, runFails: e.RunFails, runObs: e.RunObs, runStart: e.RunStart,
		anchor: e.Anchor, late: e.Late, lateFail: e.LateFail, lastFail: e.LastFail, sev: severityTest{up: e.SevUp, down: e.SevDown, lastMajor: e.SevMajor, lastStrong: e.SevStrong}, recovery: e.Recovery, streak: e.Streak, nRecent: e.RecentN}
	copy(c.err.recent[:], e.Recent)
	c.err.low, c.err.lowFails, c.err.lowStart, c.err.lowLast, c.err.lowOpen, c.err.lowObs = e.Low, e.LowFails, e.LowStart, e.LowLast, e.LowOpen, e.LowObs
	c.err.blipped = e.Blipped
	c.err.longFails, c.err.longN = e.LongFails, e.LongN
	if c.err.longN <= 0 { // a state saved before the long-memory baseline: start it from the learned one
		c.err.longFails, c.err.longN = e.Fails*longPseudo/max(e.N, 1), longPseudo
	}
	if c.state == Major && e.SevUp == 0 { // a state saved before the severity test: major as of its last failure
		c.err.sev = severityTest{up: sevThreshold, lastMajor: e.LastFail, lastStrong: e.LastFail}
	}
	l := sc.Latency
	c.lat = latencyTest{ttft: restoreMetric(l.TTFT), itl: restoreMetric(l.ITL), total: restoreMetric(l.Total), score: l.Score,
		recovery: l.Recovery, ratio: l.Ratio, tail: tailTest{score: l.Tail.Score, quiet: l.Tail.Quiet, last: l.Tail.Last, start: l.Tail.Start}}
	c.restoreSightings(sc.Evidence)
	if a := sc.Answers; a != nil {
		c.answers = answerTest{score: min(max(a.Score, 0), answerThreshold), start: a.Start}
	}
	if sc.OpenIncident != nil {
		in := sc.OpenIncident.clone()
		in.Evidence = in.Evidence.bounded()
		c.inc, c.lastInc = &in, &in
	}
	if sc.LastIncident != nil {
		in := sc.LastIncident.clone()
		in.Evidence = in.Evidence.bounded()
		c.lastInc = &in
	}
}

func restoreMetric(s SavedMetric) metric {
	m := metric{prior: s.Prior, samples: slices.Clone(s.Samples), next: s.Next, med: s.Median, sigma: s.Sigma, stale: s.Stale}
	m.restoreHours(s.Hours)
	return m
}

// Validate checks that s is a detector state this version understands and that its numbers
// are sane, so a damaged file can never become a silently wrong baseline.
func (s Saved) Validate() error {
	switch {
	case s.Kind != StateKind:
		return fmt.Errorf("not a detector state file (kind %q, want %q)", s.Kind, StateKind)
	case s.Version > StateVersion:
		return fmt.Errorf("detector state version %d is newer than this build understands (%d): upgrade xk6-chatgpt or remove the file", s.Version, StateVersion)
	case s.Version < 1:
		return fmt.Errorf("detector state version %d is not valid", s.Version)
	case s.Seq < 0:
		return fmt.Errorf("detector state: negative incident sequence %d", s.Seq)
	}
	seen := map[[2]string]bool{}
	for i, c := range s.Components {
		if err := c.validate(); err != nil {
			return fmt.Errorf("detector state, component %d (%s/%s): %w", i, c.Target, c.Component, err)
		}
		key := [2]string{c.Target, c.Component}
		if seen[key] {
			return fmt.Errorf("detector state: component %s/%s appears twice", c.Target, c.Component)
		}
		seen[key] = true
	}
	return nil
}

func (c SavedComponent) validate() error {
	finite := func(vs ...float64) bool {
		for _, v := range vs {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return false
			}
		}
		return true
	}
	e, l := c.ErrorRate, c.Latency
	switch {
	case c.Component == "":
		return fmt.Errorf("no component name")
	case !knownState(c.State) || c.Official.State != "" && !knownState(c.Official.State):
		return fmt.Errorf("unknown state %q", c.State)
	case len(c.RecentBlames) != window || len(c.RecentClasses) != window || len(e.Recent) != window:
		return fmt.Errorf("recent observations must hold %d entries", window)
	case c.Observations < 0 || c.Failures < 0 || c.RecentN < 0 || e.RecentN < 0 || e.RunObs < 0 || e.RunFails < 0 ||
		e.Streak < 0 || c.OutageObs < 0 || c.OutageFails < 0 || c.SinceFail < 0:
		return fmt.Errorf("negative count")
	case !finite(e.Fails, e.N, e.Score, e.SevUp, e.SevDown, e.Recovery, l.Score, l.Recovery, l.Ratio, c.TTFTEWMA, l.Tail.Score, e.Low, e.LongFails, e.LongN) || l.Tail.Score < 0 || e.LongN < 0 || e.LongFails > e.LongN || e.Low < 0 || e.LowFails < 0 || e.LowObs < 0 || l.Tail.Quiet < 0 || e.N <= 0 || e.Fails > e.N:
		return fmt.Errorf("error-rate or latency test out of range")
	case c.Answers != nil && !finite(c.Answers.Score):
		return fmt.Errorf("wrong-answer test out of range")
	case c.OpenIncident != nil && c.OpenIncident.ResolvedAt != nil:
		return fmt.Errorf("open incident %s has a resolution time", c.OpenIncident.ID)
	case c.OpenIncident != nil && !c.State.Down() && c.State != Degraded:
		return fmt.Errorf("open incident %s on a component in state %s", c.OpenIncident.ID, c.State)
	}
	for _, m := range []SavedMetric{l.TTFT, l.ITL, l.Total} {
		if err := m.validate(); err != nil {
			return err
		}
	}
	return nil
}

func (m SavedMetric) validate() error {
	if len(m.Samples) > maxLearn || m.Next < 0 || m.Next >= maxLearn || m.Stale < 0 ||
		math.IsNaN(m.Median) || math.IsInf(m.Median, 0) || !(m.Sigma >= minSigma) || math.IsInf(m.Sigma, 0) {
		return fmt.Errorf("latency baseline out of range")
	}
	for _, x := range m.Samples {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("latency sample not a number")
		}
	}
	return validateHours(m.Hours)
}

func knownState(s State) bool {
	switch s {
	case Operational, Maintenance, Degraded, Partial, Major:
		return true
	}
	return false
}
