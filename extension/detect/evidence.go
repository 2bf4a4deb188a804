package detect

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// Evidence is what takes an SRE from an incident to the requests behind it: the first request
// and trace ids, the first and the latest failure message, whose fault the failures were,
// where the monitor ran, and the latency it measured when it detected the incident. Its texts
// come from probe results, redacted at the one boundary (docs/architecture.md, "Secrets and
// server text"); here they are only bounded, so state files and notifications stay small.
type Evidence struct {
	RequestIDs   []string       `json:"request_ids,omitempty"` // up to maxEvidenceIDs, the first
	TraceIDs     []string       `json:"trace_ids,omitempty"`
	FirstMessage string         `json:"first_message,omitempty"`
	LastMessage  string         `json:"last_message,omitempty"`
	Blame        classify.Blame `json:"blame,omitempty"` // of most of its failures
	Location     string         `json:"location,omitempty"`
	TTFTMs       float64        `json:"ttft_ms,omitempty"` // the latest measured when it was detected
	ITLMs        float64        `json:"itl_ms,omitempty"`
}

const (
	maxEvidenceIDs  = 3
	maxEvidenceID   = 128
	maxEvidenceText = 512
	recentEvidence  = 8 // the latest observations a component keeps for the incident it may open
)

// sighting is one observation as evidence.
type sighting struct {
	at                 time.Time
	ok                 bool
	reqID, trace, text string
	blame              classify.Blame
}

// remember keeps o among the component's latest sightings, and adds it to its open incident's
// evidence. A degradation's evidence is its slow answers; an outage's, its failures.
func (c *component) remember(o Observation) {
	s := sighting{at: o.At, ok: o.ok(), reqID: cut(o.RequestID, maxEvidenceID), trace: cut(o.TraceID, maxEvidenceID),
		text: cut(o.Message, maxEvidenceText), blame: o.Blame}
	c.sightings, c.nextSighting = ringPushSighting(c.sightings, c.nextSighting, s)
	if o.TTFTMs > 0 {
		c.lastTTFT = o.TTFTMs
	}
	if o.ITLMs > 0 {
		c.lastITL = o.ITLMs
	}
	if c.inc != nil && c.inc.Evidence != nil && (!s.ok || c.state == Degraded) {
		c.inc.Evidence.add(s)
	}
}

func ringPushSighting(r []sighting, next int, s sighting) ([]sighting, int) {
	if len(r) < recentEvidence {
		return append(r, s), next
	}
	r[next] = s
	return r, (next + 1) % recentEvidence
}

// evidence gathers a new incident's evidence from the sightings since it started (the failures
// of an outage; every answer of a degradation), or the latest ones when the run began earlier
// than they reach back.
func (c *component) evidence(started time.Time, location string) *Evidence {
	ordered := c.ordered()
	e := &Evidence{Location: cut(location, maxEvidenceText), TTFTMs: c.lastTTFT, ITLMs: c.lastITL}
	blames := map[classify.Blame]int{}
	for _, s := range ordered {
		if s.at.Before(started) || (s.ok && c.state != Degraded) {
			continue
		}
		e.add(s)
		if s.blame != "" {
			blames[s.blame]++
		}
	}
	for b, n := range blames {
		if n > blames[e.Blame] || (n == blames[e.Blame] && b < e.Blame) {
			e.Blame = b
		}
	}
	return e
}

// add takes one sighting: its ids while there is room, its message as the latest.
func (e *Evidence) add(s sighting) {
	if s.reqID != "" && len(e.RequestIDs) < maxEvidenceIDs && !slices.Contains(e.RequestIDs, s.reqID) {
		e.RequestIDs = append(e.RequestIDs, s.reqID)
	}
	if s.trace != "" && len(e.TraceIDs) < maxEvidenceIDs && !slices.Contains(e.TraceIDs, s.trace) {
		e.TraceIDs = append(e.TraceIDs, s.trace)
	}
	if s.text != "" {
		if e.FirstMessage == "" {
			e.FirstMessage = s.text
		}
		e.LastMessage = s.text
	}
}

// bounded is the evidence within its bounds (a state file is read from disk).
func (e *Evidence) bounded() *Evidence {
	if e == nil {
		return nil
	}
	out := *e
	ids := func(v []string) []string {
		v = slices.Clone(v[:min(len(v), maxEvidenceIDs)])
		for i := range v {
			v[i] = cut(v[i], maxEvidenceID)
		}
		return v
	}
	out.RequestIDs, out.TraceIDs = ids(e.RequestIDs), ids(e.TraceIDs)
	out.FirstMessage, out.LastMessage = cut(e.FirstMessage, maxEvidenceText), cut(e.LastMessage, maxEvidenceText)
	out.Location, out.Blame = cut(e.Location, maxEvidenceText), classify.Blame(cut(string(e.Blame), maxEvidenceID))
	return &out
}

// cut bounds s to n bytes on a rune boundary, marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n - len("…")
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// String is the evidence on one line, for reports and notifications ("" when there is none).
func (e *Evidence) String() string {
	if e == nil {
		return ""
	}
	var parts []string
	if len(e.RequestIDs) > 0 {
		parts = append(parts, "request ids "+strings.Join(e.RequestIDs, ", "))
	}
	if len(e.TraceIDs) > 0 {
		parts = append(parts, "traces "+strings.Join(e.TraceIDs, ", "))
	}
	if e.Blame != "" {
		parts = append(parts, "blame "+string(e.Blame))
	}
	if e.Location != "" {
		parts = append(parts, "seen from "+e.Location)
	}
	var lat []string
	if e.TTFTMs > 0 {
		lat = append(lat, fmt.Sprintf("TTFT %.0f ms", e.TTFTMs))
	}
	if e.ITLMs > 0 {
		lat = append(lat, fmt.Sprintf("ITL %.0f ms", e.ITLMs))
	}
	if len(lat) > 0 {
		parts = append(parts, "at detection "+strings.Join(lat, ", "))
	}
	if e.FirstMessage != "" {
		parts = append(parts, fmt.Sprintf("first error %q", e.FirstMessage))
	}
	if e.LastMessage != "" && e.LastMessage != e.FirstMessage {
		parts = append(parts, fmt.Sprintf("latest %q", e.LastMessage))
	}
	return strings.Join(parts, "; ")
}

// SavedSightings is a component's evidence so far, for the state file: a run that opens an
// incident on failures the previous run saw quotes the same requests as one that never stopped.
type SavedSightings struct {
	Sightings []SavedSighting `json:"sightings,omitempty"` // oldest first
	TTFTMs    float64         `json:"ttft_ms,omitempty"`
	ITLMs     float64         `json:"itl_ms,omitempty"`
	Location  string          `json:"location,omitempty"`
}

// SavedSighting is one observation as evidence.
type SavedSighting struct {
	At        time.Time      `json:"at"`
	OK        bool           `json:"ok,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	TraceID   string         `json:"trace_id,omitempty"`
	Message   string         `json:"message,omitempty"`
	Blame     classify.Blame `json:"blame,omitempty"`
}

func (c *component) saveSightings() *SavedSightings {
	if len(c.sightings) == 0 && c.lastTTFT == 0 && c.lastITL == 0 {
		return nil
	}
	s := &SavedSightings{TTFTMs: c.lastTTFT, ITLMs: c.lastITL, Location: c.location}
	for _, x := range c.ordered() {
		s.Sightings = append(s.Sightings, SavedSighting{At: x.at, OK: x.ok, RequestID: x.reqID, TraceID: x.trace, Message: x.text, Blame: x.blame})
	}
	return s
}

// restoreSightings takes saved evidence back, within its bounds (the file is read from disk).
func (c *component) restoreSightings(s *SavedSightings) {
	if s == nil {
		return
	}
	c.lastTTFT, c.lastITL, c.location = s.TTFTMs, s.ITLMs, cut(s.Location, maxEvidenceText)
	c.sightings, c.nextSighting = nil, 0
	for _, x := range s.Sightings[max(len(s.Sightings)-recentEvidence, 0):] {
		c.sightings, c.nextSighting = ringPushSighting(c.sightings, c.nextSighting, sighting{at: x.At, ok: x.OK,
			reqID: cut(x.RequestID, maxEvidenceID), trace: cut(x.TraceID, maxEvidenceID), text: cut(x.Message, maxEvidenceText),
			blame: classify.Blame(cut(string(x.Blame), maxEvidenceID))})
	}
}

// ordered is the sightings oldest first.
func (c *component) ordered() []sighting {
	out := slices.Clone(c.sightings)
	if len(out) == recentEvidence {
		out = append(out[c.nextSighting:], out[:c.nextSighting]...)
	}
	return out
}
