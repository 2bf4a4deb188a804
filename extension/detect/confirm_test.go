package detect

import (
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// every5s observes one chat_stream probe per character, 5 s apart (regular probes plus the
// monitor's confirmation probes), after 20 minutes of healthy 15-s probes. It returns when the
// component first went down (zero: never), counted from the first character.
func every5s(d *Detector, probes string) time.Duration {
	return sped(d, probes, 1)
}

// sped is every5s with time running speed times faster.
func sped(d *Detector, probes string, speed float64) time.Duration {
	step := func(n int, d time.Duration) time.Duration { return time.Duration(float64(n) * float64(d) / speed) }
	ok := func(at time.Time) Observation {
		return Observation{At: at, Component: "chat_stream", Class: classify.OK, TTFTMs: 400, ITLMs: 25, TotalMs: 600}
	}
	for i := range 80 {
		d.Observe(ok(t0.Add(step(i, 15*time.Second))))
	}
	start := t0.Add(step(80, 15*time.Second))
	for i, ch := range probes {
		o := ok(start.Add(step(i, 5*time.Second)))
		if ch == 'x' {
			o.Class, o.Blame = classify.ServerError, classify.BlameProvider
		}
		for _, tr := range d.Observe(o) {
			if tr.To.Down() {
				return o.At.Sub(start)
			}
		}
	}
	return 0
}

func TestConfirmationProbes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		probes string
		within time.Duration // 0: must not alarm
	}{
		// 30 % for a minute, sampled every 5 s: as many failures as a partial outage shows,
		// but they stop before Persist.
		{"a one-minute blip", "x..x..x.x..x" + healthy(60), 0},
		{"a quarter failing", "x...x..x....x...x..x...x....x...x..x....x...x..x" + healthy(10), 5 * time.Minute},
		{"half failing", "x.x..xx.x.x..x.xx.x.x.x.x", 2 * time.Minute},
		{"a hard outage", "xxxxxxxxxx", 45 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := every5s(New(Config{}), tc.probes)
			switch {
			case tc.within == 0 && got != 0:
				t.Fatalf("alarmed after %v", got)
			case tc.within != 0 && (got == 0 || got > tc.within):
				t.Fatalf("detected after %v, want within %v", got, tc.within)
			}
			t.Logf("detected after %v", got)
		})
	}
}

func TestWantsConfirmation(t *testing.T) {
	d := New(Config{})
	at := t0
	obs := func(class classify.Class, blame classify.Blame) {
		d.Observe(Observation{At: at, Component: "chat", Class: class, Blame: blame, TTFTMs: 400, TotalMs: 600})
		at = at.Add(15 * time.Second)
	}
	if d.WantsConfirmation("", "chat", at) {
		t.Fatal("an unseen component wants confirmation")
	}
	obs(classify.OK, "")
	if d.WantsConfirmation("", "chat", at) {
		t.Fatal("a healthy component wants confirmation")
	}
	obs(classify.AuthInvalid, classify.BlameAccount)
	if !d.WantsConfirmation("", "chat", at) {
		t.Fatal("a 401 right after an answer (the provider's auth failing, or a key just revoked) must ask for confirmation")
	}
	at = at.Add(Defaults.ConfirmFor)
	obs(classify.AuthInvalid, classify.BlameAccount)
	if d.WantsConfirmation("", "chat", at) {
		t.Fatal("a key rejected again with no answer between (not counted) asks for confirmation")
	}
	obs(classify.ServerError, classify.BlameProvider)
	if !d.WantsConfirmation("", "chat", at) || d.WantsConfirmation("", "chat", at.Add(Defaults.ConfirmFor)) {
		t.Fatal("a provider failure must ask for confirmation, for ConfirmFor")
	}
	for range 8 {
		obs(classify.ServerError, classify.BlameProvider)
	}
	if d.State("", "chat") != Major || d.WantsConfirmation("", "chat", at) {
		t.Fatalf("%s: a confirmed outage needs no confirmation", d.State("", "chat"))
	}
	obs(classify.OK, "")
	if !d.WantsConfirmation("", "chat", at) {
		t.Fatal("a success during an outage must ask for confirmation of the recovery")
	}
}

// A rehearsal against a simulator running 60 times faster: with SetSpeed the persistence rule
// waits a scenario minute, and the 25 % outage is confirmed at the same scenario time; without
// it, the rule would wait a real minute, longer than the whole compressed outage.
func TestSetSpeed(t *testing.T) {
	const quarter = "x...x..x....x...x..x...x....x...x..x....x...x..x"
	normal := every5s(New(Config{}), quarter+healthy(10))
	fast := New(Config{})
	fast.SetSpeed(60)
	if got := sped(fast, quarter+healthy(10), 60); got == 0 || (got*60-normal).Abs() > time.Millisecond {
		t.Fatalf("at speed 60: detected after %v (x60 = %v), at speed 1 after %v", got, got*60, normal)
	}
	if got := sped(New(Config{}), quarter+healthy(10), 60); got != 0 {
		t.Fatalf("without SetSpeed a compressed outage was confirmed after %v", got)
	}
}
