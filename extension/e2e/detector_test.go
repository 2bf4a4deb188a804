package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// scripts/demo.js, played 6x faster than its default (20 s instead of two minutes): the
// detector reports the slow-down, the outages and the recovery in k6's own output, and the
// reports are written, the outage in them.
func TestDemoTellsTheStory(t *testing.T) {
	dir := t.TempDir()
	r := k6run(t, "scripts/demo.js", "DEMO_SPEED=120", "CHATGPT_REPORT_DIR="+dir, "CHATGPT_LOCATION=e2e-lab")
	out := r.stdout + r.stderr
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, out)
	}
	for _, f := range []string{"report.md", "junit.xml", "report.json", "report.html", "badges/overall.svg"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || len(b) == 0 {
			t.Errorf("the demo wrote no %s: %v", f, err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "report.json"))
	var doc struct {
		Incidents []struct {
			ID       string `json:"id"`
			Worst    string `json:"worst"`
			Evidence struct {
				RequestIDs   []string `json:"request_ids"`
				FirstMessage string   `json:"first_message"`
				Blame        string   `json:"blame"`
				Location     string   `json:"location"`
			} `json:"evidence"`
		} `json:"incidents"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	outage, evidence := false, false
	for _, in := range doc.Incidents {
		outage = outage || in.Worst == "major_outage"
		ev := in.Evidence
		if in.Worst == "major_outage" && len(ev.RequestIDs) > 0 && len(ev.RequestIDs) <= 3 && ev.FirstMessage != "" &&
			ev.Blame == "provider" && ev.Location == "e2e-lab" {
			evidence = true
		}
	}
	if !outage || !evidence { // an incident leads to its requests (the edge's 5xx carry no request id)
		t.Errorf("report.json's incidents lack the outage or its evidence:\n%s", b)
	}
	for _, want := range []string{
		"openai/chat_stream operational -> degraded_performance",
		"-> major_outage",
		"recovered",
		"final verdict: SIMULATOR, not a real API — operational",
		"incident openai/models-",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// `k6 x chatgpt replay --json` prints one object per scenario with the documented keys.
func TestReplayCommand(t *testing.T) {
	root := repoRoot(t)
	cmd := exec.Command(k6Binary(t), "x", "chatgpt", "replay", "--json",
		root+"/scripts/scenarios/full-outage.yaml", root+"/scripts/scenarios/bad-key.yaml")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines:\n%s", out)
	}
	var full struct {
		Scenario string
		Phases   []struct {
			TTD *float64 `json:"ttd_s"`
		}
		FalseAlarms *int `json:"false_alarms"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &full); err != nil || full.Scenario != "full-outage" || len(full.Phases) != 6 ||
		full.FalseAlarms == nil || *full.FalseAlarms != 0 {
		t.Fatalf("%v: %s", err, lines[0])
	}
	for _, p := range full.Phases {
		if p.TTD == nil || *p.TTD > 45 {
			t.Fatalf("full outage detected late: %s", lines[0])
		}
	}
	table, err := exec.Command(k6Binary(t), "x", "chatgpt", "replay", root+"/scripts/scenarios/bad-key.yaml").Output()
	if err != nil || !strings.Contains(string(table), "local account: auth_invalid") || !strings.Contains(string(table), "false alarms in healthy time: 0") {
		t.Fatalf("%v\n%s", err, table)
	}
	// --runs: the scenario as 15-minute runs handing the state file on, compared with one
	// continuous run and with runs that forget.
	chopped, err := exec.Command(k6Binary(t), "x", "chatgpt", "replay", "--json", "--runs", "15m", root+"/scripts/scenarios/official-ack-30m.yaml").Output()
	var c struct {
		Runs    int `json:"runs"`
		Chopped struct {
			MaxTTDDiff float64 `json:"max_ttd_difference_s"`
		} `json:"chopped"`
	}
	if err != nil || json.Unmarshal(chopped, &c) != nil {
		t.Fatalf("%v\n%s", err, chopped)
	}
	if c.Runs != 12 || c.Chopped.MaxTTDDiff != 0 || !strings.Contains(string(chopped), `"incidents_without_state":8`) ||
		!strings.Contains(string(chopped), `"continuous_incidents":2`) {
		t.Fatalf("--runs 15m: %s", chopped)
	}
	bad := exec.Command(k6Binary(t), "x", "chatgpt", "replay", root+"/README.md")
	if msg, err := bad.CombinedOutput(); err == nil || !strings.Contains(string(msg), "README.md") {
		t.Fatalf("a bad file must fail naming it: %v %s", err, msg)
	}
}
