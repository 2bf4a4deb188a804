package statuspage

import (
	"strings"
	"testing"
)

// A page's texts reach reports, logs and state files: Parse makes them valid UTF-8, free of
// control characters and bounded, whatever the page says.
func TestParsedTextsAreTidy(t *testing.T) {
	long := strings.Repeat("n", 5000)
	body := `{"page":{"name":"P\u001b[2J"},"status":{"indicator":"minor","description":"d\r\nx"},
"components":[{"id":"c1","name":"Chat\u0000Completions","status":"degraded_performance"}],
"incidents":[{"id":"i1","name":"` + long + `","status":"investigating","impact":"minor","created_at":"2026-01-01T00:00:00Z"}]}`
	p, err := Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{p.Name, p.Description, p.Components[0].Name, p.Incidents[0].Name}
	for _, s := range texts {
		if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 }) || len(s) > maxText {
			t.Errorf("untidy text %q", s)
		}
	}
	if p.Components[0].Name != "Chat Completions" || p.Components[0].State != Degraded {
		t.Errorf("component %+v", p.Components[0])
	}
}
