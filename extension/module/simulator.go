package module

import (
	"errors"
	"fmt"
	"strconv"

	"go.k6.io/k6/v2/lib/fsext"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
)

// simulator is chatgpt.simulator({scenario, speed}): starts (once per process for the same
// options, so every VU shares one scenario clock) a simulator serving the scenario, and returns
// its base URL for target({baseURL}). Init context only, because it reads the scenario file.
func (i *Instance) simulator(opts map[string]any) (string, error) {
	ie := i.vu.InitEnv()
	if ie == nil {
		return "", errors.New("chatgpt.simulator() must be called in the init context")
	}
	for k := range opts {
		if k != "scenario" && k != "speed" {
			return "", fmt.Errorf("chatgpt.simulator: unknown option %q (known: scenario, speed)", k)
		}
	}
	path, _ := opts["scenario"].(string)
	speed := 1.0
	if v, ok := opts["speed"]; ok {
		f, ok := toFloat(v)
		if !ok || f <= 0 {
			return "", fmt.Errorf("chatgpt.simulator: speed must be a positive number, got %v", v)
		}
		speed = f
	}
	key := path + "|" + strconv.FormatFloat(speed, 'g', -1, 64)
	r := i.root
	r.mu.Lock()
	defer r.mu.Unlock()
	if s, ok := r.sims[key]; ok {
		return s.URL, nil
	}
	cfg := sim.DefaultConfig()
	cfg.Speed = speed
	if path != "" {
		fs, ok := ie.FileSystems["file"]
		if !ok {
			return "", errors.New("chatgpt.simulator: no file system to read the scenario from")
		}
		data, err := fsext.ReadFile(fs, ie.GetAbsFilePath(path))
		if err != nil {
			return "", fmt.Errorf("chatgpt.simulator: read scenario: %w", err)
		}
		if cfg.Scenario, err = scenario.Parse(path, data); err != nil {
			return "", fmt.Errorf("chatgpt.simulator: %w", err)
		}
	}
	s, err := sim.Start("127.0.0.1:0", cfg)
	if err != nil {
		return "", fmt.Errorf("chatgpt.simulator: %w", err)
	}
	if r.sims == nil {
		r.sims = map[string]*sim.Running{}
	}
	r.sims[key] = s
	if speed > 1 { // the detector lives in scenario time: a scenario minute is still a minute to it
		r.detector().SetSpeed(speed)
	}
	ie.Logger.Infof("xk6-chatgpt: simulator serving %q at %s (speed %g)", path, s.URL, speed)
	return s.URL, nil
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	}
	return 0, false
}
