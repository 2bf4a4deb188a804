package e2e

import (
	"regexp"
	"strings"
	"testing"
)

// Every component of every provider dialect through `k6 run` against the embedded simulator:
// per-component availability thresholds hold, and k6's own network metrics count the probes.
func TestEveryComponentThroughK6(t *testing.T) {
	t.Parallel()
	r := k6run(t, "examples/providers.js", "ROUNDS=1")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, c := range []string{"chat", "chat_stream", "responses", "models", "embeddings", "moderations", "images", "web", "status", "canary"} {
		if !strings.Contains(r.stdout, "chatgpt_available{component:"+c+"}") {
			t.Errorf("no threshold result for %s", c)
		}
	}
	for _, check := range []string{"openai web ok", "openai status ok", "azure chat_stream ok", "azure canary ok",
		"anthropic chat_stream ok", "anthropic canary ok", "gemini embeddings ok", "openai images ok"} {
		if !strings.Contains(r.stdout, "✓ "+check) {
			t.Errorf("check %q did not pass:\n%s", check, r.stdout)
		}
	}
	for _, m := range []string{"data_received", "data_sent"} {
		if !regexp.MustCompile(m + `\.*: [1-9][0-9.]* [kM]?B`).MatchString(r.stdout) {
			t.Errorf("%s not counted:\n%s", m, r.stdout)
		}
	}
	if !regexp.MustCompile(`chatgpt_cost_usd\.*: 0\.0\d*[1-9]`).MatchString(r.stdout) {
		t.Errorf("no cost counted:\n%s", r.stdout)
	}
}

// The canary sees what availability cannot: a model answering wrongly.
func TestCanaryCatchesWrongAnswers(t *testing.T) {
	t.Parallel()
	r := k6run(t, "examples/canary.js")
	if r.code != 99 {
		t.Fatalf("exit %d, want 99 (canary threshold crossed)\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, `canary: wrong_answer, the canary question got a wrong answer: got \"43\", expected \"42\" (answered \"43\")`) {
		t.Errorf("wrong answer not reported:\n%s", r.stderr)
	}
	if !regexp.MustCompile(`✓ 'rate==1' rate=100.00%`).MatchString(r.stdout) || !strings.Contains(r.stdout, "✗ 'rate>=0.9' rate=0.00%") {
		t.Errorf("want chat_stream available and canary failing:\n%s", r.stdout)
	}
}

// The smoke test xk6 lint runs passes.
func TestSmoke(t *testing.T) {
	t.Parallel()
	r := k6run(t, "examples/smoke.test.js")
	if r.code != 0 || !strings.Contains(r.stdout, "✓ anthropic chat_stream ok") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
