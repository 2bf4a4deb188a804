// Package monitor is the monitoring loop of one target, the one place that decides what
// happens after a probe: when to probe next (the schedule, confirmation probes while the
// detector is in doubt), whether a probe may be sent (Retry-After, failure-streak backoff, the
// spend cap: Gate), feeding each outcome to the detector, reading the official status page at
// its own cadence, and turning what the detector says into the view a caller records. It takes
// its Clock and its Prober as interfaces: the k6 module drives it in real time with real probes,
// replay in virtual time with a scenario's outcomes. It imports nothing of k6.
package monitor

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
)

// Prober acts for the monitor in one component's round: it sends what the monitor admits and
// is told what became of each probe, in order, from the round's one goroutine or process.
type Prober interface {
	// Send performs one admitted probe of c (confirmation: an extra one the detector asked
	// for). An Aborted result (the caller is stopping) is no observation.
	Send(ctx context.Context, c probe.Component, confirmation bool) *probe.Result
	// Skipped is told of a probe the gate held back; r says why.
	Skipped(r *probe.Result)
	// Observed is told of a sent probe once the detector has seen it (r.State is set).
	Observed(r *probe.Result, v View)
}

// StatusProber is a Prober that reads the official status page for the status component.
// A Prober without it probes status like any other component.
type StatusProber interface {
	Prober
	// ReadStatus reads the page once, conditionally on etag (probe.ReadStatus).
	ReadStatus(ctx context.Context, etag string) (*probe.Result, probe.StatusRead)
	// Official is told of the page's word on each probed component, once the detector has it.
	Official(readings []Reading, v View)
}

// Costs says what the gate needs of a target: the rate-limit pool of each component's request
// and the most a probe of it may cost (probe.Target implements it).
type Costs interface {
	Pool(c probe.Component) string
	Estimate(c probe.Component) float64
}

// View is what the detector made of one observation: the component's state after it, every
// state change it caused (a pooled verdict may change siblings too), and the incidents those
// changes opened or resolved.
type View struct {
	At               time.Time // when the detector saw it
	State            detect.State
	Changes          []detect.Transition
	Opened, Resolved []detect.Incident
	Blips            []detect.Blip // recorded by this observation: a total failure too short to page
	// Fault is who is blamed as the observation opens incidents (Attribute; the caller, who
	// knows the controls, fills it).
	Fault Fault
}

// Reading is the official page's word on one component.
type Reading struct {
	Component string
	State     detect.State
}

// Monitor is the loop of one target, shared by everything that probes it (every VU).
type Monitor struct {
	Target string // the detector's name for the target
	Costs  Costs
	Gate   *Gate
	Clock  Clock
	// Rounds ends a round's confirmation probes when a newer regular probe of the same
	// component starts; nil: rounds never supersede each other.
	Rounds *Rounds
	// Confirmations is how many confirmation probes may follow a regular probe (0 to 3).
	Confirmations int
	// ConfirmEvery spaces them (0: the package's ConfirmEvery; tests shorten it).
	ConfirmEvery time.Duration
	// Speed is the scenario speed of a sped-up simulator (1: real time), which spaces
	// confirmation probes in scenario time.
	Speed float64
	// TrustTruth: results carry a simulator's ground truth (probe.Result.TruthSince) worth
	// passing to the detector; never for a real server, which could claim anything.
	TrustTruth bool
	// Status reads the official page to its cadence; Official maps its components to ours, for
	// the components in Probes.
	Status   *StatusPoller
	Official statuspage.Map
	Probes   []probe.Component

	mu       sync.Mutex
	det      *detect.Detector
	location string // where the monitor runs, for the evidence of its incidents (SetLocation)
}

// SetLocation says where the monitor runs (CHATGPT_LOCATION, a run's location tag): the
// incidents it opens name it.
func (m *Monitor) SetLocation(l string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.location = l
}

// New returns a monitor of target feeding det, with the defaults: a polite gate without a
// spend cap, real time, DefaultConfirmations, and a status poller at DefaultStatusInterval.
func New(target string, costs Costs, det *detect.Detector) *Monitor {
	return &Monitor{Target: target, Costs: costs, Gate: NewGate(0), Clock: Real{}, Confirmations: DefaultConfirmations,
		Speed: 1, Status: &StatusPoller{}, det: det}
}

// Detector is the detector the monitor feeds.
func (m *Monitor) Detector() *detect.Detector {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.det
}

// SetDetector makes the monitor feed d from now on: a new run starting from the state file.
func (m *Monitor) SetDetector(d *detect.Detector) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.det = d
}

// observe feeds one sent probe to the detector, sets the component's state on the result and
// returns the detector's view.
func (m *Monitor) observe(r *probe.Result, at time.Time) View {
	m.mu.Lock()
	det, loc := m.det, m.location
	m.mu.Unlock()
	o := detect.Observation{At: at, Target: m.Target, Component: string(r.Component), Class: r.Class, Blame: r.Blame,
		TTFTMs: r.Timings.TTFT, ITLMs: r.Timings.ITL, TotalMs: r.Timings.Total,
		RequestID: r.RequestID, TraceID: r.TraceID, Message: r.Message, Location: loc}
	if m.TrustTruth {
		o.TruthSince = r.TruthSince
	}
	blips := det.BlipCount()
	changes := det.Observe(o)
	v := m.view(det, at, changes)
	if n := det.BlipCount(); n > blips {
		all, _ := det.Blips()
		v.Blips = all[max(len(all)-(n-blips), 0):]
	}
	v.State = det.State(m.Target, string(r.Component))
	r.State = string(v.State)
	return v
}

// ObserveOfficial feeds the official page's word on one component to the detector.
func (m *Monitor) ObserveOfficial(o detect.Official) View {
	det := m.Detector()
	o.Target = m.Target
	return m.view(det, o.At, det.ObserveOfficial(o))
}

// view collects the incidents the changes opened or resolved; a sibling's too, since pooled
// evidence opens several at once. Changes into or out of maintenance are declared, not
// incidents of ours.
func (m *Monitor) view(det *detect.Detector, at time.Time, changes []detect.Transition) View {
	v := View{At: at, Changes: changes}
	for _, c := range changes {
		in, _ := det.Incident(c.Incident)
		switch {
		case c.To == detect.Maintenance || c.From == detect.Maintenance:
		case c.From == detect.Operational:
			v.Opened = append(v.Opened, in)
		case c.To == detect.Operational:
			v.Resolved = append(v.Resolved, in)
		}
	}
	return v
}

// official feeds the page's word on every probed component to the detector, in name order,
// and returns the readings worth a gauge (the page's unknown words are no word). A probed
// component the page has no counterpart for inherits an API-wide maintenance, and otherwise
// gets no word.
func (m *Monitor) official(page *statuspage.Page, now time.Time) ([]Reading, View) {
	view := m.Official.View(page, now)
	comps := map[string]bool{}
	for c := range view.States {
		comps[c] = slices.Contains(m.Probes, probe.Component(c))
	}
	for _, c := range m.Probes {
		if _, mapped := view.States[string(c)]; !mapped {
			comps[string(c)] = true
			if view.APIMaintenance {
				view.States[string(c)] = statuspage.Maintenance
			} else {
				view.States[string(c)] = ""
			}
		}
	}
	var out []Reading
	all := View{At: now}
	for _, c := range slices.Sorted(maps.Keys(comps)) {
		if c == string(probe.Status) || !comps[c] {
			continue
		}
		st := view.States[c]
		if st == statuspage.Unknown {
			st = ""
		}
		in := view.Acks[c]
		v := m.ObserveOfficial(detect.Official{At: now, Component: c, State: detect.State(st), AckAt: in.AckAt, Incident: in.Name})
		all.Changes = append(all.Changes, v.Changes...)
		all.Opened = append(all.Opened, v.Opened...)
		all.Resolved = append(all.Resolved, v.Resolved...)
		if st != "" {
			out = append(out, Reading{Component: c, State: detect.State(st)})
		}
	}
	return out, all
}
