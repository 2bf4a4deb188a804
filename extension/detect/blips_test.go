package detect

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// probeEvery feeds chat probes every step from start for span, failing (or stalling the first
// token for 30 s) while bad(at) says so.
func probeEvery(d *Detector, start time.Time, span, step time.Duration, bad func(time.Duration) bool, stall bool) {
	for at := time.Duration(0); at < span; at += step {
		o := Observation{At: start.Add(at), Component: "chat", Class: classify.OK, TTFTMs: 400, ITLMs: 25, TotalMs: 600}
		if bad(at) {
			if stall {
				o.TTFTMs, o.TotalMs = 30400, 30600
			} else {
				o.Class, o.Blame = classify.ServerError, classify.BlameProvider
			}
		}
		d.Observe(o)
	}
}

// A total failure shorter than MinOutage, probed as densely as confirmation probes do, is a
// blip: recorded, never an incident; one that lasts a little longer pages.
func TestBlipsDoNotPage(t *testing.T) {
	for _, tc := range []struct {
		lasts time.Duration
		blip  bool
	}{{30 * time.Second, true}, {50 * time.Second, false}} {
		d := New(Config{})
		probeEvery(d, t0, 20*time.Minute, 4*time.Second, func(at time.Duration) bool {
			return at >= 10*time.Minute && at < 10*time.Minute+tc.lasts
		}, false)
		blips, n := d.Blips()
		if incidents := len(d.Incidents()); tc.blip && (incidents != 0 || n != 1 || blips[0].Failures < 7) || !tc.blip && incidents != 1 {
			t.Errorf("%s of failures: %d incidents, %d blips %+v", tc.lasts, incidents, n, blips)
		}
	}
}

// After a blip its confirmation probes keep sampling, and two background failures close
// together among them must not turn the blip into an incident (the healthy library weeks paged
// that way, replay/library_test.go); three failures, as a real partial outage soon gives, do.
func TestBlipThenStrayFailures(t *testing.T) {
	for _, tc := range []struct {
		stray    []time.Duration // failures after the blip, from its start
		incident bool
	}{
		{[]time.Duration{80 * time.Second, 88 * time.Second}, false},
		{[]time.Duration{80 * time.Second, 88 * time.Second, 96 * time.Second}, true},
		// one background failure a few seconds past the blip stretches its failures over
		// MinOutage: it must not make the blip look like a hard outage (healthy-openai-week2)
		{[]time.Duration{36 * time.Second}, false},
		{[]time.Duration{36 * time.Second, 40 * time.Second, 44 * time.Second}, true},
		// two background failures a minute before the blip anchor a run: the blip's failures
		// are one event, not its persistence (healthy-gemini-week)
		{[]time.Duration{-68 * time.Second, -52 * time.Second}, false},
		// one a few seconds before it stretches its span past MinOutage (healthy-openai-week2)
		{[]time.Duration{-12 * time.Second}, false},
	} {
		d := New(Config{})
		probeEvery(d, t0, 20*time.Minute, 4*time.Second, func(at time.Duration) bool {
			after := at - 10*time.Minute
			return after >= 0 && after < 30*time.Second || slices.Contains(tc.stray, after)
		}, false)
		_, blips := d.Blips()
		if got := len(d.Incidents()) > 0; got != tc.incident || blips != 1 {
			t.Errorf("stray failures %v: incident %v (want %v), %d blips", tc.stray, got, tc.incident, blips)
		}
	}
}

// Stalls on 45 % of responses leave the median fast; the heavy-tail test finds them within a
// few minutes and recovers when they end. A week's worth of rare slow responses does not.
func TestStallShareIsDegraded(t *testing.T) {
	d := New(Config{})
	k := 0
	probeEvery(d, t0, 40*time.Minute, 15*time.Second, func(at time.Duration) bool {
		k++
		return at >= 20*time.Minute && at < 30*time.Minute && k%20 < 9 // 45 %
	}, true)
	ins := d.Incidents()
	if len(ins) != 1 || ins[0].Worst != Degraded || ins[0].TimeToDetect() > 3*time.Minute || ins[0].ResolvedAt == nil {
		t.Fatalf("incidents %+v", ins)
	}
	quiet := New(Config{})
	k = 0
	probeEvery(quiet, t0, 24*time.Hour, 15*time.Second, func(time.Duration) bool { k++; return k%400 == 0 }, true) // 0.25 %
	if n := len(quiet.Incidents()); n != 0 {
		t.Errorf("rare slow responses raised %d incidents", n)
	}
}

// A long-running detector keeps at most maxIncidents: the oldest resolved ones go, open ones and
// each component's latest stay, in order.
func TestIncidentsBounded(t *testing.T) {
	d := New(Defaults)
	t0 := time.Unix(1_700_000_000, 0)
	resolved := func(i int) *Incident {
		at := t0.Add(time.Duration(i) * time.Hour)
		end := at.Add(time.Minute)
		return &Incident{ID: fmt.Sprintf("openai/chat-%d", i+1), StartedAt: at, ResolvedAt: &end}
	}
	open := &Incident{ID: "openai/models-1", StartedAt: t0}
	d.incidents = append(d.incidents, open)
	for i := range maxIncidents + 100 {
		d.incidents = append(d.incidents, resolved(i))
	}
	latest := d.incidents[len(d.incidents)-1]
	d.comps = []*component{{target: "openai", name: "chat", lastInc: latest}, {target: "openai", name: "models", inc: open, lastInc: open}}
	d.pruneIncidents()
	got := d.Incidents()
	if len(got) != maxIncidents {
		t.Fatalf("%d incidents kept, want %d", len(got), maxIncidents)
	}
	if got[0].ID != open.ID || got[1].ID != "openai/chat-102" || got[len(got)-1].ID != latest.ID {
		t.Fatalf("kept %s, %s … %s: want the open one, then the newest resolved", got[0].ID, got[1].ID, got[len(got)-1].ID)
	}
}

// 401s interleaved with answers are the provider's auth failing (Anthropic, 2026-04-28) and
// open an incident within minutes; a key revoked mid-run, 401 from then on, opens none.
func TestAuthFlapIsTheProvider(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fails    func(k int) bool // probe k gets a 401
		incident bool
	}{
		{"half the requests rejected", func(k int) bool { return k >= 40 && k%2 == 0 }, true},
		{"key revoked", func(k int) bool { return k >= 40 }, false},
	} {
		d := New(Config{})
		for k := range 200 {
			o := Observation{At: t0.Add(time.Duration(k) * 4 * time.Second), Component: "chat", Class: classify.OK, TTFTMs: 400, ITLMs: 25, TotalMs: 600}
			if tc.fails(k) {
				o.Class, o.Blame = classify.AuthInvalid, classify.BlameAccount
			}
			d.Observe(o)
		}
		ins := d.Incidents()
		if got := len(ins) > 0; got != tc.incident || got && ins[0].DetectedAt.Sub(t0.Add(160*time.Second)) > 3*time.Minute {
			t.Errorf("%s: incidents %+v, want one within 3 minutes: %v", tc.name, ins, tc.incident)
		}
	}
}
