package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The scheduled monitor writes every report CI keeps, with the previous run's start carried
// through, and prints k6's summary with the verdict.
func TestMonitorWritesReports(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "reports")
	r := k6run(t, "scripts/chatgpt.js", append(short, "CHATGPT_TARGET=simulator", "CHATGPT_REPORT_DIR="+dir, "CHATGPT_PREVIOUS_RUN=2026-11-22T02:45:00Z",
		"CHATGPT_HISTORY_DIR="+filepath.Join(repoRoot(t), "extension/report/testdata/history"))...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"█ THRESHOLDS", "chatgpt_probes....", "█ CHATGPT VERDICT", "operational: 4 component(s) healthy"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, f := range []string{"report.md", "junit.xml", "report.json", "report.html", "badges/overall.svg", "badges/openai-chat_stream.svg"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "report.json"))
	var doc struct {
		SchemaVersion int      `json:"schema_version"`
		Previous      string   `json:"previous_run_started_at"`
		Gap           *float64 `json:"schedule_gap_s"`
		Components    []any    `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc.SchemaVersion != 1 || doc.Previous != "2026-11-22T02:45:00Z" || doc.Gap == nil || len(doc.Components) != 4 {
		t.Errorf("report.json: %v %+v", err, doc)
	}
	html, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	if !strings.Contains(string(html), `id="uptime"`) || !strings.Contains(string(html), "unreadable files skipped") {
		t.Errorf("report.html lacks the history")
	}
}
