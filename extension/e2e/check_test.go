package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// k6x runs `k6 x chatgpt args...` with a clean environment plus env.
func k6x(t *testing.T, env []string, args ...string) run {
	t.Helper()
	return runK6(t, time.Minute, env, append([]string{"x", "chatgpt"}, args...)...)
}

// `k6 x chatgpt check` answers in one command: a major outage of the simulator is "down for
// everyone" with its evidence, exit 1, well within 30 s; a healthy one is "up", exit 0.
func TestCheckCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sc := filepath.Join(dir, "down.yaml")
	writeFile(t, sc, `name: down
duration: 1h
phases: [{at: 0s, until: 1h, components: [chat, chat_stream, models], truth: major_outage, error_rate: 1, faults: {server_500: 1}}]
status_page: [{at: 0s, components: {chat: major_outage, chat_stream: major_outage}, incident: "Elevated errors"}]
`)
	down, _, _ := startSimulate(t, "--scenario", sc)
	healthy, _, _ := startSimulate(t)
	origin := func(u string) string { return strings.TrimSuffix(u, "/v1") }
	start := time.Now()
	r := k6x(t, []string{"OPENAI_API_KEY=sk-e2e-check-0123456789"}, "check", "--base-url", down,
		"--status-url", origin(down)+"/api/v2/summary.json", "--alternative", healthy)
	took := time.Since(start)
	if r.code != 1 || !strings.Contains(r.stdout, "down for everyone (provider") || !strings.Contains(r.stdout, "our network works") ||
		!strings.Contains(r.stdout, "status page declares") || took > 30*time.Second {
		t.Fatalf("outage: exit %d in %s\n%s\n%s", r.code, took, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "sk-e2e-check") {
		t.Fatal("the key reached the output")
	}
	t.Logf("took %s:\n%s", took.Round(time.Millisecond), r.stdout)
	r = k6x(t, []string{"OPENAI_API_KEY=x"}, "check", "--base-url", healthy, "--status-url", origin(healthy)+"/api/v2/summary.json", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"answer":"up"`) {
		t.Fatalf("healthy: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r = k6x(t, nil, "check"); r.code != 4 || !strings.Contains(r.stderr, "OPENAI_API_KEY is not set") {
		t.Fatalf("no key: exit %d\n%s", r.code, r.stderr)
	}
}
