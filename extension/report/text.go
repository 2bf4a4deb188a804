package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
)

// Text is the report's section for k6's stdout: the verdict, one line per component, the
// incidents and the alternatives.
func Text(r Run) string {
	var b strings.Builder
	title := "CHATGPT VERDICT"
	if r.Simulator != "" {
		title += " (" + r.Simulator + ")"
	}
	fmt.Fprintf(&b, "  █ %s\n\n    %s\n\n", title, r.Verdict)
	if len(r.Components) > 0 {
		fmt.Fprintf(&b, "    %-28s %-22s %7s %9s %9s  %s\n", "component", "state", "avail", "ttft p50", "ttft p95", "failures")
		for _, c := range r.Components {
			fmt.Fprintf(&b, "    %-28s %-22s %6.1f%% %9s %9s  %s\n", c.Name(), c.Shown(), 100*c.Availability, ms(c.TTFTP50), ms(c.TTFTP95), classes(c.Classes))
		}
		b.WriteString("\n")
	}
	for _, in := range r.Incidents {
		fmt.Fprintf(&b, "    incident %s: %s, started %s, detected %s (+%s), %s%s\n", in.ID, in.Worst, clock(in.StartedAt),
			clock(in.DetectedAt), in.TimeToDetect().Round(time.Second), resolved(in), lead(in.LeadS))
	}
	if r.Memory != nil {
		fmt.Fprintf(&b, "    memory: %s\n", r.Memory.Note)
	}
	for _, a := range r.Alternatives {
		up := "down"
		if a.Up {
			up = "up"
		}
		fmt.Fprintf(&b, "    alternative %s: %s (%s, TTFT %s)\n", a.Target, up, a.State, ms(a.TTFTMs))
	}
	if r.ScheduleGap != nil {
		fmt.Fprintf(&b, "    previous scheduled run %s before this one\n", (time.Duration(*r.ScheduleGap) * time.Second).Round(time.Second))
	}
	return b.String()
}

func ms(v float64) string {
	if v <= 0 {
		return "-"
	}
	if v >= 1000 {
		return fmt.Sprintf("%.2fs", v/1000)
	}
	return fmt.Sprintf("%.0fms", v)
}

func classes(m map[string]int) string {
	if len(m) == 0 {
		return "-"
	}
	keys := sortedKeys(m)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s ×%d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func clock(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }

func resolved(in detect.Incident) string {
	if in.ResolvedAt == nil {
		return "still open"
	}
	return fmt.Sprintf("resolved %s, lasted %s", clock(*in.ResolvedAt), in.Duration(*in.ResolvedAt).Round(time.Second))
}

func lead(s *float64) string {
	if s == nil {
		return ""
	}
	d := (time.Duration(*s) * time.Second).Round(time.Second)
	if d < 0 {
		return fmt.Sprintf(", %s behind the status page", -d)
	}
	return fmt.Sprintf(", %s ahead of the status page", d)
}
