package report

import (
	"strings"
	"testing"
)

// k6's summary data as handleSummary receives it: values are a map[string]float64, integers
// may come as int64.
func TestK6Text(t *testing.T) {
	data := map[string]any{"metrics": map[string]any{
		"chatgpt_probes": map[string]any{"type": "counter", "contains": "default", "values": map[string]float64{"count": 16, "rate": 3.5},
			"thresholds": map[string]any{"count>0": map[string]any{"ok": true}}},
		"chatgpt_ttft": map[string]any{"type": "trend", "contains": "time", "values": map[string]float64{"avg": 393, "min": 191, "med": 258,
			"max": 1642, "p(90)": 640, "p(95)": 641}},
		"chatgpt_local": map[string]any{"type": "rate", "contains": "default", "values": map[string]any{"rate": 0.25, "passes": int64(4), "fails": int64(12)},
			"thresholds": map[string]any{"rate<0.1": map[string]any{"ok": false}}},
		"data_received": map[string]any{"type": "counter", "contains": "data", "values": map[string]float64{"count": 26284, "rate": 6007}},
	}}
	got := K6Text(data)
	for _, want := range []string{"✓ 'count>0'", "✗ 'rate<0.1'", "chatgpt_probes....", ": 16 3.5/s",
		"avg=393ms min=191ms med=258ms max=1.64s p(90)=640ms p(95)=641ms", "25.00% 4 out of 16", "26.3 kB"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	th := Thresholds(data)
	if len(th) != 2 || th[0].Metric != "chatgpt_local" || th[0].OK || !th[1].OK {
		t.Errorf("thresholds %+v", th)
	}
	if K6Text(map[string]any{}) == "" || len(Thresholds(nil)) != 0 {
		t.Error("empty data")
	}
}
