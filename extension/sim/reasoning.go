package sim

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// A reasoning model thinks before it answers. A chat request that sets reasoning_effort gets
// that many reasoning tokens first, streamed as reasoning_content deltas (as DeepSeek, vLLM and
// other OpenAI-compatible servers stream them; OpenAI's own API keeps them hidden), counted in
// usage.completion_tokens_details.reasoning_tokens. They are spent from the answer budget
// (max_completion_tokens), as OpenAI spends them: a budget the thinking uses up leaves no
// answer, with finish_reason "length" — what an o-series model at a small budget returns.

// reasoningByEffort is how many tokens the simulated model thinks at each effort.
var reasoningByEffort = map[string]int{"minimal": 0, "low": 16, "medium": 64, "high": 256}

// thought is the reasoning text, one token per entry.
var thought = []string{"The", " user", " wants", " a", " short", " reply", "."}

// think puts the reasoning a request asks for before the planned answer, within its budget.
func (s *Server) think(req *chatRequest, rsp *response) {
	n, ok := reasoningByEffort[req.ReasoningEffort]
	if !ok || n == 0 {
		return
	}
	if s.cfg.ReasoningTokens > 0 {
		n = s.cfg.ReasoningTokens
	}
	answer := rsp.tokens
	if limit := max(req.MaxTokens, req.MaxCompletionTokens); limit > 0 {
		if n >= limit {
			n, answer, rsp.length = limit, nil, true
		} else if n+len(answer) > limit {
			answer, rsp.length = answer[:limit-n], true
		}
	}
	tokens := make([]string, n, n+len(answer))
	for i := range tokens {
		tokens[i] = thought[i%len(thought)]
	}
	rsp.tokens, rsp.reasoning = append(tokens, answer...), n
	gaps := make([]time.Duration, n)
	s.draw(func(r *rand.Rand) {
		for i := range gaps {
			gaps[i] = time.Duration(float64(s.cfg.Baseline.ITL.Sample(r)))
		}
	})
	if len(answer) == 0 {
		gaps = gaps[:max(n-1, 0)]
	}
	rsp.gaps = append(gaps, rsp.gaps...)[:max(len(rsp.tokens)-1, 0)]
}

// delta is the stream delta of token i: reasoning, then answer.
func (rsp *response) delta(i int, tok string) string {
	if i < rsp.reasoning {
		return `{"reasoning_content":` + quote(tok) + `}`
	}
	return `{"content":` + quote(tok) + `}`
}

// answerText is the answer without the reasoning.
func (rsp *response) answerText() []string { return rsp.tokens[min(rsp.reasoning, len(rsp.tokens)):] }

// finish is the finish reason, JSON-quoted.
func (rsp *response) finish() string {
	if rsp.length {
		return `"length"`
	}
	return `"stop"`
}

// usage is the chat usage object, with the reasoning tokens when there were any.
func (rsp *response) usage() string {
	out := len(rsp.tokens)
	u := `{"prompt_tokens":` + strconv.Itoa(rsp.prompt) + `,"completion_tokens":` + strconv.Itoa(out) +
		`,"total_tokens":` + strconv.Itoa(rsp.prompt+out)
	if rsp.reasoning > 0 {
		u += `,"completion_tokens_details":{"reasoning_tokens":` + strconv.Itoa(rsp.reasoning) + `}`
	}
	return u + "}"
}
