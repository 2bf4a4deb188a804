// Package statuspage reads official status pages — Atlassian Statuspage v2, incident.io's
// widget proxy and Google Cloud's incidents.json — into one model in the detector's vocabulary:
// the page indicator, each component's state, and incidents and maintenances with the time the
// page first acknowledged them. It imports nothing of k6 and never panics on input: missing
// fields are zero, unknown states are "unknown", and HTML or other non-JSON bodies are errors.
package statuspage

import (
	"strings"
	"time"
)

// States in the detector's vocabulary (status-page words, incident.io's full_outage mapped).
const (
	Operational = "operational"
	Maintenance = "under_maintenance"
	Degraded    = "degraded_performance"
	Partial     = "partial_outage"
	Major       = "major_outage"
	Unknown     = "unknown"
)

// Formats the parser recognises.
const (
	FormatStatuspage = "statuspage" // Atlassian Statuspage v2 (/api/v2/*.json), also incident.io's shim
	FormatIncidentIO = "incidentio" // incident.io widget proxy (/proxy/<page>, /proxy/<page>/incidents)
	FormatGCloud     = "gcloud"     // Google Cloud status incidents.json
)

// Page is what one status page document says.
type Page struct {
	Format      string
	Name        string
	Indicator   string // none, minor, major, critical, maintenance ("" when the document has none)
	Description string
	Components  []Component
	Incidents   []Incident // incidents and maintenances, as the document lists them
}

// Component is one official component.
type Component struct {
	ID, Name, Group string
	State           string
}

// Incident is one incident or maintenance the page published.
type Incident struct {
	ID, Name   string
	Status     string // the page's own word: investigating, identified, monitoring, resolved, scheduled, in_progress, completed …
	Kind       string // "incident" or "maintenance"
	Impact     string // worst component state, in our vocabulary
	CreatedAt  time.Time
	AckAt      time.Time // first acknowledgement: the earliest update (else creation) time
	ResolvedAt time.Time // zero while ongoing
	// ScheduledFor and ScheduledUntil bound a maintenance window (zero when not given).
	ScheduledFor, ScheduledUntil time.Time
	Components                   []string // affected component names (or ids where the document gives only ids)
}

// Ongoing reports whether the incident is open at time at.
func (in *Incident) Ongoing(at time.Time) bool {
	if !in.ResolvedAt.IsZero() && !in.ResolvedAt.After(at) {
		return false
	}
	if in.Kind == "maintenance" && !in.ScheduledFor.IsZero() && in.ScheduledFor.After(at) {
		return false // scheduled, not started
	}
	return true
}

// normState maps any vocabulary's component status to ours.
func normState(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "operational", "none", "available":
		return Operational
	case "degraded_performance", "degraded", "minor":
		return Degraded
	case "partial_outage", "partial", "major":
		return Partial
	case "major_outage", "full_outage", "critical":
		return Major
	case "under_maintenance", "maintenance":
		return Maintenance
	}
	return Unknown
}

// Rank orders states by severity; maintenance is planned, so it ranks below any trouble, and
// unknown ranks with operational (a page we cannot read says nothing).
func Rank(s string) int {
	switch s {
	case Maintenance:
		return 1
	case Degraded:
		return 2
	case Partial:
		return 3
	case Major:
		return 4
	}
	return 0
}

// Worse returns the more severe of two states ("" is no state yet).
func Worse(a, b string) string {
	if a == "" || Rank(b) > Rank(a) {
		return b
	}
	return a
}

// Indicator is the page indicator and description Atlassian Statuspage shows for the worst
// component state.
func Indicator(worst string) (indicator, description string) {
	switch worst {
	case Major:
		return "critical", "Major Service Outage"
	case Partial:
		return "major", "Partial System Outage"
	case Degraded:
		return "minor", "Minor Service Outage"
	case Maintenance:
		return "maintenance", "Service Under Maintenance"
	}
	return "none", "All Systems Operational"
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999-07:00", "2006-01-02T15:04:05Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// earliest is the earliest non-zero time.
func earliest(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if !t.IsZero() && (out.IsZero() || t.Before(out)) {
			out = t
		}
	}
	return out
}
