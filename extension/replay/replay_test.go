package replay_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/replay"
)

func run(t *testing.T, name string) replay.Result {
	t.Helper()
	return replay.Run(load(t, name), nil, 0, detect.Defaults)
}

// The detector's figures on the committed scenario library (seeds as committed). A regression
// in detection speed, recovery, severity or false alarms fails here; the README quotes them.
func TestScenarioFigures(t *testing.T) {
	for _, tc := range []struct {
		scenario    string
		maxTTD      float64 // seconds, for every bad phase
		maxRecovery float64 // seconds after the truth recovers (-1: not checked)
		severity    string  // worst state every bad phase must reach ("" any)
		maxTrans    int     // transitions per bad phase (0: not checked)
		local       string  // the verdict's local attribution mid-phase
	}{
		// Recovery: a clean outage (it hardly answered) ends on a short run of successes; one
		// that answered now and then must rule out 20 % failing first — about twenty successes
		// once the politeness gate lets the next probe through (detect/errorrate.go), so these
		// allow 150 s.
		{"full-outage", 45, 120, "major_outage", 2, ""},
		{"cloudflare-edge-outage", 45, 150, "major_outage", 2, ""},
		{"official-ack-30m", 45, 150, "major_outage", 2, ""},
		{"rate-limit-storm", 45, 150, "major_outage", 3, ""},
		{"flapping-recovery", 45, 150, "major_outage", 2, ""},
		{"partial-outage-50", 120, 120, "", 0, ""},
		{"capacity-errors", 120, 120, "", 0, ""},
		// 80 % failing: short of the hard shortcut's 90 %, so the pooled rule or persistence. It
		// answered one probe in five, so recovery must rule out 20 % failing, as above: 150 s.
		{"empty-answers", 90, 150, "", 0, ""},
		// One component alone, with no hard-outage shortcut: the persistence rule's minute.
		{"stalled-streams", 90, 120, "", 0, ""},
		// This seed's regular probes fail first at 2m45s, so it is a slow one (the 100-seed
		// mean is 2.5 minutes): confirmation probes and the persistence rule bring it in.
		{"partial-outage-25", 5 * 60, 120, "partial_outage", 0, ""},
		{"slowdown-2x", 180, 60, "degraded_performance", 2, ""},
		{"slowdown-5x", 60, 60, "degraded_performance", 2, ""},
		{"responses-only-slow", 60, 60, "degraded_performance", 2, ""},
		// Right away, quickly, but wrong: degraded answers, never an outage on their own.
		{"wrong-answers", 60, -1, "degraded_performance", 1, ""},
		{"bad-key", -1, -1, "operational", 0, "account: auth_invalid"},
		{"region-block", -1, -1, "operational", 0, "account: geo_blocked"},
		// Declared by the page five minutes early: under_maintenance at once, no incident.
		{"maintenance", 0, 5 * 60, "under_maintenance", 2, ""},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			t.Parallel()
			r := run(t, tc.scenario)
			if r.FalseAlarms != 0 {
				t.Errorf("%d false alarms (%.0f s)", r.FalseAlarms, r.FalseAlarmS)
			}
			for _, p := range r.Phases {
				if p.Truth == "operational" {
					if p.DetectedS != nil || (tc.local != "" && p.Local != tc.local) {
						t.Errorf("%s: healthy phase alarmed at %v, local %q", p.Component, p.DetectedS, p.Local)
					}
					continue
				}
				if p.TTDS == nil || *p.TTDS > tc.maxTTD {
					t.Errorf("%s %s: ttd %v > %v s", p.Component, p.Truth, p.TTDS, tc.maxTTD)
				}
				if tc.severity != "" && p.Severity != tc.severity {
					t.Errorf("%s: severity %s, want %s", p.Component, p.Severity, tc.severity)
				}
				if tc.maxRecovery >= 0 && p.RecoveryLagS != nil && *p.RecoveryLagS > tc.maxRecovery {
					t.Errorf("%s: recovery lag %v s > %v", p.Component, *p.RecoveryLagS, tc.maxRecovery)
				}
				if tc.maxTrans > 0 && p.Transitions > tc.maxTrans {
					t.Errorf("%s: %d transitions (flapping)", p.Component, p.Transitions)
				}
			}
			if tc.local != "" && r.Incidents != 0 {
				t.Errorf("a local problem raised %d incidents", r.Incidents)
			}
		})
	}
}

// The page acknowledges 30 minutes after the outage starts. The lead is read from the page's
// acknowledgement time, not from when it was polled, so it equals the true lead (acknowledgement
// minus our detection) exactly, and falls short of the 30 minutes only by the time to detect.
func TestDetectionLeadOverStatusPage(t *testing.T) {
	r := run(t, "official-ack-30m")
	const ack, interval = 90 * 60.0, 15.0
	for _, p := range r.Phases {
		if p.LeadS == nil || p.OfficialAckS == nil || *p.OfficialAckS != ack {
			t.Fatalf("%s: no acknowledgement or lead: %+v", p.Component, p)
		}
		truth := ack - *p.DetectedS
		if d := *p.LeadS - truth; d < -interval || d > interval {
			t.Errorf("%s: lead %v s, truth %v s", p.Component, *p.LeadS, truth)
		}
		if *p.LeadS < 30*60-45 { // a full outage pages after its failures span detect.Defaults.MinOutage
			t.Errorf("%s: lead %v s: detection took more than 45 s", p.Component, *p.LeadS)
		}
		t.Logf("%s: detected at %v s, acknowledged at %v s: lead %v s (truth %v s)", p.Component, *p.DetectedS, *p.OfficialAckS, *p.LeadS, truth)
	}
}

// A week of noisy healthy traffic with blips raises no alarm.
func TestHealthyWeek(t *testing.T) {
	r := run(t, "healthy-7d")
	if r.FalseAlarms != 0 || r.FalseAlarmS != 0 || r.Incidents != 0 || r.Observations-r.Confirmations != 7*24*240*3 ||
		r.Confirmations == 0 {
		t.Fatalf("%+v", r)
	}
}

// The --json shape is a contract: these keys, with null for "never".
func TestJSONKeys(t *testing.T) {
	b, err := json.Marshal(run(t, "partial-chat-outage"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for _, k := range []string{"scenario", "probe_interval_s", "phases", "false_alarms", "false_alarm_s"} {
		if _, ok := m[k]; !ok {
			t.Errorf("missing %s in %s", k, b)
		}
	}
	ph := m["phases"].([]any)[1].(map[string]any)
	for _, k := range []string{"component", "truth", "start_s", "end_s", "detected_s", "ttd_s", "severity", "recovery_lag_s"} {
		if _, ok := ph[k]; !ok {
			t.Errorf("missing phases[].%s", k)
		}
	}
	if ph["recovery_lag_s"] != nil || !strings.Contains(string(b), `"probe_interval_s":15`) {
		t.Errorf("followed phase must have null recovery: %s", b)
	}
}

// Same scenario, same figures: replay is deterministic.
func TestDeterministic(t *testing.T) {
	a, _ := json.Marshal(run(t, "capacity-errors"))
	b, _ := json.Marshal(run(t, "capacity-errors"))
	if string(a) != string(b) {
		t.Fatal("replay differs between runs")
	}
}

// Confirmation probes add observations without changing the regular ones (sent, or held back
// by the politeness gate, whose failure streak a confirmation's success may break), and they
// are what brings the 25 % case in: without them this seed's outage takes longer to confirm.
func TestConfirmationProbes(t *testing.T) {
	sc := load(t, "partial-outage-25")
	with := replay.Run(sc, nil, 0, detect.Defaults)
	without := replay.RunConfirming(sc, nil, 0, detect.Defaults, 0)
	if without.Confirmations != 0 || with.Confirmations == 0 ||
		with.Observations-with.Confirmations+with.Skipped != without.Observations+without.Skipped {
		t.Fatalf("observations: %d (%d confirmations, %d held back) vs %d (%d held back)", with.Observations,
			with.Confirmations, with.Skipped, without.Observations, without.Skipped)
	}
	ttd := func(r replay.Result) float64 {
		if len(r.Phases) != 1 || r.Phases[0].TTDS == nil {
			t.Fatalf("%+v", r.Phases)
		}
		return *r.Phases[0].TTDS
	}
	if a, b := ttd(with), ttd(without); a >= b {
		t.Fatalf("confirmations: %v s, without: %v s", a, b)
	}
}
