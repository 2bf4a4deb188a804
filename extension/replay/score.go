package replay

import (
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
)

// timeline is one component's state changes in virtual time.
type timeline struct {
	state detect.State // current (after the last change)
	at    []time.Duration
	to    []detect.State
}

func (t *timeline) add(at time.Duration, to detect.State) {
	t.at, t.to, t.state = append(t.at, at), append(t.to, to), to
}

// stateAt is the state in force at time x.
func (t *timeline) stateAt(x time.Duration) detect.State {
	s := detect.Operational
	for i, at := range t.at {
		if at > x {
			break
		}
		s = t.to[i]
	}
	return s
}

func secs(d time.Duration) *float64 {
	s := d.Seconds()
	return &s
}

// score measures one phase of one component: detection is the first time the component is
// away from operational between the phase start and its end plus Grace (a state an earlier bad
// phase left behind counts as detected at the start, except for a healthy phase); severity the
// worst state entered in that span (else the state carried in); recovery lag the time from the
// phase end to operational again (not measured when another bad phase follows at once).
func score(t *timeline, ph scenario.Phase, followed bool) PhaseRow {
	row := PhaseRow{Truth: ph.Truth, StartS: ph.At.Seconds(), EndS: ph.Until.Seconds()}
	end := ph.Until + Grace
	if ph.Truth == "operational" { // an alarm after a healthy phase belongs to what follows
		end = ph.Until
	}
	carried := t.stateAt(ph.At) // what an earlier phase left behind
	worst := detect.Operational
	var detected time.Duration = -1
	if carried != detect.Operational && ph.Truth != "operational" {
		detected = ph.At
	}
	for i, at := range t.at {
		if at <= ph.At || at > end {
			continue
		}
		row.Transitions++
		if t.to[i] == detect.Operational {
			continue
		}
		if detected < 0 {
			detected = at
		}
		if t.to[i].Level() > worst.Level() {
			worst = t.to[i]
		}
	}
	if worst == detect.Operational && ph.Truth != "operational" {
		worst = carried
	}
	row.Severity = string(worst)
	row.Carried = carried != detect.Operational && ph.Truth != "operational"
	if detected >= 0 {
		row.DetectedS, row.TTDS = secs(detected), secs(detected-ph.At)
		row.Dominant = string(t.dominant(detected, ph.Until))
	}
	if ph.Truth != "operational" && !followed {
		if t.stateAt(ph.Until) == detect.Operational {
			row.RecoveryLagS = secs(0)
		} else {
			for i, at := range t.at {
				if at > ph.Until && t.to[i] == detect.Operational {
					row.RecoveryLagS = secs(at - ph.Until)
					break
				}
			}
		}
	}
	return row
}

// dominant is the state held longest in [from, to).
func (t *timeline) dominant(from, to time.Duration) detect.State {
	held := map[detect.State]time.Duration{}
	state, at := t.stateAt(from), from
	for i, x := range t.at {
		if x <= from {
			continue
		}
		if x >= to {
			break
		}
		held[state] += x - at
		state, at = t.to[i], x
	}
	held[state] += to - at
	best := detect.Operational
	for s, d := range held {
		if d > held[best] || d == held[best] && s.Level() > best.Level() {
			best = s
		}
	}
	return best
}

// falseAlarms counts the alarms raised in healthy time (outside bad, which are the truth's
// non-operational windows plus Grace) and the seconds spent away from operational there.
func (t *timeline) falseAlarms(bad [][2]time.Duration, total time.Duration) (n int, seconds float64) {
	inBad := func(x time.Duration) bool {
		for _, w := range bad {
			if x >= w[0] && x < w[1] {
				return true
			}
		}
		return false
	}
	// A maintenance the official page declares is not an alarm.
	calm := func(s detect.State) bool { return s == detect.Operational || s == detect.Maintenance }
	prev := detect.Operational
	for i, at := range t.at {
		if calm(prev) && !calm(t.to[i]) && !inBad(at) {
			n++
		}
		prev = t.to[i]
	}
	// Seconds alarmed in healthy time, summed per second of the step function.
	for i, at := range t.at {
		if calm(t.to[i]) {
			continue
		}
		until := total
		if i+1 < len(t.at) {
			until = t.at[i+1]
		}
		for x := at; x < until; x += time.Second {
			if !inBad(x) {
				seconds++
			}
		}
	}
	return n, seconds
}
