package detect

import (
	"testing"
	"time"
)

// TestSeverity feeds one component a failure pattern after a healthy hour and reads the state
// at the end and the number of changes: a steady 60 % is partial, a steady 90 % major, a major
// outage that fluctuates (five minutes at 90 %, five at 20 %) stays major, and one that settles
// at 15 % turns partial once MajorHold has passed.
func TestSeverity(t *testing.T) {
	every := func(pattern string, n int) string { // pattern repeated to n rounds
		b := make([]byte, 0, n)
		for len(b) < n {
			b = append(b, pattern...)
		}
		return string(b[:n])
	}
	bad := every("xxxxxxxxx.", 20)    // 90 % for five minutes
	dip := every("xxx..........", 20) // about 20 % for five minutes
	for _, tc := range []struct {
		name    string
		rounds  string
		want    State
		maxTurn int // state changes after the first alarm
	}{
		{"steady 60 % is partial", every("xx.x.", 160), Partial, 1},
		{"steady 90 % is major", every("xxxxxxxxx.", 80), Major, 1},
		{"fluctuating 90/20 % stays major", bad + dip + bad + dip + bad + dip + bad, Major, 1},
		{"major settling at 15 % turns partial", every("x", 40) + every("x......", 80), Partial, 2},
		// The low-rate test opens on failures spread over many minutes: partial, whatever the
		// few observations of the onset test's latest run say.
		{"a 6 % rate is partial", every("x................", 480), Partial, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := New(Config{})
			tr := feed(d, map[string]string{"chat": healthy(240) + tc.rounds})
			if got := d.State("", "chat"); got != tc.want {
				t.Errorf("ends %s, want %s (%d transitions)", got, tc.want, len(tr))
			}
			if len(tr) == 0 || len(tr)-1 > tc.maxTurn {
				t.Errorf("%d transitions after the alarm, want at most %d: %+v", max(len(tr)-1, 0), tc.maxTurn, tr)
			}
		})
	}
}

// TestSeverityHold: a major outage's dip does not de-escalate it before MajorHold; after it, it
// does.
func TestSeverityHold(t *testing.T) {
	var s severityTest
	at := t0
	s.start(at, 17, 17, 0.75)
	if !s.major() {
		t.Fatalf("seventeen failures of seventeen: up %.2f, not major", s.up)
	}
	for i := range 20 { // five minutes of successes
		at = t0.Add(time.Duration(i+1) * 15 * time.Second)
		s.observe(at, false, 0.75, true)
	}
	if s.minor(at, 10*time.Minute) {
		t.Fatalf("de-escalated %s after the last major evidence", at.Sub(s.lastMajor))
	}
	if !s.minor(t0.Add(11*time.Minute), 10*time.Minute) {
		t.Fatalf("still major past the hold (down %.2f)", s.down)
	}
}
