package statuspage

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// incident.io's widget proxy: /proxy/<page> (a summary with components, their groups, ongoing
// incidents and affected components) and /proxy/<page>/incidents (the history). Its component
// vocabulary says full_outage where Statuspage says major_outage.

type ioSummary struct {
	Name       string `json:"name"`
	Components []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"components"`
	Structure struct {
		Items []struct {
			Group *struct {
				Name       string `json:"name"`
				Components []struct {
					ID string `json:"component_id"`
				} `json:"components"`
			} `json:"group"`
		} `json:"items"`
	} `json:"structure"`
	Ongoing      []ioIncident `json:"ongoing_incidents"`
	Maintenances []ioIncident `json:"scheduled_maintenances"`
	Affected     []struct {
		ID     string `json:"component_id"`
		Status string `json:"status"`
	} `json:"affected_components"`
}

type ioIncident struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Status      string `json:"status"`
	Type        string `json:"type"`
	PublishedAt string `json:"published_at"`
	Affected    []struct {
		ID      string `json:"component_id"`
		Status  string `json:"status"`
		Current string `json:"current_status"`
	} `json:"affected_components"`
	Impacts []struct {
		ID     string  `json:"component_id"`
		Status string  `json:"status"`
		Start  string  `json:"start_at"`
		End    *string `json:"end_at"`
	} `json:"component_impacts"`
	Summaries []struct {
		Start string  `json:"start_at"`
		End   *string `json:"end_at"`
		Worst string  `json:"worst_component_status"`
	} `json:"status_summaries"`
	Updates []struct {
		To          string `json:"to_status"`
		PublishedAt string `json:"published_at"`
	} `json:"updates"`
	ScheduledFor   string `json:"starts_at"`
	ScheduledUntil string `json:"ends_at"`
}

func parseIOSummary(raw json.RawMessage) (*Page, error) {
	var s ioSummary
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("%w: incident.io summary: %v", ErrNotStatusPage, err)
	}
	p := &Page{Format: FormatIncidentIO, Name: s.Name}
	group := map[string]string{}
	for _, it := range s.Structure.Items {
		if it.Group != nil {
			for _, c := range it.Group.Components {
				group[c.ID] = it.Group.Name
			}
		}
	}
	names := map[string]string{}
	state := map[string]string{}
	for _, a := range s.Affected {
		state[a.ID] = Worse(state[a.ID], normState(a.Status))
	}
	for _, c := range s.Components {
		names[c.ID] = c.Name
		st := Operational
		if v, ok := state[c.ID]; ok && v != "" {
			st = v
		}
		p.Components = append(p.Components, Component{ID: c.ID, Name: c.Name, Group: group[c.ID], State: st})
	}
	worst := Operational
	for _, c := range p.Components {
		worst = Worse(worst, c.State)
	}
	for _, in := range append(s.Ongoing, s.Maintenances...) {
		p.Incidents = append(p.Incidents, in.incident(names))
	}
	p.Indicator, p.Description = Indicator(worst)
	return p, nil
}

func parseIOIncidents(raw json.RawMessage) (*Page, error) {
	var list []ioIncident
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("%w: incident.io incidents: %v", ErrNotStatusPage, err)
	}
	p := &Page{Format: FormatIncidentIO}
	for _, in := range list {
		p.Incidents = append(p.Incidents, in.incident(nil))
	}
	return p, nil
}

func (in *ioIncident) incident(names map[string]string) Incident {
	out := Incident{ID: in.ID, Name: in.Name, Status: in.Status, Kind: "incident", Impact: Operational,
		CreatedAt: parseTime(in.PublishedAt), ScheduledFor: parseTime(in.ScheduledFor), ScheduledUntil: parseTime(in.ScheduledUntil)}
	if in.Type == "maintenance" {
		out.Kind = "maintenance"
	}
	if out.CreatedAt.IsZero() {
		out.CreatedAt = ulidTime(in.ID) // the id encodes its publication time
	}
	seen := map[string]bool{}
	add := func(id, status string) {
		if st := normState(status); st != Unknown && st != Operational {
			out.Impact = Worse(out.Impact, st)
		}
		name := id
		if n := names[id]; n != "" {
			name = n
		}
		if id != "" && !seen[name] {
			seen[name] = true
			out.Components = append(out.Components, name)
		}
	}
	for _, a := range in.Affected {
		add(a.ID, a.Status)
	}
	var ends []time.Time
	open := false
	for _, im := range in.Impacts {
		add(im.ID, im.Status)
		if im.End == nil {
			open = true
		} else {
			ends = append(ends, parseTime(*im.End))
		}
	}
	for _, s := range in.Summaries {
		if st := normState(s.Worst); st != Unknown {
			out.Impact = Worse(out.Impact, st)
		}
	}
	ack := []time.Time{out.CreatedAt}
	for _, u := range in.Updates {
		ack = append(ack, parseTime(u.PublishedAt))
	}
	out.AckAt = earliest(ack...)
	if out.Kind == "maintenance" && out.Impact == Operational {
		out.Impact = Maintenance
	}
	if resolved := in.Status == "resolved" || in.Status == "maintenance_complete" || in.Status == "postmortem"; resolved && !open {
		var last time.Time
		for _, e := range ends {
			if e.After(last) {
				last = e
			}
		}
		if last.IsZero() {
			for _, u := range in.Updates {
				if t := parseTime(u.PublishedAt); t.After(last) {
					last = t
				}
			}
		}
		out.ResolvedAt = last
		if out.ResolvedAt.IsZero() {
			out.ResolvedAt = out.CreatedAt
		}
	}
	return out
}

// ulidTime decodes the millisecond timestamp in a ULID's first 10 Crockford base-32 characters.
func ulidTime(id string) time.Time {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	if len(id) != 26 {
		return time.Time{}
	}
	var ms uint64
	for _, ch := range strings.ToUpper(id[:10]) {
		i := strings.IndexRune(alphabet, ch)
		if i < 0 {
			return time.Time{}
		}
		ms = ms<<5 | uint64(i)
	}
	if ms > 1<<47 { // beyond year 6429: not a timestamp
		return time.Time{}
	}
	return time.UnixMilli(int64(ms)).UTC()
}
