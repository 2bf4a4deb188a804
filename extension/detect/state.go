package detect

import (
	"slices"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
)

// State is a component's state, in the status-page vocabulary (package statuspage defines the
// words and their order once).
type State string

// The states, least to most severe (maintenance is declared, not detected).
const (
	Operational State = statuspage.Operational
	Maintenance State = statuspage.Maintenance
	Degraded    State = statuspage.Degraded
	Partial     State = statuspage.Partial
	Major       State = statuspage.Major
)

// Level is the state on the 0-3 scale of the chatgpt_state gauge (maintenance is 0: planned).
func (s State) Level() int { return max(statuspage.Rank(string(s))-1, 0) }

// Down reports whether the state is an outage.
func (s State) Down() bool { return s == Partial || s == Major }

// Observation is one probe's outcome as the detector needs it.
type Observation struct {
	At        time.Time
	Target    string // provider or target label; components of one target share evidence
	Component string
	Class     classify.Class
	Blame     classify.Blame
	TTFTMs    float64 // 0 when not measured
	ITLMs     float64 // mean inter-token gap of the response
	TotalMs   float64
	// TruthSince is when the trouble began by a simulator's ground truth (zero: unknown).
	TruthSince time.Time
	// The evidence an incident keeps (evidence.go): ids to quote, the failure's message, where
	// the monitor runs. Texts come from probe results, already redacted.
	RequestID, TraceID, Message, Location string

	outage bool // a wrong answer while another component of the target is down (answers.go)
}

func (o Observation) ok() bool { return o.Class == classify.OK }

// counts reports whether the observation feeds the error test (successes, and failures blamed
// on the provider or its edge), and whether it failed.
func (o Observation) counts() (counted, failed bool) {
	if o.ok() {
		return true, false
	}
	if o.Class == classify.WrongAnswer && !o.outage { // the answer test weighs it (answers.go)
		return false, false
	}
	if o.Blame.CountsAsOutage() {
		return true, true
	}
	return false, false
}

// Transition is a change of a component's state.
type Transition struct {
	At        time.Time `json:"at"`
	Target    string    `json:"target,omitempty"`
	Component string    `json:"component"`
	From      State     `json:"from"`
	To        State     `json:"to"`
	Incident  string    `json:"incident,omitempty"`
}

// Incident is one stretch of a component away from operational.
type Incident struct {
	ID         string         `json:"id"`
	Target     string         `json:"target,omitempty"`
	Component  string         `json:"component"`
	Worst      State          `json:"worst"`
	State      State          `json:"state"`       // current, or the last before resolution
	StartedAt  time.Time      `json:"started_at"`  // first bad observation
	DetectedAt time.Time      `json:"detected_at"` // when the detector confirmed it
	ResolvedAt *time.Time     `json:"resolved_at"` // nil while open
	Classes    map[string]int `json:"classes"`     // failure classes seen, with counts
	Samples    int            `json:"samples"`     // observations during the incident
	Failures   int            `json:"failures"`
	// OfficialAck is when the provider's status page first acknowledged it (its incident's
	// first update), LeadS how long before that we detected it (negative: the page was first).
	// TruthStartedAt is when the trouble began by a simulator's ground truth (simulator runs).
	TruthStartedAt   *time.Time `json:"truth_started_at,omitempty"`
	OfficialAck      *time.Time `json:"official_ack_at,omitempty"`
	OfficialIncident string     `json:"official_incident,omitempty"`
	LeadS            *float64   `json:"detection_lead_s,omitempty"`
	// Evidence leads from the incident to its requests (nil in state files from before it).
	Evidence *Evidence `json:"evidence,omitempty"`
}

// TimeToDetect is DetectedAt - StartedAt.
func (in *Incident) TimeToDetect() time.Duration { return in.DetectedAt.Sub(in.StartedAt) }

// TrueTimeToDetect is DetectedAt minus the ground truth's start when a simulator gave one, else
// TimeToDetect.
func (in *Incident) TrueTimeToDetect() time.Duration {
	if in.TruthStartedAt != nil {
		return in.DetectedAt.Sub(*in.TruthStartedAt)
	}
	return in.TimeToDetect()
}

// Duration is how long the incident lasted, or has lasted until at.
func (in *Incident) Duration(at time.Time) time.Duration {
	if in.ResolvedAt != nil {
		return in.ResolvedAt.Sub(in.StartedAt)
	}
	return at.Sub(in.StartedAt)
}

func (in *Incident) clone() Incident {
	c := *in
	c.Classes = make(map[string]int, len(in.Classes))
	for k, v := range in.Classes {
		c.Classes[k] = v
	}
	if in.ResolvedAt != nil {
		t := *in.ResolvedAt
		c.ResolvedAt = &t
	}
	if in.OfficialAck != nil {
		t, l := *in.OfficialAck, *in.LeadS
		c.OfficialAck, c.LeadS = &t, &l
	}
	if in.TruthStartedAt != nil {
		t := *in.TruthStartedAt
		c.TruthStartedAt = &t
	}
	if in.Evidence != nil {
		e := *in.Evidence
		e.RequestIDs, e.TraceIDs = slices.Clone(e.RequestIDs), slices.Clone(e.TraceIDs)
		c.Evidence = &e
	}
	return c
}
