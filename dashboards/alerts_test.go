package dashboards

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The alert rules pass `promtool check rules`, and their unit tests (every alert firing and not
// firing, the multi-location quorum included) pass `promtool test rules`.
func TestAlertRules(t *testing.T) {
	promtool := os.Getenv("PROMTOOL")
	if promtool == "" {
		t.Skip("PROMTOOL is not set: `make test` installs Prometheus' promtool and runs this test")
	}
	for _, args := range [][]string{{"check", "rules", "alerts/chatgpt.rules.yml"}, {"test", "rules", "alerts/chatgpt.rules.test.yml"}} {
		out, err := exec.Command(promtool, args...).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "SUCCESS") {
			t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
