package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
)

// Markdown is the report for people in CI ($GITHUB_STEP_SUMMARY, merge request notes). Provider
// text is untrusted: table cells are escaped so it cannot break the table or inject markup.
func Markdown(r Run) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s %s\n\n**%s**\n\n", emoji(r.Overall), md(r.Title()), md(r.Verdict))
	fmt.Fprintf(&b, "Run %s → %s", clock(r.StartedAt), clock(r.EndedAt))
	if r.ScheduleGap != nil {
		fmt.Fprintf(&b, " (previous run %s earlier)", (time.Duration(*r.ScheduleGap) * time.Second).Round(time.Second))
	}
	b.WriteString("\n\n")
	if len(r.Components) > 0 {
		b.WriteString("| component | state | official | availability | TTFT p50 | TTFT p95 | failures |\n|---|---|---|---:|---:|---:|---|\n")
		for _, c := range r.Components {
			fmt.Fprintf(&b, "| %s | %s %s | %s | %.1f %% | %s | %s | %s |\n", md(c.Name()), emoji(c.State), c.Shown(), orDash(string(c.Official)),
				100*c.Availability, ms(c.TTFTP50), ms(c.TTFTP95), md(failures(c)))
		}
		b.WriteString("\n")
	}
	if len(r.Incidents) > 0 {
		b.WriteString("### Incidents\n\n| incident | worst | started | detected | resolved | lead over status page | classes |\n|---|---|---|---|---|---|---|\n")
		for _, in := range r.Incidents {
			res := "open"
			if in.ResolvedAt != nil {
				res = fmt.Sprintf("%s (lasted %s)", clock(*in.ResolvedAt), in.Duration(*in.ResolvedAt).Round(time.Second))
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s (+%s) | %s | %s | %s |\n", md(in.ID), in.Worst, clock(in.StartedAt), clock(in.DetectedAt),
				in.TimeToDetect().Round(time.Second), res, orDash(strings.TrimPrefix(lead(in.LeadS), ", ")), md(classes(in.Classes)))
		}
		b.WriteString("\n")
		for _, in := range r.Incidents {
			if ev := in.Evidence.String(); ev != "" {
				fmt.Fprintf(&b, "- %s: %s\n", md(in.ID), md(ev))
			}
		}
		b.WriteString("\n")
	}
	for _, bl := range r.Blips {
		fmt.Fprintf(&b, "Blip, not paged: %s failed %d times from %s to %s (%s).\n\n", md(name(bl.Target, bl.Component)), bl.Failures,
			clock(bl.StartedAt), clock(bl.EndedAt), md(classes(bl.Classes)))
	}
	if len(r.Alternatives) > 0 {
		b.WriteString("### Alternatives\n\n| target | state | TTFT |\n|---|---|---:|\n")
		for _, a := range r.Alternatives {
			fmt.Fprintf(&b, "| %s | %s %s | %s |\n", md(a.Target), emoji(a.State), a.State, ms(a.TTFTMs))
		}
		b.WriteString("\n")
	}
	if r.Local != nil {
		fmt.Fprintf(&b, "> **It's you, not them:** %s on %s — %s\n\n", r.Local.Class, md(strings.Join(r.Local.Where, ", ")), md(r.Local.Advice))
	}
	if r.Memory != nil {
		fmt.Fprintf(&b, "_Detector memory: %s._\n\n", md(r.Memory.Note))
	}
	if len(r.Thresholds) > 0 {
		b.WriteString("### Thresholds\n\n| metric | threshold | result |\n|---|---|---|\n")
		for _, t := range r.Thresholds {
			res := "✅ passed"
			if !t.OK {
				res = "❌ failed"
			}
			fmt.Fprintf(&b, "| `%s` | `%s` | %s |\n", strings.ReplaceAll(t.Metric, "`", "'"), strings.ReplaceAll(t.Threshold, "`", "'"), res)
		}
	}
	return b.String()
}

// failures is a component's failure classes and the provider's latest words.
func failures(c Component) string {
	s := classes(c.Classes)
	if c.LastError != "" {
		s += ": " + c.LastError
	}
	return s
}

func emoji(s detect.State) string {
	switch s {
	case detect.Major:
		return "🟥"
	case detect.Partial:
		return "🟧"
	case detect.Degraded:
		return "🟨"
	case detect.Maintenance:
		return "🟦"
	}
	return "🟩"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// md escapes text for a Markdown table cell: pipes, markup and HTML.
func md(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "`", "'", "[", `\[`, "]", `\]`)
	return r.Replace(s)
}
