package detect

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// ComponentStatus is one component in a snapshot.
type ComponentStatus struct {
	Target       string    `json:"target,omitempty"`
	Component    string    `json:"component"`
	State        State     `json:"state"`
	Level        int       `json:"level"` // 0-3, as the chatgpt_state gauge
	Recovering   bool      `json:"recovering"`
	Since        time.Time `json:"since,omitzero"`
	LastSeen     time.Time `json:"last_seen"`
	Stale        bool      `json:"stale"` // not observed for a while: its state is old news
	Observations int       `json:"observations"`
	Failures     int       `json:"failures"`          // counted toward an outage
	RecentErrors float64   `json:"recent_error_rate"` // of the last observations
	BaselineRate float64   `json:"baseline_error_rate"`
	LatencyRatio float64   `json:"latency_ratio"` // the typical recent response vs baseline (median of the last 8)
	// Degradation says why a degraded component is degraded, in the verdict's words.
	Degradation string `json:"degradation,omitempty"`
	Baseline    string `json:"baseline"`        // "prior", "learned" or "learned_by_hour"
	Local       string `json:"local,omitempty"` // the account or network class that dominates
	Incident    string `json:"incident,omitempty"`
	Official    State  `json:"official,omitempty"`  // what the provider's status page says
	Agreement   string `json:"agreement,omitempty"` // agree, unacknowledged, official_only
	// RecentClass and RecentBlame are the commonest failure among the latest observations,
	// RecentFailed the share of them that failed (any blame); EverOK says whether the
	// component has answered before: the evidence of who is at fault (monitor.Attribute).
	RecentClass  classify.Class `json:"recent_class,omitempty"`
	RecentBlame  classify.Blame `json:"recent_blame,omitempty"`
	RecentFailed float64        `json:"recent_failed"`
	EverOK       bool           `json:"ever_ok"`
}

// Local says the problem is on the caller's side: which blame, which class, what to do.
type Local struct {
	Blame  classify.Blame `json:"blame"`
	Class  classify.Class `json:"class"`
	Advice string         `json:"advice"`
	Where  []string       `json:"components"`
}

// Snapshot is the detector's view at one time.
type Snapshot struct {
	At       time.Time `json:"at"`
	Overall  State     `json:"overall"`
	Verdict  string    `json:"verdict"` // one sentence for people
	Down     []string  `json:"down"`
	Degraded []string  `json:"degraded"`
	// Unacknowledged are components we see down that the official page calls fine;
	// OfficialOnly those the page declares in trouble that our probes see working.
	Unacknowledged []string `json:"unacknowledged"`
	OfficialOnly   []string `json:"official_only"`
	Maintenance    []string `json:"maintenance"` // under a maintenance the page declares
	// DuringMaintenance counts, per component, the failures inside declared maintenance
	// windows: recorded, never an outage.
	DuringMaintenance map[string]int `json:"during_maintenance,omitempty"`
	Local             *Local         `json:"local,omitempty"`
	// Alternatives are the fallback targets, ranked: up first, then healthiest and fastest.
	Alternatives []Alternative     `json:"alternatives"`
	Components   []ComponentStatus `json:"components"`
	Incidents    []Incident        `json:"incidents"`
	// Blips are the total failures too short to page (Config.MinOutage), newest last.
	Blips []Blip `json:"blips"`
	// Memory says where the baselines came from: a state file or the priors.
	Memory *Memory `json:"memory,omitempty"`
}

// Snapshot returns the state of every component at time at and the overall verdict: major
// when every probed component is down, partial when some are.
func (d *Detector) Snapshot(at time.Time) Snapshot {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := Snapshot{At: at, Overall: Operational, Down: []string{}, Degraded: []string{}, Incidents: []Incident{},
		Unacknowledged: []string{}, OfficialOnly: []string{}, Maintenance: []string{}}
	if d.memory != nil {
		m := *d.memory
		s.Memory = &m
	}
	locals := map[classify.Blame][]string{}
	var localClass = map[classify.Blame]classify.Class{}
	for _, c := range d.sortedComponents() {
		name := c.name
		if c.target != "" {
			name = c.target + "/" + c.name
		}
		cs := ComponentStatus{Target: c.target, Component: c.name, State: c.state, Level: c.state.Level(),
			Recovering: c.recovering(), Since: c.since, LastSeen: c.last, Stale: at.Sub(c.last) > quiet,
			Observations: c.obs, Failures: c.failures, RecentErrors: c.err.recentRate(), BaselineRate: c.err.p0(),
			LatencyRatio: c.lat.ratio, Baseline: "prior", EverOK: c.everOK}
		cs.RecentClass, cs.RecentBlame, cs.RecentFailed = c.recentFailure()
		if c.state == Degraded {
			cs.Degradation = c.degradation(&d.cfg)
		}
		if c.lat.itl.learned() || c.lat.ttft.learned() || c.lat.total.learned() {
			cs.Baseline = "learned"
		}
		if c.lat.itl.byHour(at) || c.lat.ttft.byHour(at) || c.lat.total.byHour(at) {
			cs.Baseline = "learned_by_hour"
		}
		if c.inc != nil {
			cs.Incident = c.inc.ID
		}
		cs.Official, cs.Agreement = c.official.state, c.agreement()
		switch cs.Agreement {
		case Unacknowledged:
			s.Unacknowledged = append(s.Unacknowledged, name)
		case OfficialOnly:
			s.OfficialOnly = append(s.OfficialOnly, name)
		}
		if b, cl := c.local(); b != "" {
			cs.Local = string(cl)
			locals[b] = append(locals[b], name)
			localClass[b] = cl
		}
		if c.maintFails > 0 {
			if s.DuringMaintenance == nil {
				s.DuringMaintenance = map[string]int{}
			}
			s.DuringMaintenance[name] = c.maintFails
		}
		switch {
		case c.state.Down():
			s.Down = append(s.Down, name)
		case c.state == Degraded:
			s.Degraded = append(s.Degraded, name)
		case c.state == Maintenance:
			s.Maintenance = append(s.Maintenance, name)
		}
		s.Components = append(s.Components, cs)
	}
	for _, in := range d.incidents {
		s.Incidents = append(s.Incidents, in.clone())
	}
	n := len(s.Components)
	switch {
	case n > 0 && len(s.Down) == n:
		s.Overall = Major
	case len(s.Down) > 0:
		s.Overall = Partial
	case len(s.Degraded) > 0:
		s.Overall = Degraded
	}
	// It's you, not them: account errors on any component, or network errors on all of them.
	if where := locals[classify.BlameAccount]; len(where) > 0 {
		cl := localClass[classify.BlameAccount]
		s.Local = &Local{Blame: classify.BlameAccount, Class: cl, Advice: classify.Advice(cl), Where: where}
	} else if where := locals[classify.BlameNetwork]; n > 0 && len(where) == n {
		cl := localClass[classify.BlameNetwork]
		s.Local = &Local{Blame: classify.BlameNetwork, Class: cl, Advice: classify.Advice(cl), Where: where}
	}
	s.Alternatives = d.rankAlternatives()
	s.Blips = make([]Blip, len(d.blips))
	for i, b := range d.blips {
		b.Classes = maps(b.Classes)
		s.Blips[i] = b
	}
	s.Verdict = s.verdict(d)
	return s
}

// primaryDown reports whether a component of a primary (non-alternative) target is down while
// alternatives are configured.
func primaryDown(s *Snapshot, d *Detector) bool {
	if len(s.Alternatives) == 0 {
		return false
	}
	for _, c := range s.Components {
		if c.State.Down() && !d.alternatives[c.Target] {
			return true
		}
	}
	return false
}

func (s *Snapshot) verdict(d *Detector) string {
	var b strings.Builder
	switch s.Overall {
	case Major:
		fmt.Fprintf(&b, "major outage: every probed component is down (%s)", strings.Join(s.Down, ", "))
	case Partial:
		fmt.Fprintf(&b, "partial outage: %s down", strings.Join(s.Down, ", "))
		if up := len(s.Components) - len(s.Down); up > 0 {
			fmt.Fprintf(&b, ", %d other component(s) up", up)
		}
	case Degraded:
		parts := make([]string, 0, len(s.Degraded))
		for _, c := range s.Components {
			if c.State == Degraded {
				parts = append(parts, c.Component+" "+c.Degradation)
			}
		}
		fmt.Fprintf(&b, "degraded performance: %s", strings.Join(parts, ", "))
	default:
		if len(s.Components) == 0 {
			return "no observations yet"
		}
		fmt.Fprintf(&b, "operational: %d component(s) healthy", len(s.Components))
	}
	if s.Overall != Operational {
		var since time.Time
		for _, in := range d.incidents {
			if in.ResolvedAt == nil && (since.IsZero() || in.StartedAt.Before(since)) {
				since = in.StartedAt
			}
		}
		if !since.IsZero() {
			fmt.Fprintf(&b, " since %s", since.UTC().Format(time.RFC3339))
		}
	}
	if primaryDown(s, d) {
		b.WriteString("; " + alternativesSentence(s.Alternatives))
	}
	if len(s.Maintenance) > 0 {
		fmt.Fprintf(&b, "; under declared maintenance: %s", strings.Join(s.Maintenance, ", "))
	}
	if len(s.Blips) > 0 {
		names := []string{}
		for _, b := range s.Blips {
			name := b.Component
			if b.Target != "" {
				name = b.Target + "/" + name
			}
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
		fmt.Fprintf(&b, "; %d blip(s), total failures shorter than %s, not paged: %s", len(s.Blips),
			d.cfg.MinOutage.Round(time.Second), strings.Join(names, ", "))
	}
	if len(s.DuringMaintenance) > 0 {
		parts := make([]string, 0, len(s.DuringMaintenance))
		for name, n := range s.DuringMaintenance {
			parts = append(parts, fmt.Sprintf("%s %d", name, n))
		}
		slices.Sort(parts)
		fmt.Fprintf(&b, "; failures during declared maintenance, not outages: %s", strings.Join(parts, ", "))
	}
	if len(s.Unacknowledged) > 0 {
		fmt.Fprintf(&b, "; the official status page does not acknowledge %s yet", strings.Join(s.Unacknowledged, ", "))
	}
	if len(s.OfficialOnly) > 0 {
		fmt.Fprintf(&b, "; the official status page reports trouble on %s that probes do not see", strings.Join(s.OfficialOnly, ", "))
	}
	if s.Local != nil {
		who := "your account"
		if s.Local.Blame == classify.BlameNetwork {
			who = "your network"
		}
		fmt.Fprintf(&b, "; it's you, not them: %s fails with %s on %s — %s", who, s.Local.Class, strings.Join(s.Local.Where, ", "), s.Local.Advice)
	}
	return b.String()
}
