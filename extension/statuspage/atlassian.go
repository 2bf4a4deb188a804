package statuspage

import (
	"encoding/json"
	"fmt"
	"time"
)

// Atlassian Statuspage v2: summary.json, status.json, components.json, incidents.json,
// incidents/unresolved.json and scheduled-maintenances.json share these members.

type spDoc struct {
	Page *struct {
		Name string `json:"name"`
	} `json:"page"`
	Status *struct {
		Indicator   string `json:"indicator"`
		Description string `json:"description"`
	} `json:"status"`
	Components   []spComponent `json:"components"`
	Incidents    []spIncident  `json:"incidents"`
	Maintenances []spIncident  `json:"scheduled_maintenances"`
}

type spComponent struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Status  string  `json:"status"`
	Group   bool    `json:"group"`
	GroupID *string `json:"group_id"`
}

type spIncident struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Status         string `json:"status"`
	Impact         string `json:"impact"`
	CreatedAt      string `json:"created_at"`
	StartedAt      string `json:"started_at"`
	ResolvedAt     string `json:"resolved_at"`
	ScheduledFor   string `json:"scheduled_for"`
	ScheduledUntil string `json:"scheduled_until"`
	Updates        []struct {
		Status    string `json:"status"`
		CreatedAt string `json:"created_at"`
		DisplayAt string `json:"display_at"`
		Affected  []struct {
			Name      string `json:"name"`
			NewStatus string `json:"new_status"`
		} `json:"affected_components"`
	} `json:"incident_updates"`
	Components []struct {
		Name string `json:"name"`
	} `json:"components"`
}

func parseStatuspage(b []byte) (*Page, error) {
	var d spDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%w: Statuspage document: %v", ErrNotStatusPage, err)
	}
	p := &Page{Format: FormatStatuspage}
	if d.Page != nil {
		p.Name = d.Page.Name
	}
	if d.Status != nil {
		p.Indicator, p.Description = d.Status.Indicator, d.Status.Description
	}
	groups := map[string]string{}
	for _, c := range d.Components {
		if c.Group {
			groups[c.ID] = c.Name
		}
	}
	for _, c := range d.Components {
		if c.Group {
			continue // a group's status is its members'
		}
		comp := Component{ID: c.ID, Name: c.Name, State: normState(c.Status)}
		if c.GroupID != nil {
			comp.Group = groups[*c.GroupID]
		}
		p.Components = append(p.Components, comp)
	}
	for _, in := range d.Incidents {
		p.Incidents = append(p.Incidents, in.incident(in.ScheduledFor != ""))
	}
	for _, in := range d.Maintenances {
		p.Incidents = append(p.Incidents, in.incident(true))
	}
	return p, nil
}

func (in *spIncident) incident(maintenance bool) Incident {
	out := Incident{ID: in.ID, Name: in.Name, Status: in.Status, Kind: "incident",
		CreatedAt: earliest(parseTime(in.CreatedAt), parseTime(in.StartedAt)), ResolvedAt: parseTime(in.ResolvedAt),
		ScheduledFor: parseTime(in.ScheduledFor), ScheduledUntil: parseTime(in.ScheduledUntil)}
	if maintenance || in.Impact == "maintenance" {
		out.Kind = "maintenance"
	}
	switch in.Impact {
	case "maintenance":
		out.Impact = Maintenance
	case "none":
		out.Impact = Operational
	default:
		out.Impact = normState(in.Impact) // minor -> degraded, major -> partial, critical -> major
	}
	var ack []string
	seen := map[string]bool{}
	for _, u := range in.Updates {
		ack = append(ack, u.CreatedAt, u.DisplayAt)
		for _, a := range u.Affected {
			if st := normState(a.NewStatus); st != Operational && st != Unknown {
				out.Impact = Worse(out.Impact, st)
			}
			if a.Name != "" && !seen[a.Name] {
				seen[a.Name] = true
				out.Components = append(out.Components, a.Name)
			}
		}
	}
	for _, c := range in.Components {
		if c.Name != "" && !seen[c.Name] {
			seen[c.Name] = true
			out.Components = append(out.Components, c.Name)
		}
	}
	times := []time.Time{}
	for _, s := range ack {
		times = append(times, parseTime(s))
	}
	out.AckAt = earliest(append(times, out.CreatedAt)...)
	if out.Kind == "maintenance" && out.Status == "completed" && out.ResolvedAt.IsZero() {
		out.ResolvedAt = out.ScheduledUntil
	}
	return out
}
