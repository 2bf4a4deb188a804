package module

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/telemetry"
)

// detector is the process-wide outage detector every VU feeds.
func (r *RootModule) detector() *detect.Detector {
	r.detOnce.Do(func() { r.det = detect.New(detect.Defaults) })
	return r.det
}

// observe feeds one finished probe to the shared detector, sets the component's state on the
// result, logs state changes (so k6's own output tells the story) and returns the detector's
// view for the probe's samples.
func (t *Target) observe(r *probe.Result, at time.Time) telemetry.Detection {
	det := t.inst.root.detector()
	changes := det.Observe(detect.Observation{At: at, Target: t.Name, Component: string(r.Component), Class: r.Class,
		Blame: r.Blame, TTFTMs: r.Timings.TTFT, ITLMs: r.Timings.ITL, TotalMs: r.Timings.Total, TruthSince: t.truthSince(r)})
	view := telemetry.Detection{State: det.State(t.Name, string(r.Component))}
	r.State = string(view.State)
	t.inst.root.recorder().Observe(at, t.Name, string(r.Component), r.Class, r.Advice, r.Message, r.Timings.TTFT, view.State)
	t.logChanges(det, changes, at, &view)
	view.Changes = changes
	return view
}

// logChanges writes state changes to k6's log (so its own output tells the story) and collects
// the incidents they opened or resolved into view.
func (t *Target) logChanges(det *detect.Detector, changes []detect.Transition, at time.Time, view *telemetry.Detection) {
	log := t.inst.vu.State().Logger
	for _, c := range changes {
		in, _ := det.Incident(c.Incident)
		switch {
		case c.To == detect.Maintenance || c.From == detect.Maintenance:
			log.Infof("xk6-chatgpt: %s/%s %s -> %s (declared by the official status page)", c.Target, c.Component, c.From, c.To)
		case c.From == detect.Operational:
			view.Opened = append(view.Opened, in) // a sibling's too: pooled evidence opens several at once
			log.Warnf("xk6-chatgpt: %s/%s %s -> %s (incident %s, first bad probe %s ago)", c.Target, c.Component,
				c.From, c.To, c.Incident, at.Sub(in.StartedAt).Round(time.Second))
		case c.To == detect.Operational:
			view.Resolved = append(view.Resolved, in)
			log.Infof("xk6-chatgpt: %s/%s recovered, %s -> %s (incident %s lasted %s)", c.Target, c.Component,
				c.From, c.To, c.Incident, in.Duration(at).Round(time.Second))
		default:
			log.Warnf("xk6-chatgpt: %s/%s %s -> %s (incident %s)", c.Target, c.Component, c.From, c.To, c.Incident)
		}
	}
}

func jsonIndent(v any) (string, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode: %w", err)
	}
	return string(b) + "\n", nil
}

// state is chatgpt.state(): the shared detector's snapshot, with the same keys as the JSON
// report (overall, verdict, down, degraded, local, components, incidents).
func (i *Instance) state() (map[string]any, error) {
	snap := i.root.detector().Snapshot(time.Now())
	b, err := json.Marshal(snap)
	if err != nil {
		return nil, fmt.Errorf("chatgpt.state: %w", err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("chatgpt.state: %w", err)
	}
	return out, nil
}

// truthSince is the simulator's ground-truth start of the trouble a probe met, trusted only for
// targets that point at a simulator (a real server could claim anything).
func (t *Target) truthSince(r *probe.Result) time.Time {
	if t.Simulated || t.cfg.GroundTruth {
		return r.TruthSince
	}
	return time.Time{}
}
