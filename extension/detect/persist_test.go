package detect

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// A detector saved and restored mid-way must go on exactly as one that never stopped, down to
// incident ids. Two components first seen out of name order (models, then chat) alarm on the
// same observation through pooled evidence; ids follow the order the state machine visits
// them, so the state must keep that order rather than sort it.
func TestRestoredDetectorContinuesIdentically(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	observe := func(d *Detector, round int, failed bool) {
		for _, c := range []string{"models", "chat"} {
			o := Observation{At: t0.Add(time.Duration(round) * 15 * time.Second), Component: c, Class: classify.OK, TTFTMs: 400, ITLMs: 25, TotalMs: 600}
			if failed {
				o.Class, o.Blame = classify.ServerError, classify.BlameProvider
			}
			d.Observe(o)
		}
	}
	continuous := New(Config{})
	for r := range 20 {
		observe(continuous, r, false)
	}
	b, err := json.Marshal(continuous.Save())
	if err != nil {
		t.Fatal(err)
	}
	var saved Saved
	if err := json.Unmarshal(b, &saved); err != nil {
		t.Fatal(err)
	}
	restored := New(Config{})
	if err := restored.Restore(saved); err != nil {
		t.Fatal(err)
	}
	for r := 20; r < 26; r++ {
		observe(continuous, r, true)
		observe(restored, r, true)
	}
	ids := func(d *Detector) []string {
		var out []string
		for _, in := range d.Incidents() {
			out = append(out, in.ID+"@"+in.DetectedAt.Format(time.TimeOnly))
		}
		slices.Sort(out)
		return out
	}
	want, got := ids(continuous), ids(restored)
	if len(want) != 2 || !slices.Equal(got, want) {
		t.Fatalf("restored detector's incidents %v, continuous %v (want two, equal)", got, want)
	}
}
