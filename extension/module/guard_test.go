package module

import (
	"strings"
	"testing"
)

// Without a key, CI (or a report folder) stops the run at init naming the variable, instead of
// probing the simulator; asking for the simulator makes the run go on, and then the verdict
// says SIMULATOR.
func TestSimulatorIsNeverASilentDefault(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		opts string
		want string // "" : the target is made
	}{
		{map[string]string{"CI": "true"}, `{}`, "OPENAI_API_KEY is not set"},
		{map[string]string{"CI": "true", "OPENAI_API_KEY": ""}, `{}`, "OPENAI_API_KEY is not set"},
		{map[string]string{"CHATGPT_REPORT_DIR": "reports"}, `{provider: "anthropic"}`, "ANTHROPIC_API_KEY is not set"},
		{map[string]string{"CI": "true", "CHATGPT_TARGET": "simulator"}, `{}`, ""},
		{map[string]string{"CI": "true"}, `{simulator: true}`, ""},
		{map[string]string{"CHATGPT_TARGET": "simulator", "OPENAI_API_KEY": "sk-real-key-never-sent"}, `{}`, ""},
		{map[string]string{"CHATGPT_TARGET": "real"}, `{}`, `CHATGPT_TARGET="real"`},
		{map[string]string{}, `{}`, ""}, // a developer's machine: the simulator, with a warning
	} {
		rt, _ := newRuntime(t, tc.env)
		v, err := rt.RunOnEventLoop(`const chatgpt = require("k6/x/chatgpt"); chatgpt.target(` + tc.opts + `)`)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v %s: %v", tc.env, tc.opts, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v %s: err = %v, want %q", tc.env, tc.opts, err, tc.want)
		case tc.want == "":
			tg := v.Export().(*Target)
			if !tg.Simulated || tg.cfg.APIKey != "" {
				t.Errorf("%v %s: simulated %v, key %q", tc.env, tc.opts, tg.Simulated, tg.cfg.APIKey)
			}
			toVU(rt)
			s, err := rt.RunOnEventLoop(`chatgpt.state().verdict`)
			if err != nil || !strings.HasPrefix(s.String(), "SIMULATOR, not a real API — ") {
				t.Errorf("verdict %v (%v)", s, err)
			}
		}
	}
}
