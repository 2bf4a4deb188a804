package report

import (
	"slices"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
)

// Build assembles the run's report from the detector's final snapshot, what the recorder kept
// and k6's thresholds. previous is the previous scheduled run's start, when the scheduler
// passes it: the gap shows late and skipped runs.
func Build(snap detect.Snapshot, rec *Recorder, end time.Time, thresholds []Threshold, previous *time.Time) Run {
	run := Run{SchemaVersion: SchemaVersion, StartedAt: rec.Started().UTC(), EndedAt: end.UTC(), Overall: snap.Overall,
		Verdict: snap.Verdict, Local: snap.Local, Incidents: snap.Incidents, Alternatives: snap.Alternatives,
		Thresholds: thresholds, Unacknowledged: snap.Unacknowledged, OfficialOnly: snap.OfficialOnly,
		Components: []Component{}, Timeline: []Series{}, Memory: snap.Memory, Blips: snap.Blips}
	if run.Incidents == nil {
		run.Incidents = []detect.Incident{}
	}
	if run.Alternatives == nil {
		run.Alternatives = []detect.Alternative{}
	}
	if run.Thresholds == nil {
		run.Thresholds = []Threshold{}
	}
	if run.Unacknowledged == nil {
		run.Unacknowledged = []string{}
	}
	if run.OfficialOnly == nil {
		run.OfficialOnly = []string{}
	}
	if previous != nil {
		p := previous.UTC()
		gap := run.StartedAt.Sub(p).Seconds()
		run.PreviousRunAt, run.ScheduleGap = &p, &gap
	}
	rec.Fill(&run, snap)
	for i := range run.Components {
		run.Components[i].Challenged = challenged(run.Components[i])
	}
	return run
}

// challenged reports whether c is a front door that only ever showed this bot a challenge:
// it says nothing of whether the app works.
func challenged(c Component) bool {
	return c.Component == "web" && c.OK == 0 && c.Probes > 0 && c.topClass() == "edge_blocked"
}

// Failed reports whether any threshold failed.
func (r *Run) Failed() bool {
	for _, t := range r.Thresholds {
		if !t.OK {
			return true
		}
	}
	return false
}

// topClass is a component's most frequent failure class ("" without failures).
func (c Component) topClass() string {
	best, n := "", 0
	for cl, k := range c.Classes {
		if k > n || (k == n && cl < best) {
			best, n = cl, k
		}
	}
	return best
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
