package report

import (
	"fmt"
	"strings"
)

// ModelShutdown is one probed model whose shutdown is near or past.
type ModelShutdown struct {
	Target      string `json:"target"`
	Model       string `json:"model"`
	Shutdown    string `json:"shutdown_date"`
	DaysLeft    int    `json:"days_left"`
	Replacement string `json:"replacement,omitempty"`
}

// ShutdownWarning is the verdict's sentence for shutdowns ("" for none).
func ShutdownWarning(ms []ModelShutdown) string {
	var parts []string
	for _, m := range ms {
		when := fmt.Sprintf("shuts down on %s (in %d days)", m.Shutdown, m.DaysLeft)
		switch {
		case m.DaysLeft == 0:
			when = "shuts down today (" + m.Shutdown + ")"
		case m.DaysLeft < 0:
			when = "was shut down on " + m.Shutdown
		}
		s := fmt.Sprintf("%s/%s %s", m.Target, m.Model, when)
		if m.Replacement != "" {
			s += "; move to " + m.Replacement
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return ""
	}
	return "warning: model " + strings.Join(parts, "; model ")
}

// WarnShutdowns records the shutdowns on the run and appends their warning to the verdict.
func (r *Run) WarnShutdowns(ms []ModelShutdown) {
	r.ModelShutdowns = ms
	if w := ShutdownWarning(ms); w != "" {
		r.Verdict += " — " + w
	}
}
