package detect

import "time"

// Official is what a provider's status page says about one of our components when it was read.
type Official struct {
	At        time.Time
	Target    string
	Component string
	State     State     // "" when the page has no counterpart for the component
	AckAt     time.Time // first acknowledgement of the ongoing official incident covering it; zero for none
	Incident  string    // that incident's name
}

// officialView is a component's latest official word.
type officialView struct {
	state    State
	ackAt    time.Time
	incident string
	seen     time.Time
}

// Agreement between our state and the official one.
const (
	Agree          = "agree"
	Unacknowledged = "unacknowledged" // we see an outage the page does not declare
	OfficialOnly   = "official_only"  // the page declares trouble our probes do not see
)

// ObserveOfficial records the page's word on a component and returns the state changes it
// caused: a declared maintenance puts the component under_maintenance (and, unless
// AlertInMaintenance, holds detection until it ends); an official incident covering an
// incident of ours gives it its acknowledgement time and detection lead.
func (d *Detector) ObserveOfficial(o Official) []Transition {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.component(o.Target, o.Component)
	c.official = officialView{state: o.State, ackAt: o.AckAt, incident: o.Incident, seen: o.At}
	if c.inc != nil {
		acknowledge(c.inc, c.official)
	}
	if d.cfg.AlertInMaintenance {
		return nil
	}
	from := c.state
	switch {
	case o.State == Maintenance && c.state != Maintenance:
		if c.inc != nil { // the page says it is planned: our incident ends as maintenance begins
			resolved := o.At
			c.inc.ResolvedAt, c.inc.State = &resolved, Maintenance
			c.inc = nil
		}
		c.state = Maintenance
	case o.State != Maintenance && c.state == Maintenance:
		c.err.resetOnset() // what failed during the window is not evidence of an outage after it
		c.lat.score = 0
		c.state = Operational
	default:
		return nil
	}
	c.since = o.At
	return []Transition{{At: o.At, Target: c.target, Component: c.name, From: from, To: c.state}}
}

// acknowledge sets an incident's official acknowledgement from the component's official view,
// when the page has an ongoing incident for it.
func acknowledge(in *Incident, v officialView) {
	if v.ackAt.IsZero() || (in.OfficialAck != nil && !v.ackAt.Before(*in.OfficialAck)) {
		return
	}
	ack := v.ackAt
	lead := ack.Sub(in.DetectedAt).Seconds()
	in.OfficialAck, in.OfficialIncident, in.LeadS = &ack, v.incident, &lead
}

// agreement compares our state with the official one ("" without official word).
func (c *component) agreement() string {
	off := c.official.state
	switch {
	case off != Operational && off != Degraded && !off.Down() || c.state == Maintenance:
		return "" // no word, an unknown word, or a planned window
	case c.state.Down() && !off.Down() && off != Degraded:
		return Unacknowledged
	case off.Down() && !c.state.Down() || off == Degraded && c.state == Operational:
		return OfficialOnly
	}
	return Agree
}
