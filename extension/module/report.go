package module

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/report"
)

var reportOptions = []string{"stdout", "markdown", "junit", "json", "html", "history", "badges", "previousRun"}

// report is chatgpt.report(data, options) for handleSummary: k6's summary and the run's verdict
// on stdout, and the files asked for (paths as keys, as handleSummary expects):
//
//	markdown, junit, json, html: where to write each format
//	history: a folder of earlier runs' JSON reports, for the HTML uptime bars
//	badges: a folder for one SVG status badge per component (and overall.svg)
//	previousRun: the previous scheduled run's start (RFC 3339), to show late or skipped runs
//	stdout: false leaves stdout out
func (i *Instance) report(data map[string]any, opts map[string]any) (map[string]any, error) {
	for k := range opts {
		if !slices.Contains(reportOptions, k) {
			return nil, fmt.Errorf("chatgpt.report: unknown option %q (known: %s)", k, strings.Join(reportOptions, ", "))
		}
	}
	str := func(k string) string { s, _ := opts[k].(string); return s }
	var prev *time.Time
	if s := str("previousRun"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, fmt.Errorf("chatgpt.report: previousRun %q is not an RFC 3339 time", s)
		}
		prev = &t
	}
	if err := i.root.flush(context.Background(), i.logger()); err != nil { // the report still goes out; the next run starts from priors
		i.logger().Warnf("xk6-chatgpt: %v", err)
	}
	now := time.Now()
	snap := i.root.detector().Snapshot(now)
	run := report.Build(snap, i.root.recorder(), now, report.Thresholds(data), prev)
	as := attributeAll(snap)
	run.Attribute(as, verdict(snap, as))
	run.WarnShutdowns(i.root.shutdowns())
	run.MarkSimulator(i.root.simulatorNote())
	out := map[string]any{}
	if v, ok := opts["stdout"]; !ok || v != false {
		banner := ""
		if run.Simulator != "" {
			banner = "  ⚠ " + run.Simulator + ": these results describe the simulator, not the service\n\n"
		}
		out["stdout"] = "\n" + banner + report.K6Text(data) + "\n" + report.Text(run) + "\n"
	}
	if p := str("markdown"); p != "" {
		out[p] = report.Markdown(run)
	}
	if p := str("junit"); p != "" {
		x, err := report.JUnit(run)
		if err != nil {
			return nil, fmt.Errorf("chatgpt.report: %w", err)
		}
		out[p] = string(x)
	}
	if p := str("json"); p != "" {
		b, err := jsonIndent(run)
		if err != nil {
			return nil, fmt.Errorf("chatgpt.report: %w", err)
		}
		out[p] = b
	}
	if p := str("html"); p != "" {
		h, err := report.LoadHistory(str("history"), now, &run)
		if err != nil {
			return nil, fmt.Errorf("chatgpt.report: %w", err)
		}
		page, err := report.HTML(run, h)
		if err != nil {
			return nil, fmt.Errorf("chatgpt.report: %w", err)
		}
		out[p] = string(page)
	}
	if dir := str("badges"); dir != "" {
		label := func(name string, simulated bool) string {
			if simulated {
				return name + " (simulator)"
			}
			return name
		}
		out[path.Join(dir, "overall.svg")] = report.Badge(label("ChatGPT", run.Simulator != ""), run.Overall)
		for _, c := range run.Components {
			out[path.Join(dir, fileName(c.Name())+".svg")] = report.Badge(label(c.Name(), i.root.simulated(c.Target)), c.State)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("chatgpt.report: nothing to write (stdout: false and no file asked for)")
	}
	for p := range out { // k6 writes the files but does not create their folders
		if dir := filepath.Dir(p); p != "stdout" && p != "stderr" && dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("chatgpt.report: %w", err)
			}
		}
	}
	return out, nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// fileName makes a component name safe as a file name: "openai/chat_stream" -> "openai-chat_stream".
func fileName(s string) string { return strings.Trim(unsafeName.ReplaceAllString(s, "-"), "-.") }
