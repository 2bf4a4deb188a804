package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
)

// The HTML report is one self-contained file: inline CSS and SVG, no script and no network.
// html/template escapes every value for its context, so provider text (an error body is
// untrusted input) can never become markup.

//go:embed report.html.tmpl
var htmlTemplate string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"color": func(s detect.State) string { return color(s) },
	"ms":    ms,
	"clock": clock,
	"pct":   func(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) },
	"resolved": func(t *time.Time) string {
		if t == nil {
			return "open"
		}
		return clock(*t)
	},
	"lead":    func(s *float64) string { return orDash(strings.TrimPrefix(lead(s), ", ")) },
	"classes": classes,
	"ttd":     func(in detect.Incident) string { return in.TimeToDetect().Round(time.Second).String() },
	"deref":   func(p *float64) float64 { return *p },
	"rows":    func(n int) int { return max(n, 1) * 24 },
	"rowY":    func(i int) int { return i * 24 },
	"add":     func(d float64, v any) float64 { return toF(v) + d },
	"mul":     func(i, k int) int { return i * k },
	"daycolor": func(d Day) string {
		switch u := d.Uptime(); {
		case u < 0:
			return color("")
		case d.Worst != "" && d.Worst != detect.Operational && d.Worst != detect.Maintenance:
			return color(d.Worst)
		case u < 0.99:
			return color(detect.Degraded)
		}
		return color(detect.Operational)
	},
	"dayTitle": func(h *History, i int, d Day) string {
		if d.Probes == 0 {
			return h.Days[i].Format("2006-01-02") + ": no data"
		}
		return fmt.Sprintf("%s: %.2f%% of %d probes ok, worst %s", h.Days[i].Format("2006-01-02"), 100*d.Uptime(), d.Probes, d.Worst)
	},
}).Parse(htmlTemplate))

func toF(v any) float64 {
	switch n := v.(type) {
	case int:
		return float64(n)
	case float64:
		return n
	case string:
		var f float64
		_, _ = fmt.Sscan(n, &f)
		return f
	}
	return 0
}

type view struct {
	Run       Run
	Timeline  []timelineRow
	Chart     chart
	History   *History
	Generated string
}

type timelineRow struct {
	Name  string
	Rects []rect
}

type rect struct {
	X, W  float64
	Color string
	Title string
}

type chart struct {
	Lines []line
	MaxMs float64
	Ticks []tick
}

type line struct {
	Name, Color, Points string
}

type tick struct {
	Y     float64
	Label string
}

// Timeline and chart geometry (SVG user units).
const (
	plotW = 900.0
	plotH = 160.0
)

var palette = []string{"#0366d6", "#6f42c1", "#e36209", "#22863a", "#d73a49", "#005cc5", "#b08800", "#5a32a3"}

// HTML renders the run (and the history, when given) as one HTML file.
func HTML(r Run, h *History) ([]byte, error) {
	v := view{Run: r, History: h, Generated: clock(r.EndedAt)}
	span := r.EndedAt.Sub(r.StartedAt).Seconds()
	if span <= 0 {
		span = 1
	}
	x := func(t time.Time) float64 { return plotW * t.Sub(r.StartedAt).Seconds() / span }
	var maxMs float64
	for _, s := range r.Timeline {
		for _, b := range s.Buckets {
			maxMs = max(maxMs, b.TTFTP50)
		}
	}
	maxMs = max(maxMs*1.1, 1)
	for i, s := range r.Timeline {
		row := timelineRow{Name: name(s.Target, s.Component)}
		var pts []string
		var span [2]float64 // the x extent of the only bucket with a TTFT, while there is one
		for j, b := range s.Buckets {
			end := r.EndedAt
			if j+1 < len(s.Buckets) {
				end = s.Buckets[j+1].At
			}
			x0, x1 := max(x(b.At), 0), min(x(end), plotW)
			row.Rects = append(row.Rects, rect{X: x0, W: max(x1-x0, 1), Color: color(b.State),
				Title: fmt.Sprintf("%s %s: %s, %d probes, %d failed", clock(b.At), row.Name, b.State, b.Probes, b.Failed)})
			if b.TTFTP50 > 0 {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", (x0+x1)/2, plotH-plotH*b.TTFTP50/maxMs))
				span = [2]float64{x0, x1}
			}
		}
		if len(pts) == 1 { // a polyline of one point draws nothing: the bucket's median across its span
			y := pts[0][strings.IndexByte(pts[0], ',')+1:]
			pts = []string{fmt.Sprintf("%.1f,%s", span[0], y), fmt.Sprintf("%.1f,%s", max(span[1], span[0]+1), y)}
		}
		v.Timeline = append(v.Timeline, row)
		if len(pts) > 0 {
			v.Chart.Lines = append(v.Chart.Lines, line{Name: row.Name, Color: palette[i%len(palette)], Points: strings.Join(pts, " ")})
		}
	}
	v.Chart.MaxMs = maxMs
	for _, f := range []float64{0, 0.5, 1} {
		label := ms(maxMs * f)
		if f == 0 {
			label = "0"
		}
		v.Chart.Ticks = append(v.Chart.Ticks, tick{Y: plotH - plotH*f, Label: label})
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, v); err != nil {
		return nil, fmt.Errorf("html report: %w", err)
	}
	return buf.Bytes(), nil
}

func name(target, component string) string {
	if target == "" {
		return component
	}
	return target + "/" + component
}
