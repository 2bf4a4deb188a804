package detect

import (
	"strings"
	"testing"
	"time"
)

// The page acknowledges 30 minutes after we detect: the incident carries the acknowledgement
// and a lead of those 30 minutes; before the acknowledgement, the snapshot calls it
// unacknowledged.
func TestDetectionLead(t *testing.T) {
	d := New(Defaults)
	feed(d, map[string]string{"chat": healthy(40) + "xxxxxx", "chat_stream": healthy(40) + "xxxxxx"})
	in := d.Incidents()
	if len(in) == 0 {
		t.Fatal("no incident")
	}
	at := t0.Add(46 * 15 * time.Second)
	d.ObserveOfficial(Official{At: at, Component: "chat", State: Operational})
	if s := d.Snapshot(at); len(s.Unacknowledged) != 1 || !strings.Contains(s.Verdict, "does not acknowledge chat") {
		t.Fatalf("unacknowledged %v, verdict %q", s.Unacknowledged, s.Verdict)
	}
	ack := in[0].DetectedAt.Add(30 * time.Minute)
	d.ObserveOfficial(Official{At: ack.Add(time.Minute), Component: "chat", State: Major, AckAt: ack, Incident: "Elevated errors"})
	got, _ := d.Incident(in[0].ID)
	if got.OfficialAck == nil || !got.OfficialAck.Equal(ack) || got.LeadS == nil || *got.LeadS != 1800 || got.OfficialIncident != "Elevated errors" {
		t.Fatalf("incident %+v", got)
	}
	if s := d.Snapshot(ack); len(s.Unacknowledged) != 0 || s.Components[0].Agreement != Agree {
		t.Fatalf("after the ack: %+v", s.Components[0])
	}
}

// When the page acknowledged first, the lead is negative and set as soon as we detect.
func TestPageFirst(t *testing.T) {
	d := New(Defaults)
	feed(d, map[string]string{"chat": healthy(40)})
	ack := t0.Add(40 * 15 * time.Second)
	d.ObserveOfficial(Official{At: ack, Component: "chat", State: Partial, AckAt: ack})
	if s := d.Snapshot(ack); len(s.OfficialOnly) != 1 || !strings.Contains(s.Verdict, "probes do not see") {
		t.Fatalf("official-only %v, verdict %q", s.OfficialOnly, s.Verdict)
	}
	for i := range 8 {
		d.Observe(Observation{At: ack.Add(time.Duration(i+1) * 15 * time.Second), Component: "chat", Class: "server_error", Blame: "provider"})
	}
	in := d.Incidents()
	if len(in) != 1 || in[0].LeadS == nil || *in[0].LeadS >= 0 {
		t.Fatalf("incidents %+v", in)
	}
}

// A declared maintenance puts the component under_maintenance, holds alerts while it fails,
// and ends with the window without an outage carried over; AlertInMaintenance keeps alerting.
func TestMaintenanceSuppresses(t *testing.T) {
	for _, alert := range []bool{false, true} {
		cfg := Defaults
		cfg.AlertInMaintenance = alert
		d := New(cfg)
		feed(d, map[string]string{"chat": healthy(40)})
		start := t0.Add(40 * 15 * time.Second)
		tr := d.ObserveOfficial(Official{At: start, Component: "chat", State: Maintenance})
		for i := range 40 {
			d.Observe(Observation{At: start.Add(time.Duration(i+1) * 15 * time.Second), Component: "chat", Class: "capacity_overloaded", Blame: "provider"})
		}
		end := start.Add(41 * 15 * time.Second)
		s := d.Snapshot(end)
		if alert {
			if len(tr) != 0 || s.Components[0].State != Major || len(s.Incidents) != 1 {
				t.Fatalf("alerting in maintenance: %+v", s.Components[0])
			}
			continue
		}
		if len(tr) != 1 || tr[0].To != Maintenance || s.Components[0].State != Maintenance || len(s.Incidents) != 0 ||
			!strings.Contains(s.Verdict, "under declared maintenance: chat") {
			t.Fatalf("in maintenance: transitions %+v, %+v, verdict %q", tr, s.Components[0], s.Verdict)
		}
		back := d.ObserveOfficial(Official{At: end, Component: "chat", State: Operational})
		for i := range 4 {
			d.Observe(Observation{At: end.Add(time.Duration(i+1) * 15 * time.Second), Component: "chat", Class: "ok"})
		}
		if len(back) != 1 || back[0].To != Operational || d.State("", "chat") != Operational || len(d.Incidents()) != 0 {
			t.Fatalf("after maintenance: %+v, state %s, incidents %d", back, d.State("", "chat"), len(d.Incidents()))
		}
	}
}

// With the primary down, the verdict names the alternatives that answer, fastest first; with
// them down too, it says so.
func TestAlternatives(t *testing.T) {
	d := New(Defaults)
	d.SetAlternative("anthropic")
	d.SetAlternative("gemini")
	at := t0
	obs := func(target, comp string, fail bool, ttft float64) {
		o := Observation{At: at, Target: target, Component: comp, Class: "ok", TTFTMs: ttft, ITLMs: 25, TotalMs: ttft + 200}
		if fail {
			o = Observation{At: at, Target: target, Component: comp, Class: "server_error", Blame: "provider"}
		}
		d.Observe(o)
	}
	for i := range 50 {
		at = t0.Add(time.Duration(i) * 15 * time.Second)
		down := i >= 40
		obs("openai", "chat", down, 400)
		obs("openai", "chat_stream", down, 400)
		obs("anthropic", "chat_stream", false, 600)
		obs("gemini", "chat_stream", false, 450)
	}
	s := d.Snapshot(at)
	if len(s.Alternatives) != 2 || s.Alternatives[0].Target != "gemini" || !s.Alternatives[1].Up {
		t.Fatalf("alternatives %+v", s.Alternatives)
	}
	if !strings.Contains(s.Verdict, "alternatives up: gemini (operational, TTFT 450 ms), anthropic (operational, TTFT 600 ms)") {
		t.Fatalf("verdict %q", s.Verdict)
	}
	for i := 50; i < 60; i++ {
		at = t0.Add(time.Duration(i) * 15 * time.Second)
		obs("openai", "chat", true, 0)
		obs("anthropic", "chat_stream", true, 0)
		obs("gemini", "chat_stream", true, 0)
	}
	if s := d.Snapshot(at); s.Overall != Major || !strings.Contains(s.Verdict, "no alternative is up either") || s.Alternatives[0].Up {
		t.Fatalf("all down: %q %+v", s.Verdict, s.Alternatives)
	}
}
