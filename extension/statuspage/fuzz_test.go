package statuspage

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParse: any body parses or fails with ErrNotStatusPage, never panics, and what parses maps
// onto our components with states from the vocabulary.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{`[]`, `{"summary":{}}`, `{"incidents":[{"published_at":"x","component_impacts":[{"end_at":null}]}]}`,
		`{"page":{},"components":[{"group_id":"nope"}],"incidents":[{"incident_updates":[{}]}]}`, `<html>`, `[{"severity":"high","affected_products":[{}]}]`} {
		f.Add([]byte(s))
	}
	valid := map[string]bool{Operational: true, Maintenance: true, Degraded: true, Partial: true, Major: true, Unknown: true}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := Parse(body)
		if err != nil {
			return
		}
		for _, c := range p.Components {
			if !valid[c.State] {
				t.Fatalf("component state %q", c.State)
			}
		}
		for _, m := range DefaultMaps {
			v := m.View(p, time.Unix(1_800_000_000, 0))
			for _, st := range v.States {
				if !valid[st] {
					t.Fatalf("mapped state %q", st)
				}
			}
		}
	})
}
