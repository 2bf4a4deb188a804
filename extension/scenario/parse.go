package scenario

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// maxScenario bounds what a scenario file may describe; beyond these a file is a mistake.
const (
	maxScenarioDuration = 400 * 24 * time.Hour
	maxPhases           = 10000
)

// Parse reads a scenario in YAML or JSON (JSON is YAML). file names the source in errors,
// which give the line and field: "demo.yaml:12: phases[1].until: 40m is before at (50m)".
func Parse(file string, data []byte) (*Scenario, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: empty scenario", file)
	}
	p := &parser{file: file}
	s := p.scenario(doc.Content[0])
	if p.err != nil {
		return nil, p.err
	}
	return s, nil
}

// parser walks the YAML tree keeping the first error, with its line and field path.
type parser struct {
	file string
	err  error
}

func (p *parser) fail(n *yaml.Node, path, format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf("%s:%d: %s: %s", p.file, n.Line, path, fmt.Sprintf(format, args...))
	}
}

// fields checks that n is a mapping with only the allowed keys, and returns key -> value node.
func (p *parser) fields(n *yaml.Node, path string, allowed ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n.Kind != yaml.MappingNode {
		p.fail(n, path, "want a mapping")
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(allowed, k.Value) {
			p.fail(k, join(path, k.Value), "unknown field (known: %s)", strings.Join(allowed, ", "))
			continue
		}
		if _, dup := out[k.Value]; dup {
			p.fail(k, join(path, k.Value), "given twice")
		}
		out[k.Value] = v
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (p *parser) scenario(n *yaml.Node) *Scenario {
	f := p.fields(n, "", "name", "seed", "duration", "probe_interval", "baseline", "phases", "status_page", "retirements")
	s := &Scenario{ProbeInterval: 15 * time.Second}
	s.Name = p.str(f["name"], "name")
	if s.Name == "" && p.err == nil {
		p.fail(n, "name", "required")
	}
	if v := f["seed"]; v != nil {
		if err := v.Decode(&s.Seed); err != nil {
			p.fail(v, "seed", "want a non-negative integer, got %q", v.Value)
		}
	}
	s.Duration = p.duration(f["duration"], "duration", true)
	if s.Duration > maxScenarioDuration {
		p.fail(f["duration"], "duration", "longer than %v", maxScenarioDuration)
	}
	if v := f["probe_interval"]; v != nil {
		s.ProbeInterval = p.duration(v, "probe_interval", true)
	}
	if v := f["baseline"]; v != nil {
		s.Baseline = p.baseline(v)
	}
	if v := f["phases"]; v != nil {
		p.list(v, "phases", func(i int, e *yaml.Node) {
			s.Phases = append(s.Phases, p.phase(e, fmt.Sprintf("phases[%d]", i), s.Duration))
		})
	}
	if v := f["status_page"]; v != nil {
		p.list(v, "status_page", func(i int, e *yaml.Node) {
			s.StatusPage = append(s.StatusPage, p.status(e, fmt.Sprintf("status_page[%d]", i), s.Duration))
		})
	}
	if v := f["retirements"]; v != nil {
		p.retirements(v, s)
	}
	if p.err == nil {
		sort.SliceStable(s.StatusPage, func(i, j int) bool { return s.StatusPage[i].At < s.StatusPage[j].At })
	}
	return s
}

func (p *parser) list(n *yaml.Node, path string, each func(int, *yaml.Node)) {
	if n.Kind != yaml.SequenceNode {
		p.fail(n, path, "want a list")
		return
	}
	if len(n.Content) > maxPhases {
		p.fail(n, path, "more than %d entries", maxPhases)
		return
	}
	for i, e := range n.Content {
		each(i, e)
	}
}

func (p *parser) baseline(n *yaml.Node) Baseline {
	f := p.fields(n, "baseline", "ttft", "itl", "output_tokens", "error_rate", "errors")
	b := Healthy
	if v := f["ttft"]; v != nil {
		b.TTFT = p.latency(v, "baseline.ttft")
	}
	if v := f["itl"]; v != nil {
		b.ITL = p.latency(v, "baseline.itl")
	}
	if v := f["output_tokens"]; v != nil {
		if err := v.Decode(&b.OutputTokens); err != nil || b.OutputTokens < 1 || b.OutputTokens > 100000 {
			p.fail(v, "baseline.output_tokens", "want an integer from 1 to 100000, got %q", v.Value)
		}
	}
	b.ErrorRate = p.rate(f["error_rate"], "baseline.error_rate")
	b.Errors = p.faultList(f["errors"], "baseline.errors")
	if b.ErrorRate > 0 && len(b.Errors) == 0 && p.err == nil {
		p.fail(n, "baseline.errors", "error_rate is set but no fault ids are given")
	}
	return b
}

func (p *parser) latency(n *yaml.Node, path string) Latency {
	f := p.fields(n, path, "median", "p99")
	l := Latency{Median: p.duration(f["median"], path+".median", true)}
	l.P99 = l.Median
	if v := f["p99"]; v != nil {
		if l.P99 = p.duration(v, path+".p99", true); l.P99 < l.Median {
			p.fail(v, path+".p99", "%v is below the median %v", l.P99, l.Median)
		}
	}
	return l
}

func (p *parser) phase(n *yaml.Node, path string, total time.Duration) Phase {
	f := p.fields(n, path, "at", "until", "components", "truth", "error_rate", "faults", "latency_factor", "ramp_from")
	ph := Phase{Line: n.Line, LatencyFactor: 1}
	ph.At = p.duration(f["at"], path+".at", false)
	ph.Until = p.duration(f["until"], path+".until", true)
	if p.err == nil && ph.Until <= ph.At {
		p.fail(f["until"], path+".until", "%v is not after at (%v)", ph.Until, ph.At)
	}
	if p.err == nil && total > 0 && ph.Until > total {
		p.fail(f["until"], path+".until", "%v is past the scenario's duration (%v)", ph.Until, total)
	}
	if v := f["components"]; v != nil {
		p.list(v, path+".components", func(i int, e *yaml.Node) {
			if !slices.Contains(Components, e.Value) {
				p.fail(e, fmt.Sprintf("%s.components[%d]", path, i), "unknown component %q (known: %s)", e.Value, strings.Join(Components, ", "))
			}
			ph.Components = append(ph.Components, e.Value)
		})
	} else {
		p.fail(n, path+".components", "required")
	}
	ph.Truth = p.str(f["truth"], path+".truth")
	if !slices.Contains(States, ph.Truth) {
		p.fail(orNode(f["truth"], n), path+".truth", "want one of %s, got %q", strings.Join(States, ", "), ph.Truth)
	}
	ph.ErrorRate = p.rate(f["error_rate"], path+".error_rate")
	if v := f["faults"]; v != nil {
		ff := p.fields(v, path+".faults", FaultIDs...)
		ph.Faults = map[string]float64{}
		for id, w := range ff {
			var x float64
			if err := w.Decode(&x); err != nil {
				p.fail(w, path+".faults."+id, "want a weight, got %q", w.Value)
				continue
			}
			if x <= 0 || math.IsInf(x, 0) || math.IsNaN(x) {
				p.fail(w, path+".faults."+id, "weight must be positive, got %v", x)
			}
			ph.Faults[id] = x
		}
	}
	if ph.ErrorRate > 0 && len(ph.Faults) == 0 && p.err == nil {
		p.fail(n, path+".faults", "error_rate is set but no faults are given")
	}
	if v := f["latency_factor"]; v != nil {
		if err := v.Decode(&ph.LatencyFactor); err != nil || ph.LatencyFactor <= 0 || ph.LatencyFactor > 1000 ||
			math.IsNaN(ph.LatencyFactor) {
			p.fail(v, path+".latency_factor", "want a number above 0 and at most 1000, got %q", v.Value)
		}
	}
	if v := f["ramp_from"]; v != nil {
		if err := v.Decode(&ph.RampFrom); err != nil || ph.RampFrom <= 0 || ph.RampFrom > 1000 || math.IsNaN(ph.RampFrom) {
			p.fail(v, path+".ramp_from", "want a number above 0 and at most 1000, got %q", v.Value)
		}
	}
	return ph
}

func (p *parser) status(n *yaml.Node, path string, total time.Duration) StatusEntry {
	f := p.fields(n, path, "at", "components", "incident")
	e := StatusEntry{At: p.duration(f["at"], path+".at", false), Components: map[string]string{}}
	if p.err == nil && total > 0 && e.At > total {
		p.fail(f["at"], path+".at", "%v is past the scenario's duration (%v)", e.At, total)
	}
	if v := f["components"]; v != nil {
		for c, st := range p.fields(v, path+".components", Components...) {
			if !slices.Contains(States, st.Value) {
				p.fail(st, path+".components."+c, "want one of %s, got %q", strings.Join(States, ", "), st.Value)
			}
			e.Components[c] = st.Value
		}
	}
	e.Incident = p.str(f["incident"], path+".incident")
	return e
}

func (p *parser) faultList(n *yaml.Node, path string) []string {
	var out []string
	if n == nil {
		return out
	}
	p.list(n, path, func(i int, e *yaml.Node) {
		if !slices.Contains(FaultIDs, e.Value) {
			p.fail(e, fmt.Sprintf("%s[%d]", path, i), "unknown fault id %q", e.Value)
		}
		out = append(out, e.Value)
	})
	return out
}

func (p *parser) str(n *yaml.Node, path string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		p.fail(n, path, "want a string")
		return ""
	}
	return n.Value
}

func (p *parser) rate(n *yaml.Node, path string) float64 {
	if n == nil {
		return 0
	}
	var x float64
	if err := n.Decode(&x); err != nil || x < 0 || x > 1 || math.IsNaN(x) {
		p.fail(n, path, "want a share from 0 to 1, got %q", n.Value)
	}
	return x
}

// duration reads "10m", "400ms", "2h" (Go syntax) or "1d"-style days.
func (p *parser) duration(n *yaml.Node, path string, positive bool) time.Duration {
	if n == nil {
		if p.err == nil {
			p.err = fmt.Errorf("%s: %s: required", p.file, path)
		}
		return 0
	}
	d, err := parseDuration(n.Value)
	switch {
	case n.Kind != yaml.ScalarNode || err != nil:
		p.fail(n, path, "want a duration like 90s, 10m or 7d, got %q", n.Value)
	case d < 0 || (positive && d == 0):
		p.fail(n, path, "must be positive, got %v", d)
	}
	return d
}

func parseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(days, "%d", &n); err != nil || fmt.Sprint(n) != days || n < 0 || n > 100000 {
			return 0, errors.New("bad day count")
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

func orNode(a, b *yaml.Node) *yaml.Node {
	if a != nil {
		return a
	}
	return b
}
