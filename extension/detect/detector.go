package detect

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// Detector holds every component's tests and incidents. It is safe for concurrent use: all
// VUs of a run feed one detector.
type Detector struct {
	mu        sync.Mutex
	cfg       Config
	base      Config // cfg at speed 1
	comps     []*component
	incidents []*Incident
	seq       int

	blips  []Blip // the newest, at most maxBlips
	nBlips int    // all recorded

	alternatives map[string]bool // targets that are fallbacks for the others
	memory       *Memory         // where the baselines came from (nil: not said)
	priors       map[string]Priors
}

// SetPriors makes target's new components start from p instead of the configured priors.
func (d *Detector) SetPriors(target string, p Priors) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.priors == nil {
		d.priors = map[string]Priors{}
	}
	d.priors[target] = p
}

// New returns a detector starting from cfg's priors.
func New(cfg Config) *Detector {
	c := cfg.withDefaults()
	return &Detector{cfg: c, base: c}
}

// Config is the detector's configuration, defaults filled in (and durations scaled by SetSpeed).
func (d *Detector) Config() Config {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cfg
}

// SetSpeed makes the detector's durations (Persist, ConfirmFor, Reopen, …) speed times shorter:
// for a rehearsal against a simulator that runs its scenario speed times faster than real
// time, so that a minute of scenario is still a minute to the detector. Speeds of 1 or less
// restore them.
func (d *Detector) SetSpeed(speed float64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	speed = max(speed, 1)
	scale := func(v time.Duration) time.Duration { return time.Duration(float64(v) / speed) }
	d.cfg.Persist, d.cfg.ConfirmFor, d.cfg.Reopen = scale(d.base.Persist), scale(d.base.ConfirmFor), scale(d.base.Reopen)
	d.cfg.MinOutage, d.cfg.LowPersist, d.cfg.MajorHold = scale(d.base.MinOutage), scale(d.base.LowPersist), scale(d.base.MajorHold)
}

// find is the component, or nil when it has not been observed.
func (d *Detector) find(target, name string) *component {
	for _, c := range d.comps {
		if c.target == target && c.name == name {
			return c
		}
	}
	return nil
}

func (d *Detector) component(target, name string) *component {
	if c := d.find(target, name); c != nil {
		return c
	}
	p, ok := d.priors[target]
	if !ok {
		p = d.cfg.Priors
	}
	c := newComponent(target, name, p)
	d.comps = append(d.comps, c)
	return c
}

// Observe feeds one observation and returns the state changes it caused (of any component of
// its target: corroborating evidence can confirm a sibling's outage).
func (d *Detector) Observe(o Observation) []Transition {
	d.mu.Lock()
	defer d.mu.Unlock()
	o.outage = o.Class == classify.WrongAnswer && d.siblingDown(o.Target, o.Component)
	d.component(o.Target, o.Component).observe(o, &d.cfg)
	var out []Transition
	for _, c := range d.comps {
		if c.target == o.Target {
			out = append(out, d.step(c, o.At)...)
		}
	}
	return out
}

// WantsConfirmation reports whether a component would gain from extra probes between the
// regular ones at time at: it failed within ConfirmFor and is not yet in an outage, or it is
// in an outage and its latest probe succeeded. A partial outage is told from a blip by how long
// it lasts, and from the background rate by how many failures it shows, so sampling faster
// while in doubt confirms it sooner without raising the false-alarm rate; and recovery needs a
// run of successes, which faster sampling collects sooner.
func (d *Detector) WantsConfirmation(target, component string, at time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.find(target, component)
	switch {
	case c == nil || c.state == Maintenance:
		return false
	case c.state.Down(): // in doubt whether it is coming back, or whether a partial outage is major
		return c.err.streak >= 1 || (c.state == Partial && c.err.sev.up >= sevLean)
	case c.state == Degraded && c.lat.tail.score > 0: // stalls: are they over?
		return c.lat.tail.quiet >= 1
	}
	recent := func(t time.Time) bool { return !t.IsZero() && at.Sub(t) <= d.cfg.ConfirmFor }
	return recent(c.err.lastFail) || recent(c.lat.tail.last)
}

// State is the current state of a component ("" target for the default one).
func (d *Detector) State(target, component string) State {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c := d.find(target, component); c != nil {
		return c.state
	}
	return Operational
}

// pooled is the summed onset evidence of the target's components whose current run is
// persistent or hard enough to be pooled, and how many they are.
func (d *Detector) pooled(target string) (sum float64, n int) {
	for _, c := range d.comps {
		if c.target == target && d.poolable(c) {
			sum += c.err.score
			n++
		}
	}
	return sum, n
}

// poolable reports whether c's evidence may be pooled with its siblings': its run persisted
// or looks hard, or it has two failures, dense ones, that began together with a sibling's
// outage (which has persisted, so this is no blip).
func (d *Detector) poolable(c *component) bool {
	e := &c.err
	switch {
	case e.score <= 0:
		return false
	case c.state.Down() || e.persistent(d.cfg.PartialAlt) || e.hard(d.cfg.HardPooled, d.cfg.HardPooledShare, d.cfg.MinOutage):
		return true
	case e.runFails < 2 || 3*e.runFails < e.runObs: // the background rate's failures are sparser
		return false
	}
	return d.partner(c, false) != nil
}

// partner is a sibling of c already down (major, if major is set) whose outage started within
// togetherPersists×Persist of c's current run: the same event.
func (d *Detector) partner(c *component, major bool) *component {
	for _, s := range d.comps {
		if s != c && s.target == c.target && s.state.Down() && (!major || s.state == Major) && s.inc != nil &&
			c.err.runStart.Sub(s.inc.StartedAt).Abs() <= togetherPersists*d.cfg.Persist {
			return s
		}
	}
	return nil
}

// hardRun reports whether c's current run of failures looks like a hard outage: alone, or
// failing with a partner already in a major outage.
func (d *Detector) hardRun(c *component) bool {
	cfg := &d.cfg
	if c.err.hard(cfg.HardFailures, cfg.HardShare, cfg.MinOutage) {
		return true
	}
	return d.partner(c, true) != nil && c.err.hard(cfg.HardPooled, cfg.HardPooledShare, cfg.MinOutage)
}

// togetherPersists is how close, in Config.Persist, two components' troubles must start to be
// one event.
const togetherPersists = 3

// step runs c's state machine after new evidence at time at.
func (d *Detector) step(c *component, at time.Time) []Transition {
	cfg := &d.cfg
	from := c.state
	if from == Maintenance {
		return nil // declared by the page; ObserveOfficial ends it
	}
	switch {
	case !c.state.Down():
		alarm := c.err.score >= cfg.SingleThreshold && c.err.runFails >= cfg.MinFailures &&
			((c.err.persistent(cfg.PartialAlt) && !c.err.youngBurst(cfg.MinOutage)) ||
				c.err.hard(cfg.HardFailures, cfg.HardPooledShare, cfg.MinOutage))
		pooled := false
		if !alarm && d.poolable(c) {
			sum, n := d.pooled(c.target)
			alarm = n >= 2 && sum >= cfg.PooledThreshold
			pooled = alarm
		}
		low := !alarm && c.err.lowAlarm(at, cfg.LowThreshold, cfg.MinFailures, cfg.LowPersist)
		if alarm || low {
			if low { // a low rate for minutes: partial, measured from the low run
				c.err.runStart, c.err.runFails, c.err.runObs = c.err.lowStart, c.err.lowFails, max(c.err.lowObs, c.err.lowFails)
			}
			c.state = Partial
			c.err.sev.start(at, c.err.runFails, c.err.runObs, cfg.MajorRate)
			// A few samples measure the rate roughly, and the alarm already told the run from a
			// blip: four or more failures, all but the odd one (four in five with other
			// components failing, pooled or joining a partner's major outage), are major as it
			// opens rather than partial for minutes. A low rate is partial.
			share := cfg.HardShare
			if pooled || d.partner(c, true) != nil {
				share = cfg.HardPooledShare
			}
			hard := !low && c.err.runFails >= cfg.HardPooled && c.err.runRate() >= share
			if hard || (!low && (c.err.sev.major() || c.err.sev.relapse(at, cfg.MajorHold))) {
				c.state = Major
				c.err.sev.escalate(at, hard)
			}
			c.incObs, c.incFails, c.sinceFail, c.err.recovery, c.err.streak = c.err.runObs, c.err.runFails, 0, 0, 0
			c.err.lowOpen = low
			d.open(c, c.err.runStart, at)
			break
		}
		if c.state == Operational && c.err.blip(cfg.HardPooled, cfg.HardPooledShare) {
			d.recordBlip(c, at)
			c.err.blipped, c.err.blipFails = true, c.err.runFails
		}
		switch c.state {
		case Operational:
			switch {
			case c.lat.score >= cfg.LatencyThreshold:
				c.state, c.lat.recovery = Degraded, 0
				d.open(c, c.latRunStart, at)
			case c.lat.tail.score >= cfg.TailThreshold:
				c.state, c.lat.recovery = Degraded, 0
				d.open(c, c.lat.tail.start, at)
			case c.answers.alarmed():
				c.state = Degraded
				d.open(c, c.answers.start, at)
			}
		case Degraded:
			if (c.lat.recovery >= cfg.LatencyRecovery || c.lat.score == 0) && c.lat.tail.calm() && c.answers.score == 0 {
				c.state, c.lat.score, c.lat.tail.score = Operational, 0, 0
			}
		}
	default:
		switch {
		case c.err.recovery >= cfg.RecoveryThreshold && c.err.streak >= cfg.MinRecoverySuccesses:
			c.err.resetOnset()
			c.state = Operational
			if c.lat.score >= cfg.LatencyThreshold {
				c.state, c.lat.recovery = Degraded, 0
			}
		case c.state == Partial && d.hardRun(c):
			c.state = Major
			c.err.sev.escalate(at, true)
		case c.state == Partial && (c.err.sev.major() || c.err.sev.relapse(at, cfg.MajorHold)):
			c.state = Major
			c.err.sev.escalate(at, false)
		case c.state == Major && c.err.sev.minor(at, cfg.MajorHold):
			c.state = Partial
		}
	}
	if c.state == from {
		return nil
	}
	c.since = at
	t := Transition{At: at, Target: c.target, Component: c.name, From: from, To: c.state}
	if c.inc != nil {
		t.Incident = c.inc.ID
		c.inc.State = c.state
		if c.state.Level() > c.inc.Worst.Level() {
			c.inc.Worst = c.state
		}
		if c.state == Operational {
			resolved := at
			c.inc.ResolvedAt = &resolved
			c.inc = nil
		}
	}
	return []Transition{t}
}

// open starts an incident for c, or keeps the open one (a degradation that becomes an outage
// is one incident).
func (d *Detector) open(c *component, started, at time.Time) {
	if c.inc != nil {
		return
	}
	if last := c.lastInc; last != nil && last.ResolvedAt != nil && at.Sub(*last.ResolvedAt) <= d.cfg.Reopen {
		last.ResolvedAt, c.inc = nil, last // a relapse soon after recovery is the same incident
		if c.state.Down() {
			for k, v := range c.runClasses {
				last.Classes[k] += v
			}
			last.Samples, last.Failures = last.Samples+c.err.runObs, last.Failures+c.err.runFails
		}
		return
	}
	if started.IsZero() || started.After(at) {
		started = at
	}
	d.seq++
	name := c.name
	if c.target != "" {
		name = c.target + "/" + c.name
	}
	c.inc = &Incident{ID: fmt.Sprintf("%s-%d", name, d.seq), Target: c.target, Component: c.name, Worst: c.state,
		State: c.state, StartedAt: started, DetectedAt: at, Classes: map[string]int{}}
	if c.state.Down() { // the failures that led to the detection belong to the incident
		for k, v := range c.runClasses {
			c.inc.Classes[k] = v
		}
		c.inc.Samples, c.inc.Failures = c.err.runObs, c.err.runFails
	}
	if !c.truthSince.IsZero() && !c.truthSince.After(at) {
		truth := c.truthSince
		c.inc.TruthStartedAt = &truth
	}
	c.inc.Evidence = c.evidence(started, c.location)
	c.lastInc = c.inc
	acknowledge(c.inc, c.official) // the page may have been first
	d.incidents = append(d.incidents, c.inc)
	d.pruneIncidents()
}

// Incident returns the incident with the given id.
func (d *Detector) Incident(id string) (Incident, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, in := range d.incidents {
		if in.ID == id {
			return in.clone(), true
		}
	}
	return Incident{}, false
}

// Incidents returns every incident so far, oldest first.
func (d *Detector) Incidents() []Incident {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Incident, len(d.incidents))
	for i, in := range d.incidents {
		out[i] = in.clone()
	}
	return out
}

// sortedComponents is the components in target then name order, for stable output.
func (d *Detector) sortedComponents() []*component {
	cs := slices.Clone(d.comps)
	slices.SortFunc(cs, func(a, b *component) int {
		return cmp.Or(cmp.Compare(a.target, b.target), cmp.Compare(a.name, b.name))
	})
	return cs
}
