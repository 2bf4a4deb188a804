package replay

import (
	"slices"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
)

// officialEvents turns the scenario's status_page entries into what the status probe would
// read, per replayed component: the declared state, and while an incident is declared, when it
// was first acknowledged (the entry that declared it).
func officialEvents(sc *scenario.Scenario, components []string) []detect.Official {
	entries := slices.Clone(sc.StatusPage)
	slices.SortStableFunc(entries, func(a, b scenario.StatusEntry) int { return int(a.At - b.At) })
	type ack struct {
		at   time.Time
		name string
	}
	open := map[string]ack{}
	var out []detect.Official
	for _, e := range entries {
		at := epoch.Add(e.At)
		for _, c := range components {
			st, ok := e.Components[c]
			if !ok {
				continue
			}
			state := detect.State(st)
			switch {
			case state == detect.Operational || state == detect.Maintenance:
				delete(open, c)
			case open[c].at.IsZero():
				open[c] = ack{at, e.Incident}
			}
			out = append(out, detect.Official{At: at, Component: c, State: state, AckAt: open[c].at, Incident: open[c].name})
		}
	}
	return out
}

// official fills the row's acknowledgement and lead from the incident that detected the phase.
func official(row *PhaseRow, incidents []detect.Incident, component string) {
	if row.DetectedS == nil {
		return
	}
	for _, in := range incidents {
		if in.Component != component || in.OfficialAck == nil {
			continue
		}
		det := in.DetectedAt.Sub(epoch).Seconds()
		if det >= row.StartS && det <= row.EndS+Grace.Seconds() || *row.DetectedS == row.StartS && det < row.StartS {
			ack := in.OfficialAck.Sub(epoch).Seconds()
			lead := *in.LeadS
			row.OfficialAckS, row.LeadS = &ack, &lead
			return
		}
	}
}
