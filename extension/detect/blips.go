package detect

import "time"

// Blip is a total failure of a component too short to page (Config.MinOutage): recorded for the
// reports and metrics, never an incident.
type Blip struct {
	Target    string         `json:"target,omitempty"`
	Component string         `json:"component"`
	StartedAt time.Time      `json:"started_at"` // first failed probe
	EndedAt   time.Time      `json:"ended_at"`   // the success that ended it
	Failures  int            `json:"failures"`
	Classes   map[string]int `json:"classes"`
}

// maxBlips bounds the blips a detector keeps (the newest win).
const maxBlips = 64

func (d *Detector) recordBlip(c *component, at time.Time) {
	b := Blip{Target: c.target, Component: c.name, StartedAt: c.err.runStart, EndedAt: at, Failures: c.err.runFails,
		Classes: maps(c.runClasses)}
	d.blips = append(d.blips, b)
	d.nBlips++
	if len(d.blips) > maxBlips {
		d.blips = d.blips[len(d.blips)-maxBlips:]
	}
}

// maxIncidents bounds the incidents a detector keeps in memory, so a monitor that runs for
// months (scripts/chatgpt.js with CHATGPT_MODE=continuous) does not grow with its history: open
// incidents and each component's latest (which a relapse may reopen) are always kept, and of the
// others the newest. The state file never held more than these (persist.go).
const maxIncidents = 512

// pruneIncidents drops the oldest resolved incidents beyond maxIncidents (with d.mu held).
func (d *Detector) pruneIncidents() {
	drop := len(d.incidents) - maxIncidents
	if drop <= 0 {
		return
	}
	latest := map[*Incident]bool{}
	for _, c := range d.comps {
		latest[c.lastInc] = true
	}
	kept := d.incidents[:0]
	for _, in := range d.incidents {
		if drop > 0 && in.ResolvedAt != nil && !latest[in] {
			drop--
			continue
		}
		kept = append(kept, in)
	}
	clear(d.incidents[len(kept):])
	d.incidents = kept
}

// Blips returns the blips recorded so far (the newest maxBlips), oldest first, and how many
// there have been in all.
func (d *Detector) Blips() ([]Blip, int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Blip, len(d.blips))
	for i, b := range d.blips {
		b.Classes = maps(b.Classes)
		out[i] = b
	}
	return out, d.nBlips
}

// BlipCount is how many blips have been recorded in all.
func (d *Detector) BlipCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.nBlips
}
