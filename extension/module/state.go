package module

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/report"
)

// detector is the process-wide outage detector every VU feeds.
func (r *RootModule) detector() *detect.Detector {
	r.detOnce.Do(func() { r.det = detect.New(detect.Defaults) })
	return r.det
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
	as := attributeAll(snap)
	verdict := verdict(snap, as)
	if ms := i.root.shutdowns(); len(ms) > 0 {
		verdict += " — " + report.ShutdownWarning(ms)
		out["model_shutdowns"] = ms
	}
	if note := i.root.simulatorNote(); note != "" {
		verdict, out["simulator"] = note+" — "+verdict, note
	}
	out["verdict"], out["attribution"] = verdict, as
	return out, nil
}
