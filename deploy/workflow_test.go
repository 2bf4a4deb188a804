package deploy

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

type workflowStep struct {
	Name string            `json:"name"`
	Uses string            `json:"uses"`
	Run  string            `json:"run"`
	Env  map[string]string `json:"env"`
	With map[string]string `json:"with"`
}

// The scheduled workflow (.github/workflows/synthetic.yml, the CI form of the monitor) is a
// matrix of locations: one job per entry, on the entry's runner, its metrics tagged with the
// entry's location, its history, state and reports kept apart from the other locations', and
// GitHub issues opened only by the entries that say so. Its default (one GitHub-hosted
// location) is valid JSON whose entries have what the jobs read.
func TestWorkflowRunsOneJobPerLocation(t *testing.T) {
	raw, err := os.ReadFile("../.github/workflows/synthetic.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			RunsOn   string `json:"runs-on"`
			Strategy struct {
				FailFast *bool `json:"fail-fast"`
				Matrix   struct {
					Include string `json:"include"`
				} `json:"matrix"`
			} `json:"strategy"`
			Steps []workflowStep `json:"steps"`
		} `json:"jobs"`
	}
	if err := yaml.Unmarshal(raw, &wf); err != nil {
		t.Fatal(err)
	}
	job, ok := wf.Jobs["probe"]
	if !ok {
		t.Fatal("no probe job")
	}
	def := regexp.MustCompile(`^\$\{\{ fromJSON\(vars\.CHATGPT_LOCATIONS \|\| '(.*)'\) \}\}$`).FindStringSubmatch(job.Strategy.Matrix.Include)
	if def == nil {
		t.Fatalf("matrix.include %q: want the CHATGPT_LOCATIONS variable with a default", job.Strategy.Matrix.Include)
	}
	var entries []map[string]any
	if err := json.Unmarshal([]byte(def[1]), &entries); err != nil || len(entries) == 0 {
		t.Fatalf("default locations %s: %v", def[1], err)
	}
	for _, e := range entries {
		if e["location"] == nil || e["runner"] == nil {
			t.Errorf("default entry %v lacks location or runner", e)
		}
	}
	if job.RunsOn != "${{ matrix.runner }}" {
		t.Errorf("runs-on %q: each location runs on its entry's runner", job.RunsOn)
	}
	if job.Strategy.FailFast == nil || *job.Strategy.FailFast {
		t.Error("fail-fast must be false: one location's failed run (an outage it saw) must not cancel the others")
	}
	const loc = "${{ matrix.location }}"
	var probe *workflowStep
	caches := 0
	for i, s := range job.Steps {
		if strings.Contains(s.Run, "./k6 run") {
			probe = &job.Steps[i]
		}
		if strings.HasPrefix(s.Uses, "actions/cache/") {
			caches++
			if !strings.Contains(s.With["key"], loc) || (s.With["restore-keys"] != "" && !strings.Contains(s.With["restore-keys"], loc)) {
				t.Errorf("%s: cache key %q / restore-keys %q: each location keeps its own history and state", s.Name, s.With["key"], s.With["restore-keys"])
			}
		}
		if strings.HasPrefix(s.Uses, "actions/upload-artifact") && !strings.Contains(s.With["name"], loc) {
			t.Errorf("%s: artifact %q would collide between locations", s.Name, s.With["name"])
		}
	}
	if caches != 2 {
		t.Errorf("%d cache steps, want restore and save", caches)
	}
	if probe == nil {
		t.Fatal("no step runs k6")
	}
	if probe.Env["CHATGPT_LOCATION"] != loc || !strings.Contains(probe.Run, `--tag "location=$CHATGPT_LOCATION"`) {
		t.Errorf("the probe step: CHATGPT_LOCATION=%q, run %q: want the location tag from the matrix", probe.Env["CHATGPT_LOCATION"], probe.Run)
	}
	if probe.Env["CHATGPT_GITHUB_ISSUES"] != "${{ matrix.issues == true }}" {
		t.Errorf("CHATGPT_GITHUB_ISSUES=%q: only the entries that say so open issues", probe.Env["CHATGPT_GITHUB_ISSUES"])
	}
}
