package monitor

import (
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
)

// target is a validated OpenAI target at base with short deadlines.
func target(t *testing.T, base string) *probe.Target {
	t.Helper()
	tg := &probe.Target{Model: "gpt-4o-mini", BaseURL: base, APIKey: "sk-test-secret-key-1234",
		Timeouts: probe.Timeouts{Connect: time.Second, TTFB: 2 * time.Second, FirstToken: 2 * time.Second, Stall: 300 * time.Millisecond, Total: 3 * time.Second}}
	if err := tg.Validate(); err != nil {
		t.Fatal(err)
	}
	return tg
}
