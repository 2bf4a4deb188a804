package statuspage

import (
	"encoding/json"
	"fmt"
	"time"
)

// Google Cloud's status incidents.json: an array of incidents with severity, begin/end, the
// affected products and their updates (docs/signals.md §4.4). It has no component
// list; each affected product becomes a component in the incident's state while it is open.

type gcIncident struct {
	ID       string `json:"id"`
	Service  string `json:"service_name"`
	Severity string `json:"severity"`
	Begin    string `json:"begin"`
	End      string `json:"end"`
	Text     string `json:"external_desc"`
	Products []struct {
		Title string `json:"title"`
	} `json:"affected_products"`
	Updates []struct {
		Status string `json:"status"`
		When   string `json:"when"`
	} `json:"updates"`
}

func parseGCloud(b []byte) (*Page, error) {
	var list []gcIncident
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("%w: Google Cloud incidents: %v", ErrNotStatusPage, err)
	}
	p := &Page{Format: FormatGCloud, Name: "Google Cloud"}
	worst := Operational
	states := map[string]string{}
	var order []string
	for _, g := range list {
		in := Incident{ID: g.ID, Name: g.Text, Kind: "incident", CreatedAt: parseTime(g.Begin), ResolvedAt: parseTime(g.End),
			Status: "ongoing", Impact: map[string]string{"low": Degraded, "medium": Partial, "high": Major}[g.Severity]}
		if in.Impact == "" {
			in.Impact = Degraded
		}
		if in.Name == "" {
			in.Name = g.Service
		}
		if !in.ResolvedAt.IsZero() {
			in.Status = "resolved"
		}
		acks := []time.Time{in.CreatedAt}
		for _, u := range g.Updates {
			acks = append(acks, parseTime(u.When))
		}
		in.AckAt = earliest(acks...)
		for _, pr := range g.Products {
			in.Components = append(in.Components, pr.Title)
			if in.ResolvedAt.IsZero() {
				if _, ok := states[pr.Title]; !ok {
					order = append(order, pr.Title)
				}
				states[pr.Title] = Worse(states[pr.Title], in.Impact)
				worst = Worse(worst, in.Impact)
			}
		}
		p.Incidents = append(p.Incidents, in)
	}
	for _, name := range order {
		p.Components = append(p.Components, Component{Name: name, State: states[name]})
	}
	p.Indicator, p.Description = Indicator(worst)
	return p, nil
}
