package detect

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Alternative is a fallback target's standing in a snapshot.
type Alternative struct {
	Target string  `json:"target"`
	State  State   `json:"state"`   // its worst component
	TTFTMs float64 `json:"ttft_ms"` // recent time to first token (0: not measured)
	Up     bool    `json:"up"`      // every component answering (operational or merely degraded)
}

// SetAlternative marks target as an alternative to the primary targets: snapshots rank the
// alternatives, and a primary outage's verdict names the ones that are up.
func (d *Detector) SetAlternative(target string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.alternatives == nil {
		d.alternatives = map[string]bool{}
	}
	d.alternatives[target] = true
}

// rankAlternatives lists the alternatives, up ones first, then by state, then fastest first.
func (d *Detector) rankAlternatives() []Alternative {
	byTarget := map[string]*Alternative{}
	var out []*Alternative
	for _, c := range d.comps {
		if !d.alternatives[c.target] {
			continue
		}
		a := byTarget[c.target]
		if a == nil {
			a = &Alternative{Target: c.target, State: Operational}
			byTarget[c.target] = a
			out = append(out, a)
		}
		if c.state.Level() > a.State.Level() {
			a.State = c.state
		}
		if c.ttft > 0 && (a.TTFTMs == 0 || c.ttft < a.TTFTMs) {
			a.TTFTMs = c.ttft
		}
	}
	res := make([]Alternative, 0, len(out))
	for _, a := range out {
		a.Up = !a.State.Down()
		res = append(res, *a)
	}
	slices.SortStableFunc(res, func(a, b Alternative) int {
		if a.Up != b.Up {
			if a.Up {
				return -1
			}
			return 1
		}
		ta, tb := a.TTFTMs, b.TTFTMs
		if ta == 0 {
			ta = 1e12
		}
		if tb == 0 {
			tb = 1e12
		}
		return cmp.Or(cmp.Compare(a.State.Level(), b.State.Level()), cmp.Compare(ta, tb), cmp.Compare(a.Target, b.Target))
	})
	return res
}

// alternativesSentence is the verdict's clause on where to go when a primary is down.
func alternativesSentence(alts []Alternative) string {
	var up []string
	for _, a := range alts {
		if !a.Up {
			continue
		}
		s := a.Target
		switch {
		case a.TTFTMs > 0 && a.State == Operational:
			s += fmt.Sprintf(" (operational, TTFT %.0f ms)", a.TTFTMs)
		case a.TTFTMs > 0:
			s += fmt.Sprintf(" (%s, TTFT %.0f ms)", a.State, a.TTFTMs)
		default:
			s += " (" + string(a.State) + ")"
		}
		up = append(up, s)
	}
	if len(up) == 0 {
		return "no alternative is up either"
	}
	return "alternatives up: " + strings.Join(up, ", ")
}
