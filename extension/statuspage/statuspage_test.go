package statuspage

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func load(t *testing.T, name string) *Page {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return p
}

func ts(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func TestParseCaptures(t *testing.T) {
	tests := []struct {
		file, format, indicator string
		states                  map[string]string // official component -> state
		incidents               int
		check                   func(t *testing.T, p *Page)
	}{
		{"openai-statuspage-summary.json", FormatStatuspage, "critical",
			map[string]string{"Chat Completions": Major, "Embeddings": Operational, "Conversations": Partial, "Codex Web": Unknown}, 2,
			func(t *testing.T, p *Page) {
				in := p.Incidents[0]
				if in.AckAt != ts("2024-12-11T23:16:00Z") && in.AckAt != ts("2024-12-11T23:27:52Z") {
					t.Errorf("ack %v", in.AckAt)
				}
				if in.Impact != Major || in.Kind != "incident" || len(in.Components) != 2 || !in.ResolvedAt.IsZero() {
					t.Errorf("incident %+v", in)
				}
				m := p.Incidents[1]
				if m.Kind != "maintenance" || m.Impact != Maintenance || m.ScheduledFor != ts("2024-12-20T02:00:00Z") {
					t.Errorf("maintenance %+v", m)
				}
				if p.Components[0].Group != "APIs" {
					t.Errorf("group %q", p.Components[0].Group)
				}
			}},
		{"openai-incidentio-summary.json", FormatIncidentIO, "critical",
			map[string]string{"Chat Completions": Operational, "Responses": Degraded, "Conversations": Major}, 1,
			func(t *testing.T, p *Page) {
				in := p.Incidents[0]
				if in.AckAt != ts("2026-06-02T14:03:11Z") || in.Impact != Degraded || in.Components[0] != "Responses" {
					t.Errorf("incident %+v", in)
				}
				if p.Components[1].Group != "APIs" {
					t.Errorf("group %q", p.Components[1].Group)
				}
			}},
		{"openai-incidentio-incidents.json", FormatIncidentIO, "", nil, 2,
			func(t *testing.T, p *Page) {
				in := p.Incidents[0]
				if in.Impact != Major || in.ResolvedAt != ts("2026-07-11T07:03:51.923Z") || in.AckAt != ts("2026-07-11T06:35:19.763Z") {
					t.Errorf("incident %+v", in)
				}
				m := p.Incidents[1]
				// No published_at: the ULID's timestamp is the publication time.
				if m.Kind != "maintenance" || m.CreatedAt.Year() != 2025 || m.ResolvedAt.IsZero() {
					t.Errorf("maintenance %+v", m)
				}
			}},
		{"anthropic-summary.json", FormatStatuspage, "none",
			map[string]string{"claude.ai": Operational, "Claude API (api.anthropic.com)": Operational, "Claude Code": Degraded}, 0, nil},
		{"gcloud-incidents.json", FormatGCloud, "critical", map[string]string{"Vertex Gemini API": Major}, 2,
			func(t *testing.T, p *Page) {
				if p.Incidents[0].AckAt != ts("2026-08-01T10:00:00Z") || p.Incidents[1].Status != "resolved" {
					t.Errorf("incidents %+v", p.Incidents)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			p := load(t, tc.file)
			if p.Format != tc.format || p.Indicator != tc.indicator || len(p.Incidents) != tc.incidents {
				t.Fatalf("format %s indicator %q incidents %d", p.Format, p.Indicator, len(p.Incidents))
			}
			got := map[string]string{}
			for _, c := range p.Components {
				got[c.Name] = c.State
			}
			for name, want := range tc.states {
				if got[name] != want {
					t.Errorf("%s = %q, want %q", name, got[name], want)
				}
			}
			if tc.check != nil {
				tc.check(t, p)
			}
		})
	}
}

func TestNotAStatusPage(t *testing.T) {
	html, _ := os.ReadFile("testdata/cloudfront-405.html")
	for name, body := range map[string]string{
		"html": string(html), "empty": "  ", "text": "upstream connect error", "other json": `{"hello":1}`,
		"broken json": `{"page":`, "wrong types": `{"page":"x","components":"y"}`,
	} {
		_, err := Parse([]byte(body))
		if !errors.Is(err, ErrNotStatusPage) {
			t.Errorf("%s: err %v", name, err)
		}
		if name == "html" && !strings.Contains(err.Error(), "could not be satisfied") {
			t.Errorf("html error does not name the page: %v", err)
		}
	}
}

func TestDefaultMapView(t *testing.T) {
	p := load(t, "openai-statuspage-summary.json")
	v := DefaultMaps["openai"].View(p, ts("2024-12-11T23:45:00Z"))
	for ours, want := range map[string]string{"chat": Major, "chat_stream": Major, "embeddings": Operational, "web": Partial} {
		if v.States[ours] != want {
			t.Errorf("%s = %q, want %q", ours, v.States[ours], want)
		}
	}
	if _, ok := v.States["models"]; ok {
		t.Error("models has no official component but got a state")
	}
	if in, ok := v.Acks["chat"]; !ok || in.ID != "ctrsv3lwd797" {
		t.Errorf("chat ack %+v", in)
	}
	// During the maintenance window, embeddings are under maintenance.
	v = DefaultMaps["openai"].View(p, ts("2024-12-20T02:30:00Z"))
	if v.States["embeddings"] != Maintenance {
		t.Errorf("embeddings in the window: %q", v.States["embeddings"])
	}
	a := DefaultMaps["anthropic"].View(load(t, "anthropic-summary.json"), time.Now())
	if a.States["chat_stream"] != Operational || a.States["web"] != Operational {
		t.Errorf("anthropic view %+v", a.States)
	}
	g := DefaultMaps["gemini"].View(load(t, "gcloud-incidents.json"), ts("2026-08-01T10:30:00Z"))
	if g.States["chat"] != Major || g.Acks["chat"].ID != "abc123" {
		t.Errorf("gemini view %+v", g)
	}
}

func TestULIDTime(t *testing.T) {
	// The reference: the ULID's first 10 characters match published_at (to the millisecond).
	if got := ulidTime("01KX7Y6ETMKP3ATQ85Z33J0EHN"); got.Sub(ts("2026-07-11T06:35:19.763Z")).Abs() > time.Millisecond {
		t.Fatalf("ulid time %v", got)
	}
	for _, bad := range []string{"", "short", "ZZZZZZZZZZZZZZZZZZZZZZZZZZ", "01KX7Y6E!MKP3ATQ85Z33J0EHN"} {
		if !ulidTime(bad).IsZero() {
			t.Errorf("%q decoded", bad)
		}
	}
}
