package statuspage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
)

// MaxBody is the most a caller should read of a status page: real summaries are tens of KiB,
// incident histories a few hundred.
const MaxBody = 4 << 20

// ErrNotStatusPage is wrapped by Parse for documents that are not a status page.
var ErrNotStatusPage = errors.New("not a status page document")

var htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>(.{0,200}?)</title>`)

// maxText bounds a name or description read from a page.
const maxText = 256

// Parse reads any supported status page document, telling the formats apart by their shape.
// Its texts come out fit for any output: valid UTF-8, no control characters, bounded (the
// body's secrets were redacted before, where the probe read it).
func Parse(body []byte) (*Page, error) {
	p, err := parse(body)
	if p != nil {
		p.tidy()
	}
	return p, err
}

func (p *Page) tidy() {
	line := func(s *string) { *s = secret.Line(*s, maxText) }
	line(&p.Name)
	line(&p.Description)
	for i := range p.Components {
		c := &p.Components[i]
		line(&c.ID)
		line(&c.Name)
		line(&c.Group)
	}
	for i := range p.Incidents {
		in := &p.Incidents[i]
		line(&in.ID)
		line(&in.Name)
		line(&in.Status)
		for j := range in.Components {
			line(&in.Components[j])
		}
	}
}

func parse(body []byte) (*Page, error) {
	b := bytes.TrimSpace(body)
	switch {
	case len(b) == 0:
		return nil, fmt.Errorf("%w: empty body", ErrNotStatusPage)
	case b[0] == '<':
		title := "no title"
		if m := htmlTitle.FindSubmatch(b); m != nil {
			title = string(bytes.TrimSpace(m[1]))
		}
		return nil, fmt.Errorf("%w: an HTML page (%q)", ErrNotStatusPage, title)
	case b[0] == '[':
		return parseGCloud(b)
	case b[0] != '{':
		return nil, fmt.Errorf("%w: not JSON", ErrNotStatusPage)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotStatusPage, err)
	}
	switch {
	case top["summary"] != nil:
		return parseIOSummary(top["summary"])
	case top["page"] != nil || top["status"] != nil || top["components"] != nil || top["scheduled_maintenances"] != nil:
		return parseStatuspage(b)
	case top["incidents"] != nil:
		if looksIncidentIO(top["incidents"]) {
			return parseIOIncidents(top["incidents"])
		}
		return parseStatuspage(b)
	}
	return nil, fmt.Errorf("%w: a JSON object without page, summary or incidents", ErrNotStatusPage)
}

// looksIncidentIO tells incident.io incident lists (published_at, component_impacts) from
// Statuspage ones (created_at, incident_updates).
func looksIncidentIO(raw json.RawMessage) bool {
	return bytes.Contains(raw, []byte(`"published_at"`)) || bytes.Contains(raw, []byte(`"component_impacts"`))
}
