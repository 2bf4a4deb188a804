package module

import (
	"fmt"
	"slices"
	"strings"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/monitor"
)

// attributeAll judges every target of the snapshot (monitor.Attribute). A target's own status
// component and the other targets are its controls: hosts that share our network but not the
// provider's. Only targets with something to say come back (a failure, a challenge).
func attributeAll(snap detect.Snapshot) []monitor.Attribution {
	byTarget := map[string][]detect.ComponentStatus{}
	var names []string
	for _, c := range snap.Components {
		if _, seen := byTarget[c.Target]; !seen {
			names = append(names, c.Target)
		}
		byTarget[c.Target] = append(byTarget[c.Target], c)
	}
	var out []monitor.Attribution
	for _, name := range names {
		e := monitor.Evidence{Target: name}
		for _, c := range byTarget[name] {
			if c.Component == "status" { // the provider's status page: another host, another network path
				e.Controls = append(e.Controls, monitor.Control{Name: "its status page", Reached: c.RecentFailed < 0.5 && !c.State.Down()})
				continue
			}
			e.Components = append(e.Components, c)
		}
		for _, other := range names {
			if other != name {
				e.Controls = append(e.Controls, monitor.Control{Name: other, Reached: answers(byTarget[other])})
			}
		}
		a := monitor.Attribute(e)
		if a.Fault != monitor.FaultNone || len(a.Evidence) > 0 {
			out = append(out, a)
		}
	}
	return out
}

// answers reports whether any of a target's components answers.
func answers(cs []detect.ComponentStatus) bool {
	return slices.ContainsFunc(cs, func(c detect.ComponentStatus) bool { return c.RecentFailed < 0.5 && !c.State.Down() })
}

// attributionSentence is the verdict's clause for the attributions that blame someone.
func attributionSentence(as []monitor.Attribution) string {
	var parts []string
	for _, a := range as {
		if a.Fault == monitor.FaultNone {
			continue
		}
		who := a.Target
		if who == "" {
			who = "the target"
		}
		why := ""
		if len(a.Evidence) > 0 {
			why = ": " + strings.Join(a.Evidence, "; ")
		}
		parts = append(parts, fmt.Sprintf("%s is %s (%s, confidence %.0f %%)%s", who, a.Answer, a.Fault, 100*a.Confidence, why))
	}
	return strings.Join(parts, "; ")
}

// faultOf is the fault attributed to target now, for the metric label and span attribute of
// the probe that opened an incident ("" when nothing is blamed).
func faultOf(snap detect.Snapshot, target string) monitor.Fault {
	for _, a := range attributeAll(snap) {
		if a.Target == target {
			return a.Fault
		}
	}
	return monitor.FaultNone
}

// verdict is the detector's verdict with who is at fault. When the detector counts nothing
// against anyone (connection failures are not outage evidence by themselves) but the
// attribution blames someone, the attribution is the news and leads: "operational" would be a
// lie about an unreachable provider.
func verdict(snap detect.Snapshot, as []monitor.Attribution) string {
	s := attributionSentence(as)
	switch {
	case s == "":
		return snap.Verdict
	case snap.Overall == detect.Operational && snap.Local == nil:
		return s
	}
	return snap.Verdict + "; " + s
}
