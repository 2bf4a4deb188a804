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
