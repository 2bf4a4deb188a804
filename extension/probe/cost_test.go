package probe

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
)

func TestEstimateAndCost(t *testing.T) {
	tg := target(t, "http://127.0.0.1:1/v1")
	est := tg.Estimate(ChatStream)
	// gpt-4o-mini: a generous 32 input tokens at $0.15/M and the 5-token budget at $0.60/M.
	if est < 7e-6 || est > 9e-6 {
		t.Fatalf("estimate %v", est)
	}
	if tg.Estimate(Models) != 0 || tg.Estimate(Web) != 0 || tg.Estimate(Moderations) != 0 {
		t.Fatal("free components estimated to cost")
	}
	if c, ok := Cost("gpt-4o-mini-2024-07-18", Usage{Input: 1_000_000, Output: 1_000_000}, 0); !ok || c != 0.75 {
		t.Fatalf("dated model cost %v %v", c, ok)
	}
	if _, ok := Cost("my-local-llama", Usage{Input: 10}, 0); ok {
		t.Fatal("unknown model priced")
	}
	if p := PolicyFor("gpt-4o"); p.InputPerM != 2.5 { // not gpt-4o-mini
		t.Fatalf("gpt-4o policy %+v", p)
	}
	for model, want := range map[string]struct {
		tokens int
		effort string
	}{"gpt-4o-mini": {5, ""}, "gpt-5-mini": {64, "minimal"}, "gpt-5.1": {16, "none"}, "o4-mini": {256, "low"}, "unknown": {16, ""}} {
		if tg.maxTokens(model) != want.tokens || tg.effort(model) != want.effort {
			t.Errorf("%s: max tokens %d effort %q, want %+v", model, tg.maxTokens(model), tg.effort(model), want)
		}
	}
}

// --http-debug dumps carry no credentials, and full dumps carry the bodies without disturbing
// the stream's measurement.
func TestDebugTransportRedacts(t *testing.T) {
	base := strings.TrimSuffix(simtest.Fast(t, nil), "/v1")
	for _, prov := range []string{OpenAI, Azure, Anthropic} {
		var mu sync.Mutex
		var logs []string
		tg := target(t, base+map[string]string{OpenAI: "/v1", Azure: "", Anthropic: "/v1"}[prov])
		tg.Provider = prov
		if err := tg.Validate(); err != nil {
			t.Fatal(err)
		}
		var keys secret.Set
		keys.Add(tg.APIKey)
		rt := &DebugTransport{Next: http.DefaultTransport, Full: true, Secrets: &keys,
			Log: func(m string) { mu.Lock(); logs = append(logs, m); mu.Unlock() }}
		r := Run(context.Background(), rt, tg, ChatStream)
		if !r.OK {
			t.Fatalf("%s: %+v", prov, r)
		}
		all := strings.Join(logs, "\n")
		if strings.Contains(all, "sk-test-secret") || !strings.Contains(all, "[REDACTED]") {
			t.Fatalf("%s: key in the dump or not masked:\n%s", prov, all)
		}
		if len(logs) != 2 || !strings.Contains(logs[0], `"stream":true`) || !strings.Contains(logs[1], "200 OK") || !strings.Contains(logs[1], "data: ") {
			t.Fatalf("%s: dump incomplete:\n%s", prov, all)
		}
	}
}

// PolicyFor's memo answers as the table does, and stays bounded however many names a server's
// model lists bring.
func TestPolicyMemo(t *testing.T) {
	for i := range maxPolicyMemo + 100 {
		for _, m := range []string{"gpt-5-nano", "gpt-4o-mini-2024-07-18", "my-model", "gemini-2.5-pro"} {
			m = fmt.Sprintf("%s-%d", m, i%(maxPolicyMemo/2))
			if got, want := PolicyFor(m), policyOf(m); got != want {
				t.Fatalf("PolicyFor(%s) = %+v, table says %+v", m, got, want)
			}
		}
	}
	n := 0
	policyMemo.Range(func(any, any) bool { n++; return true })
	if n > maxPolicyMemo {
		t.Fatalf("memo holds %d entries, bound %d", n, maxPolicyMemo)
	}
}
