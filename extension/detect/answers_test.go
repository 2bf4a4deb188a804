package detect

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// A canary answering wrongly is a degraded state of its own: the service serves, only its
// answers' quality fell. However long it lasts, it is never an outage on its own; it recovers
// once the answers are right again; and a state file carries it across runs.
func TestWrongAnswersAreDegraded(t *testing.T) {
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * 15 * time.Second) }
	answer := func(d *Detector, i int, wrong bool) {
		o := Observation{At: at(i), Component: "canary", Class: classify.OK, TTFTMs: 400, ITLMs: 25, TotalMs: 600}
		if wrong {
			o.Class, o.Blame = classify.WrongAnswer, classify.BlameProvider
		}
		d.Observe(o)
	}
	d := New(Config{})
	i := 0
	for ; i < 40; i++ {
		answer(d, i, false)
		d.Observe(Observation{At: at(i), Component: "chat", Class: classify.OK, TTFTMs: 400, ITLMs: 25, TotalMs: 600})
	}
	for ; i < 40+240; i++ { // an hour of wrong answers
		answer(d, i, true)
		d.Observe(Observation{At: at(i), Component: "chat", Class: classify.OK, TTFTMs: 400, ITLMs: 25, TotalMs: 600})
		if st := d.State("", "canary"); st.Down() {
			t.Fatalf("round %d: canary %s: wrong answers alone are not an outage", i, st)
		}
	}
	s := d.Snapshot(at(i))
	if d.State("", "canary") != Degraded || !strings.Contains(s.Verdict, "canary answering wrong: 16 of its last 16 answers") {
		t.Fatalf("state %s, verdict %q", d.State("", "canary"), s.Verdict)
	}
	if in := s.Incidents[0]; in.Worst != Degraded || in.Classes["wrong_answer"] == 0 || in.DetectedAt.Sub(in.StartedAt) > time.Minute {
		t.Fatalf("incident %+v", in)
	}

	b, err := json.Marshal(d.Save()) // the next scheduled run picks it up
	if err != nil {
		t.Fatal(err)
	}
	var saved Saved
	if err := json.Unmarshal(b, &saved); err != nil || saved.Validate() != nil {
		t.Fatal(err, saved.Validate())
	}
	next := New(Config{})
	if err := next.Restore(saved); err != nil {
		t.Fatal(err)
	}
	answer(next, i, false)
	if next.State("", "canary") != Degraded {
		t.Fatalf("restored: one right answer ended the degradation")
	}
	for j := i; j < i+80 && next.State("", "canary") != Operational; j++ {
		answer(next, j, false)
	}
	if next.State("", "canary") != Operational {
		t.Fatal("right answers did not recover it")
	}
}

// Wrong answers while another component of the target is down are part of that outage.
func TestWrongAnswersDuringAnOutage(t *testing.T) {
	d := New(Config{})
	for i := range 60 {
		at := t0.Add(time.Duration(i) * 15 * time.Second)
		chat := Observation{At: at, Component: "chat", Class: classify.OK, TTFTMs: 400, ITLMs: 25, TotalMs: 600}
		canary := Observation{At: at, Component: "canary", Class: classify.OK, TTFTMs: 400, ITLMs: 25, TotalMs: 600}
		if i >= 40 {
			chat.Class, chat.Blame = classify.ServerError, classify.BlameProvider
			canary.Class, canary.Blame = classify.WrongAnswer, classify.BlameProvider
		}
		d.Observe(chat)
		d.Observe(canary)
	}
	if d.State("", "chat") != Major || !d.State("", "canary").Down() {
		t.Fatalf("chat %s, canary %s", d.State("", "chat"), d.State("", "canary"))
	}
}
