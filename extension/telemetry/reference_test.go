package telemetry

import (
	"os"
	"strings"
	"testing"
)

const (
	beginMetrics = "<!-- metrics: generated from extension/telemetry.Defs; `make docs` rewrites it -->\n"
	endMetrics   = "<!-- end of metrics -->"
)

// The metrics reference of docs/metrics.md is Reference() verbatim, so a metric added to the
// table (or reworded) is documented in the same change; UPDATE_DOCS=1 (make docs) rewrites it.
func TestDocsMetricsReference(t *testing.T) {
	path := "../../docs/metrics.md"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	i, j := strings.Index(readme, beginMetrics), strings.Index(readme, endMetrics)
	if i < 0 || j < i {
		t.Fatalf("docs/metrics.md has no metrics markers (%q … %q)", beginMetrics, endMetrics)
	}
	have, want := readme[i+len(beginMetrics):j], Reference()
	if have == want {
		return
	}
	if os.Getenv("UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(readme[:i+len(beginMetrics)]+want+readme[j:]), 0o600); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("docs/metrics.md's metrics table differs from telemetry.Defs (make docs rewrites it); want:\n%s", want)
}

func TestReferenceListsEveryMetric(t *testing.T) {
	ref := Reference()
	for _, d := range Defs {
		if !strings.Contains(ref, "| `"+d.Name+"` |") {
			t.Errorf("%s missing", d.Name)
		}
	}
	if !strings.Contains(ref, "| `chatgpt_ttft` | trend (ms) |") || !strings.Contains(ref, "| `chatgpt_probes` | counter | class, blame |") {
		t.Errorf("types or tags rendered wrongly:\n%s", ref)
	}
}
