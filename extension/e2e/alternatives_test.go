package e2e

import (
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// During an OpenAI outage with Anthropic healthy, the run's verdict names Anthropic as the
// alternative that is up, and each incident carries its lead over the official status page.
func TestAlternativeUpDuringOutage(t *testing.T) {
	t.Parallel()
	r := k6run(t, "examples/alternatives.js")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !regexp.MustCompile(`verdict: SIMULATOR, not a real API — partial outage: openai/chat, openai/chat_stream down.*alternatives up: anthropic \(operational, TTFT \d+ ms\)`).MatchString(r.stderr) {
		t.Errorf("verdict does not name the alternative:\n%s", r.stderr)
	}
	// Acknowledged 3 scenario minutes after the outage began: 9 s at speed 20, less our detection time.
	m := regexp.MustCompile(`incident openai/chat-\d+: major_outage, detected \S+, ([\d.]+) s ahead of the status page`).FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no detection lead reported:\n%s", r.stderr)
	}
	if lead, _ := strconv.ParseFloat(m[1], 64); lead < 6 || lead > 9 {
		t.Errorf("lead %v s, want 6-9 s (9 s less 1-2 probe rounds of 0.75 s, with slack)", lead)
	}
	if !strings.Contains(r.stdout, "chatgpt_official_status") {
		t.Errorf("no chatgpt_official_status in the summary")
	}
}

// With every provider down, it says no alternative is up; when nothing answers at all, that
// the problem is local.
func TestNoAlternativeAndLocal(t *testing.T) {
	t.Parallel()
	r := k6run(t, "examples/alternatives.js", "ALT_SCENARIO=everything-down", "DURATION=12s")
	if r.code != 0 || !strings.Contains(r.stderr, "no alternative is up either") || !strings.Contains(r.stderr, "alternative anthropic: down") {
		t.Errorf("everything down: exit %d\n%s", r.code, r.stderr)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	r = k6run(t, "examples/alternatives.js", "BASE_URL=http://"+addr+"/v1", "DURATION=8s")
	if r.code != 0 || !strings.Contains(r.stderr, "it's you, not them: your network fails with connection_error") {
		t.Errorf("nothing answers: exit %d\n%s", r.code, r.stderr)
	}
}
