// Package notify tells people about outages: an incident opened, escalated (partial to major)
// or resolved, each once, across scheduled runs. What was told is kept in the state file
// (Memory), so a run of a continuing outage stays quiet and the run that sees the recovery
// says so. Senders deliver the events: a generic webhook (Slack-compatible) and GitHub issues
// (one per incident, commented on escalation, closed on recovery, as Upptime does). Every text
// passes secret.Redact. It imports nothing of k6.
package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
)

// Event kinds.
const (
	Open     = "open"
	Escalate = "escalate"
	Resolve  = "resolve"
)

// Event is one thing to tell about one incident.
type Event struct {
	Kind     string
	Incident detect.Incident
}

// Notice is what was told about one incident.
type Notice struct {
	State    detect.State `json:"state"`              // the worst state told
	Resolved bool         `json:"resolved,omitempty"` // the recovery was told
	Issue    int          `json:"issue,omitempty"`    // its GitHub issue, once opened
}

// Told is what one sender told, by incident id.
type Told map[string]Notice

// Memory is what each sender told, by sender name; the state file carries it between runs.
type Memory map[string]Told

// Pages reports whether an incident is worth telling: an outage, not a slow-down.
func Pages(in detect.Incident) bool { return in.Worst.Down() }

// Diff is the events the incidents call for, given what was told: an outage not told yet
// opens (and resolves at once when it is already over), a worse state than the one told
// escalates, a recovery not told resolves. Oldest first.
func Diff(told Told, incidents []detect.Incident) []Event {
	var out []Event
	for _, in := range incidents {
		if !Pages(in) {
			continue
		}
		n, seen := told[in.ID]
		switch {
		case !seen:
			out = append(out, Event{Kind: Open, Incident: in})
		case !n.Resolved && statuspage.Rank(string(in.Worst)) > statuspage.Rank(string(n.State)):
			out = append(out, Event{Kind: Escalate, Incident: in})
		}
		if in.ResolvedAt != nil && !n.Resolved {
			out = append(out, Event{Kind: Resolve, Incident: in})
		}
	}
	slices.SortStableFunc(out, func(a, b Event) int { return a.Incident.StartedAt.Compare(b.Incident.StartedAt) })
	return out
}

// Sender delivers one event. n is what was told of the incident so far; Send may record on it
// what it needs next time (a GitHub issue's number).
type Sender interface {
	Name() string
	Send(ctx context.Context, e Event, run Run, n *Notice) error
}

// Run is what every message says about the run that saw the event.
type Run struct {
	URL       string // a link to the run (CI job), "" when unknown
	Location  string // where the monitor runs
	Simulator string // the simulator note (report.SimulatorNote), "" for a real run
	Secrets   []string
}

// Sync sends what the incidents call for through every sender and records it in mem. Each
// sender keeps its own account: an event a sender failed to take is retried at the next Sync
// (the next run, when the state file carries mem), without repeating it to the others. Errors
// are joined, one per failure.
func Sync(ctx context.Context, mem Memory, incidents []detect.Incident, run Run, senders []Sender) error {
	var errs []error
	for _, s := range senders {
		told := mem[s.Name()]
		if told == nil {
			told = Told{}
			mem[s.Name()] = told
		}
		for _, e := range Diff(told, incidents) {
			n := told[e.Incident.ID]
			if err := s.Send(ctx, e, run, &n); err != nil {
				errs = append(errs, fmt.Errorf("notify %s of %s %s: %w", s.Name(), e.Kind, e.Incident.ID, err))
				if n.Issue != 0 { // keep what the sender made (an issue opened before the failure)
					told[e.Incident.ID] = Notice{State: told[e.Incident.ID].State, Issue: n.Issue}
				}
				continue
			}
			n.State = detect.State(statuspage.Worse(string(n.State), string(e.Incident.Worst)))
			n.Resolved = n.Resolved || e.Kind == Resolve
			told[e.Incident.ID] = n
		}
		prune(told, incidents)
	}
	return errors.Join(errs...)
}

// prune forgets told recoveries of incidents the detector no longer knows.
func prune(told Told, incidents []detect.Incident) {
	known := map[string]bool{}
	for _, in := range incidents {
		known[in.ID] = true
	}
	for id, n := range told {
		if n.Resolved && !known[id] {
			delete(told, id)
		}
	}
}

// Title is the one line that names the event: "openai/chat_stream major_outage" and what
// happened.
func Title(e Event) string {
	in := e.Incident
	name := in.Component
	if in.Target != "" {
		name = in.Target + "/" + in.Component
	}
	switch e.Kind {
	case Escalate:
		return fmt.Sprintf("%s escalated to %s", name, in.Worst)
	case Resolve:
		return fmt.Sprintf("%s recovered after %s (was %s)", name, in.Duration(*in.ResolvedAt).Round(time.Second), in.Worst)
	}
	return fmt.Sprintf("%s %s", name, in.Worst)
}

// Text is the event for people: title, since when, the failure classes, the status page's word
// and the run, redacted.
func Text(e Event, run Run) string {
	in := e.Incident
	var b strings.Builder
	if run.Simulator != "" {
		fmt.Fprintf(&b, "[%s] ", run.Simulator)
	}
	fmt.Fprintf(&b, "%s %s — incident %s, started %s, detected %s", emoji(e.Kind), Title(e), in.ID,
		in.StartedAt.UTC().Format(time.RFC3339), in.DetectedAt.UTC().Format(time.RFC3339))
	if cl := classes(in.Classes); cl != "" {
		fmt.Fprintf(&b, "; failures: %s", cl)
	}
	if in.OfficialAck != nil {
		fmt.Fprintf(&b, "; the status page acknowledged it at %s", in.OfficialAck.UTC().Format(time.RFC3339))
	} else if e.Kind != Resolve {
		b.WriteString("; the status page has not acknowledged it")
	}
	if run.Location != "" {
		fmt.Fprintf(&b, "; seen from %s", run.Location)
	}
	if run.URL != "" {
		fmt.Fprintf(&b, "; run: %s", run.URL)
	}
	return secret.Redact(b.String(), run.Secrets...)
}

func emoji(kind string) string {
	switch kind {
	case Resolve:
		return "✅"
	case Escalate:
		return "🔥"
	}
	return "🔴"
}

// classes is "server_error×12, edge_gateway_error×3", most frequent first.
func classes(m map[string]int) string {
	names := make([]string, 0, len(m))
	for c := range m {
		names = append(names, c)
	}
	slices.SortFunc(names, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(names))
	for i, c := range names {
		parts[i] = fmt.Sprintf("%s×%d", c, m[c])
	}
	return strings.Join(parts, ", ")
}
