package report

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
)

// A run short enough to fill one timeline bucket (any run under a few minutes, `make run`
// among them) still draws its TTFT: a polyline needs two points to show anything.
func TestTTFTChartDrawsOneBucket(t *testing.T) {
	start := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	r := Run{StartedAt: start, EndedAt: start.Add(time.Minute), Overall: detect.Operational,
		Timeline: []Series{{Component: "chat_stream", Buckets: []Bucket{{At: start, State: detect.Operational, Probes: 4, TTFTP50: 420}}}}}
	html, err := HTML(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<polyline [^>]*points="([^"]*)"`).FindStringSubmatch(string(html))
	if m == nil {
		t.Fatal("no TTFT line")
	}
	if pts := strings.Fields(m[1]); len(pts) < 2 || pts[0] == pts[1] {
		t.Fatalf("TTFT line %q draws nothing", m[1])
	}
}
