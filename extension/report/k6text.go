package report

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
)

// K6Text renders k6's end-of-test summary data (handleSummary's argument) as text in k6's
// layout — thresholds, checks, then every metric — because a handleSummary that returns its own
// stdout replaces k6's.
func K6Text(data map[string]any) string {
	metrics := asMap(data["metrics"])
	names := make([]string, 0, len(metrics))
	for n := range metrics {
		names = append(names, n)
	}
	slices.Sort(names)
	var b strings.Builder
	var th strings.Builder
	for _, n := range names {
		m := asMap(metrics[n])
		ths := asMap(m["thresholds"])
		if len(ths) == 0 {
			continue
		}
		fmt.Fprintf(&th, "    %s\n", n)
		srcs := make([]string, 0, len(ths))
		for s := range ths {
			srcs = append(srcs, s)
		}
		slices.Sort(srcs)
		for _, s := range srcs {
			mark := "✓"
			if asMap(ths[s])["ok"] == false {
				mark = "✗"
			}
			fmt.Fprintf(&th, "    %s '%s'\n", mark, s)
		}
	}
	if th.Len() > 0 {
		b.WriteString("  █ THRESHOLDS\n\n" + th.String() + "\n")
	}
	b.WriteString("  █ TOTAL RESULTS\n\n")
	for _, n := range names {
		m := asMap(metrics[n])
		vals := asMap(m["values"])
		fmt.Fprintf(&b, "    %s: %s\n", pad(n, 34), values(m["type"], m["contains"], vals))
	}
	return b.String()
}

func pad(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return s + strings.Repeat(".", n-len(s))
}

func values(typ, contains any, v map[string]any) string {
	num := func(k string) float64 { return number(v[k]) }
	val := func(k string) string {
		f := num(k)
		switch contains {
		case "time":
			return ms(f)
		case "data":
			return bytesText(f)
		}
		if f == math.Trunc(f) && math.Abs(f) < 1e15 {
			return fmt.Sprintf("%.0f", f)
		}
		return fmt.Sprintf("%.6g", f)
	}
	switch typ {
	case "trend":
		return fmt.Sprintf("avg=%s min=%s med=%s max=%s p(90)=%s p(95)=%s", val("avg"), val("min"), val("med"), val("max"), val("p(90)"), val("p(95)"))
	case "rate":
		return fmt.Sprintf("%.2f%% %.0f out of %.0f", 100*num("rate"), num("passes"), num("passes")+num("fails"))
	case "counter":
		return fmt.Sprintf("%s %.6g/s", val("count"), num("rate"))
	case "gauge":
		return fmt.Sprintf("%s min=%s max=%s", val("value"), val("min"), val("max"))
	}
	return fmt.Sprint(v)
}

// Thresholds reads every threshold's outcome from k6's summary data.
func Thresholds(data map[string]any) []Threshold {
	var out []Threshold
	for n, mv := range asMap(data["metrics"]) {
		for s, tv := range asMap(asMap(mv)["thresholds"]) {
			ok, _ := asMap(tv)["ok"].(bool)
			out = append(out, Threshold{Metric: n, Threshold: s, OK: ok})
		}
	}
	slices.SortFunc(out, func(a, b Threshold) int { return strings.Compare(a.Metric+" "+a.Threshold, b.Metric+" "+b.Threshold) })
	return out
}

// number reads a JSON-ish number as the JS runtime exports it (float64, or int64 for integers).
func number(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int64:
		return float64(n)
	case int:
		return float64(n)
	}
	return 0
}

// asMap reads an object of the summary data whatever map type k6 built it with (the metric
// values are a map[string]float64, the rest map[string]any).
func asMap(v any) map[string]any {
	switch m := v.(type) {
	case map[string]any:
		return m
	case map[string]float64:
		out := make(map[string]any, len(m))
		for k, x := range m {
			out[k] = x
		}
		return out
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Map || rv.Type().Key().Kind() != reflect.String {
		return nil
	}
	out := make(map[string]any, rv.Len())
	for it := rv.MapRange(); it.Next(); {
		out[it.Key().String()] = it.Value().Interface()
	}
	return out
}

func bytesText(f float64) string {
	for _, u := range []string{"B", "kB", "MB", "GB"} {
		if f < 1000 || u == "GB" {
			if u == "B" {
				return fmt.Sprintf("%.0f B", f)
			}
			return fmt.Sprintf("%.1f %s", f, u)
		}
		f /= 1000
	}
	return ""
}
