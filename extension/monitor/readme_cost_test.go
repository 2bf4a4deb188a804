package monitor

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
)

// The cost per location a month (docs/deployment.md, "Running at scale") is arithmetic on the
// code: probes a month from the interval scripts/chatgpt.js runs at (and, scheduled, the
// workflow's schedule and run length), tokens from the default model's answer budget (model
// "auto" as it picks on the date the docs state), prices from its policy, the confirmation probes
// DefaultConfirmations allows, and as many locations as deploy/ defines. The prompt's size (15
// input tokens) and the usual answer (2 tokens) are the stated assumptions.
func TestReadmeCostPerLocation(t *testing.T) {
	root := filepath.Join("..", "..")
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	match := func(text, re, what string) string {
		m := regexp.MustCompile(re).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("%s not found (%s)", what, re)
		}
		return m[1]
	}
	interval, err := time.ParseDuration(match(read("scripts/chatgpt.js"), `const interval = __ENV\.CHATGPT_INTERVAL \|\| "([^"]+)"`, "the script's interval"))
	if err != nil {
		t.Fatal(err)
	}
	wf := read(".github/workflows/synthetic.yml")
	every, err := time.ParseDuration(match(wf, `cron: "\*/(\d+) \* \* \* \*"`, "the workflow's schedule") + "m")
	if err != nil {
		t.Fatal(err)
	}
	runFor, err := time.ParseDuration(match(wf, `CHATGPT_DURATION: (\S+)`, "the workflow's run length"))
	if err != nil {
		t.Fatal(err)
	}
	locations, _ := filepath.Glob(filepath.Join(root, "deploy", "operator", "locations", "*.yaml"))
	model := probe.Endpoints[probe.OpenAI].Model
	if model == probe.AutoModel {
		day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) // the day the docs name
		model = (&probe.ModelBook{Provider: "openai", Now: func() time.Time { return day }}).Pick("chat")
	}
	policy := probe.PolicyFor(model)
	if model != "gpt-5.4-nano" || !policy.Priced || len(locations) == 0 {
		t.Fatalf("model %s (priced %v), %d locations: the docs' table is about gpt-5.4-nano and deploy/'s locations", model, policy.Priced, len(locations))
	}
	const month = 30 * 24 * time.Hour
	const input, usual = 15, 2
	continuous := int(month / interval)
	scheduled := int(month/every) * int(runFor/interval)
	rows := []struct {
		label         string
		probes, input int
		output        int
	}{
		{"continuous, usual answer", continuous, input, usual},
		{"continuous, worst case", continuous, input, policy.MinTokens},
		{"continuous, worst case with every confirmation probe", continuous * (1 + DefaultConfirmations), input, policy.MinTokens},
		{"scheduled (2 minutes every 15), worst case", scheduled, input, policy.MinTokens},
	}
	readme := read("docs/deployment.md")
	section := readme[strings.Index(readme, "## Running at scale"):]
	section = section[:strings.Index(section[3:], "\n## ")+3]
	for _, r := range rows {
		cost, _ := probe.Cost(model, probe.Usage{Input: r.input, Output: r.output}, 0)
		perMonth := cost * float64(r.probes)
		want := fmt.Sprintf("| %s | %s | %d in + %d out | $%.2f | $%.2f |", r.label, thousands(r.probes), r.input, r.output,
			perMonth, perMonth*float64(len(locations)))
		if !strings.Contains(section, want+"\n") {
			t.Errorf("docs/deployment.md's Running at scale lacks the row\n%s", want)
		}
	}
	if !strings.Contains(section, fmt.Sprintf("$%.2f per million input\ntokens, $%.2f per million output", policy.InputPerM, policy.OutputPerM)) {
		t.Errorf("docs/deployment.md's Running at scale does not state %s's prices ($%.2f/$%.2f per million)", model, policy.InputPerM, policy.OutputPerM)
	}
}

// thousands writes n with commas: 172,800.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
