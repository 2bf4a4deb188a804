package module

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statefile"
)

func TestStateOptions(t *testing.T) {
	dir := t.TempDir()
	saved := filepath.Join(dir, "saved.json")
	d := detect.New(detect.Defaults)
	d.Observe(detect.Observation{At: time.Now().Add(-time.Minute), Target: "openai", Component: "chat", Class: classify.OK, TTFTMs: 300, ITLMs: 20, TotalMs: 500})
	if err := statefile.Write(saved, statefile.Document{Saved: d.Save()}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, script, want string
	}{
		{"bad max age", `ch.target({stateMaxAge: "soon"})`, "stateMaxAge"},
		{"two files", `ch.target({state: "` + saved + `"}); ch.target({name: "b", state: "` + filepath.Join(dir, "other.json") + `"})`, "one state file per run"},
		{"state after a target without", `ch.target({}); ch.target({name: "b", state: "` + saved + `"})`, "set it on the first target"},
		{"loaded", `ch.target({state: "` + saved + `"}); ch.target({name: "b"}); const m = ch.state().memory;
			if (m.source !== "state_file" || !m.note.includes("old")) throw new Error(JSON.stringify(m));`, ""},
		{"priors said", `ch.target({provider: "anthropic"}); const m = ch.state().memory;
			if (m.source !== "priors" || !m.note.includes("anthropic priors")) throw new Error(JSON.stringify(m));`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt, _ := newRuntime(t, map[string]string{"OPENAI_API_KEY": "sk-test-state", "ANTHROPIC_API_KEY": "sk-ant-test"})
			runWant(t, rt, tc.script, tc.want)
		})
	}
}
