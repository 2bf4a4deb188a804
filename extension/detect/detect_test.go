package detect

import (
	"sync"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

var t0 = time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)

// feed observes one round per entry (15 s apart) for the named components: 'x' a provider
// failure, 'a' an account failure, '.' a success with baseline latency, a digit n a success n
// times slower.
func feed(d *Detector, rounds map[string]string) []Transition {
	var out []Transition
	n := 0
	for _, r := range rounds {
		n = max(n, len(r))
	}
	for i := range n {
		at := t0.Add(time.Duration(i) * 15 * time.Second)
		for _, c := range []string{"chat", "chat_stream", "models"} {
			r := rounds[c]
			if i >= len(r) {
				continue
			}
			o := Observation{At: at, Component: c, Class: classify.OK, TTFTMs: 400, ITLMs: 25, TotalMs: 600}
			switch ch := r[i]; {
			case ch == 'x':
				o.Class, o.Blame = classify.ServerError, classify.BlameProvider
			case ch == 'a':
				o.Class, o.Blame = classify.AuthInvalid, classify.BlameAccount
			case ch >= '2' && ch <= '9':
				f := float64(ch - '0')
				o.TTFTMs, o.ITLMs, o.TotalMs = 400*f, 25*f, 600*f
			}
			out = append(out, d.Observe(o)...)
		}
	}
	return out
}

func healthy(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '.'
	}
	return string(b)
}

func TestErrorDetection(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rounds map[string]string
		want   map[string]State // state at the end
	}{
		{"healthy", map[string]string{"chat": healthy(40), "models": healthy(40)}, map[string]State{"chat": Operational, "models": Operational}},
		{"three failures alone are a blip", map[string]string{"models": healthy(20) + "xxx" + healthy(3), "chat": healthy(26)},
			map[string]State{"models": Operational}},
		{"a minute of failures alone is a blip", map[string]string{"models": healthy(20) + "xxxx" + healthy(8), "chat": healthy(32)},
			map[string]State{"models": Operational}},
		{"eight straight failures alone are an outage", map[string]string{"models": healthy(20) + "xxxxxxxx", "chat": healthy(28)},
			map[string]State{"models": Major}},
		{"a quarter failing for six minutes is partial", map[string]string{"chat": healthy(20) + "x...x...x...x...x...x...x", "models": healthy(45)},
			map[string]State{"chat": Partial}},
		{"three components failing four times together are corroborated",
			map[string]string{"chat": healthy(20) + "xxxx", "chat_stream": healthy(20) + "xxxx", "models": healthy(20) + "xxxx"},
			map[string]State{"chat": Major, "chat_stream": Major, "models": Major}},
		{"three components failing twice together are a blip",
			map[string]string{"chat": healthy(20) + "xx" + healthy(4), "chat_stream": healthy(20) + "xx" + healthy(4), "models": healthy(20) + "xx" + healthy(4)},
			map[string]State{"chat": Operational, "chat_stream": Operational, "models": Operational}},
		{"a sibling's single failure does not corroborate",
			map[string]string{"chat": healthy(20) + "xx.", "chat_stream": healthy(20) + "xx.", "models": healthy(20) + "x.."},
			map[string]State{"chat": Operational, "chat_stream": Operational, "models": Operational}},
		{"half failing is partial", map[string]string{"chat": healthy(20) + "x.x.xx.x.x.x.x.x.x.x", "chat_stream": healthy(40)},
			map[string]State{"chat": Partial, "chat_stream": Operational}},
		{"account failures are not an outage", map[string]string{"chat": healthy(20) + "aaaaaaaaaa", "chat_stream": healthy(20) + "aaaaaaaaaa"},
			map[string]State{"chat": Operational, "chat_stream": Operational}},
		// A clean outage (no success in it) recovers on a short run of successes; one that
		// answered now and then is tested against 20 % failing, the least that is still an
		// outage: a run that rules it out, not the few a fluctuating outage's dip shows.
		{"recovery after four successes", map[string]string{"chat": healthy(20) + "xxxxxxxx....", "chat_stream": healthy(20) + "xxxxxxxx...."},
			map[string]State{"chat": Operational, "chat_stream": Operational}},
		{"recovery after a run of successes", map[string]string{"chat": healthy(20) + "xxxxx.xxxxx.xxxxx.xxxx" + healthy(28), "chat_stream": healthy(50)},
			map[string]State{"chat": Operational}},
		{"a dip of successes is not recovery", map[string]string{"chat": healthy(20) + "xxxxx.xxxxx.xxxxx.xxxx" + healthy(12), "chat_stream": healthy(54)},
			map[string]State{"chat": Major}},
		{"no recovery on three", map[string]string{"chat": healthy(20) + "xxxxxxxx...", "chat_stream": healthy(32)},
			map[string]State{"chat": Major}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := New(Config{})
			feed(d, tc.rounds)
			for c, want := range tc.want {
				if got := d.State("", c); got != want {
					t.Errorf("%s: %s, want %s", c, got, want)
				}
			}
		})
	}
}

func TestLatencyDetection(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rounds string
		want   State
	}{
		{"5x in two probes", healthy(40) + "55", Degraded},
		{"one slow probe is noise", healthy(40) + "5", Operational},
		{"1.5x-ish is not 2x", healthy(40) + "1111111111", Operational},
		{"3x sustained", healthy(40) + "333333", Degraded},
		{"recovers", healthy(40) + "555555" + "...", Operational},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := New(Config{})
			feed(d, map[string]string{"chat_stream": tc.rounds})
			if got := d.State("", "chat_stream"); got != tc.want {
				t.Fatalf("%s, want %s", got, tc.want)
			}
		})
	}
}

func TestIncidentLifecycle(t *testing.T) {
	d := New(Config{})
	// healthy, an outage from round 20 (its first failure), recovery, a relapse 2 min later
	// (the same incident), then a final recovery.
	rounds := healthy(20) + "xxxxxx" + "....." + "....." + "xxxxx" + "........"
	tr := feed(d, map[string]string{"chat": rounds, "chat_stream": rounds})
	ins := d.Incidents()
	if len(ins) != 2 { // one per component
		t.Fatalf("%d incidents: %+v", len(ins), ins)
	}
	in := ins[0]
	// Four failures each at 15 s: 45 s (the monitor's confirmation probes make it 15 s).
	if in.Component != "chat" || !in.StartedAt.Equal(t0.Add(20*15*time.Second)) || in.TimeToDetect() > 45*time.Second ||
		in.Worst != Major || in.ResolvedAt == nil || in.Classes["server_error"] != 11 || in.Samples == 0 {
		t.Fatalf("incident %+v", in)
	}
	n := 0
	for _, x := range tr {
		if x.Component == "chat" {
			n++
		}
	}
	if n != 4 { // down, up, down, up: transitions stay honest while the incident is reopened
		t.Fatalf("%d transitions for chat: %+v", n, tr)
	}
	s := d.Snapshot(t0.Add(time.Duration(len(rounds)) * 15 * time.Second))
	if s.Overall != Operational || len(s.Incidents) != 2 || s.Components[0].Baseline != "learned" {
		t.Fatalf("snapshot %+v", s)
	}
}

func TestVerdict(t *testing.T) {
	d := New(Config{})
	feed(d, map[string]string{"chat": healthy(20) + "xxxx", "chat_stream": healthy(20) + "xxxx", "models": healthy(24)})
	s := d.Snapshot(t0.Add(24 * 15 * time.Second))
	if s.Overall != Partial || len(s.Down) != 2 || s.Local != nil {
		t.Fatalf("partial: %+v", s)
	}
	feed(d, map[string]string{"models": healthy(24) + "xxxx"})
	if s := d.Snapshot(t0.Add(30 * 15 * time.Second)); s.Overall != Major {
		t.Fatalf("every component down: %s (%s)", s.Overall, s.Verdict)
	}
	d = New(Config{})
	feed(d, map[string]string{"chat": healthy(20) + "aaaaaa", "models": healthy(26)})
	s = d.Snapshot(t0.Add(26 * 15 * time.Second))
	if s.Overall != Operational || s.Local == nil || s.Local.Class != classify.AuthInvalid || s.Local.Advice == "" {
		t.Fatalf("local: %+v", s)
	}
}

// Every VU feeds one detector: concurrent use must be safe (run with -race).
func TestConcurrentObserve(t *testing.T) {
	d := New(Config{})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				o := Observation{At: t0.Add(time.Duration(i) * time.Second), Component: []string{"chat", "models"}[g%2], Class: classify.OK, TTFTMs: 400}
				if i%50 == 0 {
					o.Class, o.Blame = classify.ServerError, classify.BlameProvider
				}
				d.Observe(o)
				_ = d.Snapshot(o.At)
			}
		})
	}
	wg.Wait()
	if s := d.Snapshot(t0); s.Components[0].Observations+s.Components[1].Observations != 1600 {
		t.Fatalf("lost observations: %+v", s.Components)
	}
}
