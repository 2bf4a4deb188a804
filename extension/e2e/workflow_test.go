package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// GitHub disables a public repository's scheduled workflows after 60 days without activity: the
// scheduled monitor re-enables itself through the API after each scheduled run, with the
// permission that takes, without failing the run when the call fails; the README says so.
func TestScheduledWorkflowStaysAlive(t *testing.T) {
	root := repoRoot(t)
	const file = "synthetic.yml"
	raw, err := os.ReadFile(filepath.Join(root, ".github/workflows", file))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		On          map[string]any    `yaml:"on"`
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]struct {
			Steps []struct {
				Name            string `yaml:"name"`
				If              string `yaml:"if"`
				ContinueOnError bool   `yaml:"continue-on-error"`
				Run             string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(raw, &wf); err != nil {
		t.Fatal(err)
	}
	if _, ok := wf.On["schedule"]; !ok || wf.Permissions["actions"] != "write" {
		t.Fatalf("on %v, permissions %v: a schedule and actions: write", wf.On, wf.Permissions)
	}
	kept := false
	for _, job := range wf.Jobs {
		steps := job.Steps
		if len(steps) == 0 {
			continue
		}
		last := steps[len(steps)-1]
		kept = strings.Contains(last.Run, "gh api --method PUT") && strings.Contains(last.Run, "/actions/workflows/"+file+"/enable") &&
			last.ContinueOnError && strings.Contains(last.If, "github.event_name == 'schedule'") && strings.Contains(last.If, "!cancelled()")
	}
	if !kept {
		t.Errorf("the last step of %s does not re-enable %s after every scheduled run", file, file)
	}
	readme, _ := os.ReadFile(filepath.Join(root, "README.md"))
	deploy, _ := os.ReadFile(filepath.Join(root, "docs/deployment.md"))
	if !strings.Contains(string(readme), "after 60 days without activity") || !strings.Contains(string(deploy), "### Keeping the schedule alive") {
		t.Error("the README and docs/deployment.md do not say how the schedule stays alive")
	}
}
