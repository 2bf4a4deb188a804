package probe

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
)

// reasoningSim is a fast simulator whose reasoning requests think for think tokens (0: by effort).
func reasoningSim(t *testing.T, think int, itl time.Duration) string {
	cfg := sim.DefaultConfig()
	cfg.Baseline.TTFT = scenario.Latency{Median: 20 * time.Millisecond}
	cfg.Baseline.ITL = scenario.Latency{Median: itl}
	cfg.ReasoningTokens = think
	return simtest.Start(t, cfg).URL
}

// A reasoning model thinks, then answers: TTFT is its first reasoning token, TTFA its first
// answer token, later by the thinking; the reasoning tokens are reported.
func TestReasoningModelTTFA(t *testing.T) {
	tg := target(t, reasoningSim(t, 0, 3*time.Millisecond))
	tg.Model = "o4-mini" // effort low: the simulator thinks 16 tokens
	if err := tg.Validate(); err != nil {
		t.Fatal(err)
	}
	r := Run(context.Background(), http.DefaultTransport, tg, ChatStream)
	if !r.OK || r.Usage.Reasoning != 16 || r.Usage.Output <= 16 {
		t.Fatalf("%s %s %+v", r.Class, r.Message, r.Usage)
	}
	tm := r.Timings
	// 16 reasoning tokens 3 ms apart come between them
	if tm.TTFT <= 0 || tm.TTFA < tm.TTFT+30 {
		t.Fatalf("ttft %.1f ms, ttfa %.1f ms: the answer should come after the reasoning", tm.TTFT, tm.TTFA)
	}
}

// A reasoning model that spends its whole answer budget thinking answers 200, finish_reason
// length, no content: our configuration (blame client, advice naming maxTokens), never the
// provider's empty_response, streamed or not.
func TestAnswerBudgetSpentThinking(t *testing.T) {
	tg := target(t, reasoningSim(t, 300, 200*time.Microsecond))
	tg.Model = "o4-mini" // a budget of 256 at effort low
	if err := tg.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []Component{Chat, ChatStream, Canary} {
		r := Run(context.Background(), http.DefaultTransport, tg, c)
		if r.OK || r.Class != classify.AnswerBudgetExhausted || r.Blame != classify.BlameClient || r.Blame.CountsAsOutage() {
			t.Fatalf("%s: %s/%s %s", c, r.Class, r.Blame, r.Message)
		}
		if r.FinishReason != "length" || r.Usage.Reasoning != 256 {
			t.Errorf("%s: finish %q, usage %+v", c, r.FinishReason, r.Usage)
		}
		for _, want := range []string{"maxTokens 256", "reasoning effort low", "256 token(s) reasoning"} {
			if !strings.Contains(r.Message, want) {
				t.Errorf("%s: message %q lacks %q", c, r.Message, want)
			}
		}
		if !strings.Contains(r.Advice, "maxTokens") || !strings.Contains(r.Advice, "not an outage") {
			t.Errorf("%s: advice %q", c, r.Advice)
		}
	}
	// A budget that leaves room answers.
	tg.MaxTokens = 400
	if err := tg.Validate(); err != nil {
		t.Fatal(err)
	}
	if r := Run(context.Background(), http.DefaultTransport, tg, ChatStream); !r.OK || r.Timings.TTFA <= r.Timings.TTFT {
		t.Fatalf("budget 400: %s %s %+v", r.Class, r.Message, r.Timings)
	}
}
