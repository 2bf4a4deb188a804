package lifecycle

import (
	"fmt"
	"testing"
	"time"
)

var today = time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		provider, id, want string
	}{
		{"openai", "gpt-4o-mini", "gpt-4o-mini"},
		{"openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"},
		{"azure", "gpt-4.1-mini", "gpt-4.1-mini"},
		{"openai", "gpt-5-nano-2025-08-07", "gpt-5-nano"},
		{"openai", "gpt-5.4-nano", "gpt-5.4-nano"},
		{"openai", "o3-mini", "o3-mini"}, // not o3's retirement
		{"openai", "gpt-4o", ""},         // gpt-4 is not a prefix of gpt-4o's family
		{"openai", "gpt-image-1-mini", "gpt-image-1-mini"},
		{"anthropic", "gpt-4o-mini", ""},
		{"openai", "my-model", ""},
	} {
		for range 2 { // the scan, then the memo
			m, ok := Lookup(tc.provider, tc.id)
			if m.ID != tc.want || ok != (tc.want != "") {
				t.Errorf("Lookup(%s, %s) = %q, %v; want %q", tc.provider, tc.id, m.ID, ok, tc.want)
			}
		}
	}
}

// The memo stays bounded however many names a server's model lists bring, and answers beyond
// the bound are still the table's.
func TestLookupMemoBounded(t *testing.T) {
	for i := range maxMemo + 100 {
		id := fmt.Sprintf("gpt-4o-mini-%d", i)
		if m, ok := Lookup("openai", id); !ok || m.ID != "gpt-4o-mini" {
			t.Fatalf("Lookup(openai, %s) = %q, %v", id, m.ID, ok)
		}
	}
	n := 0
	memo.Range(func(any, any) bool { n++; return true })
	if n > maxMemo {
		t.Fatalf("memo holds %d entries, bound %d", n, maxMemo)
	}
}

func TestDaysLeftAndLive(t *testing.T) {
	for _, tc := range []struct {
		date string
		days int
		ok   bool
		live bool
	}{
		{"2026-12-01", 0, true, false}, // the shutdown day itself
		{"2026-11-30", -1, true, false},
		{"2027-01-14", 44, true, false}, // inside the 90-day window: auto moves off
		{"2027-03-02", 91, true, true},
		{"", 0, false, true},
		{"not-a-date", 0, false, true},
	} {
		days, ok := DaysLeft(tc.date, today)
		if days != tc.days || ok != tc.ok || Live(tc.date, today) != tc.live {
			t.Errorf("%q: days %d ok %v live %v; want %d %v %v", tc.date, days, ok, Live(tc.date, today), tc.days, tc.ok, tc.live)
		}
	}
}

func TestPick(t *testing.T) {
	price := func(m string) (float64, bool) {
		p, ok := map[string]float64{"gpt-4o-mini": 1, "gpt-4.1-mini": 2, "gpt-5.4-nano": 3, "gpt-5.4-mini": 4,
			"gpt-image-2": 1, "claude-haiku-4-5": 1}[m]
		return p, ok
	}
	none := func(string) bool { return false }
	for _, tc := range []struct {
		name, provider, kind string
		at                   time.Time
		retired              func(string) bool
		want                 string
	}{
		{"the cheapest is inside its shutdown window", "openai", Chat, today, none, "gpt-5.4-nano"},
		{"before the window the cheapest wins", "openai", Chat, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), none, "gpt-4o-mini"},
		{"a retired pick moves to the next", "openai", Chat, today, func(m string) bool { return m == "gpt-5.4-nano" }, "gpt-5.4-mini"},
		{"nothing left", "openai", Chat, today, func(string) bool { return true }, ""},
		{"images: the only live image model", "openai", Image, today, none, "gpt-image-2"},
		{"compatible reads openai's", "compatible", Chat, today, none, "gpt-5.4-nano"},
		{"anthropic", "anthropic", Chat, today, none, "claude-haiku-4-5"},
		{"unpriced models are never chosen", "gemini", Chat, today, none, ""},
	} {
		if got := Pick(tc.provider, tc.kind, tc.at, tc.retired, price); got != tc.want {
			t.Errorf("%s: Pick = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestDefaultsAreLive: no model the table offers to "auto" is retired on the day it was checked,
// and every replacement it names is itself in the table and live.
func TestDefaultsAreLive(t *testing.T) {
	checked, ok := Date(Checked)
	if !ok {
		t.Fatalf("Checked %q is not a date", Checked)
	}
	for _, m := range table {
		if m.Shutdown != "" {
			if _, ok := Date(m.Shutdown); !ok {
				t.Errorf("%s: shutdown %q is not YYYY-MM-DD", m.ID, m.Shutdown)
			}
		}
		if m.Replacement != "" {
			r, ok := Lookup(m.Provider, m.Replacement)
			if !ok || r.ID != m.Replacement || !Live(r.Shutdown, checked) {
				t.Errorf("%s: replacement %s is not a live row of the table", m.ID, m.Replacement)
			}
		}
	}
}
