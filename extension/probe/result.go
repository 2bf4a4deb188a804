// Package probe performs one synthetic request against an LLM API through a caller-supplied
// http.RoundTripper (k6's VU transport in production), measures every phase on the monotonic
// clock, reads streams byte by byte, enforces phase deadlines and classifies the outcome. It knows
// nothing of the JS runtime; the module package turns a Result into metrics and a JS object.
package probe

import (
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// Timings are in milliseconds. Zero means the phase did not happen (a reused connection has no
// DNS, connect or TLS; a non-streaming response has no TTFT).
type Timings struct {
	DNS     float64 `js:"dns" json:"dns"`
	Connect float64 `js:"connect" json:"connect"`
	TLS     float64 `js:"tls" json:"tls"`
	TTFB    float64 `js:"ttfb" json:"ttfb"`      // response headers
	TTFT    float64 `js:"ttft" json:"ttft"`      // first content or reasoning token
	TTFA    float64 `js:"ttfa" json:"ttfa"`      // first answer (non-reasoning) token
	ITL     float64 `js:"itl" json:"itl"`        // mean gap between tokens after the first
	ITLMax  float64 `js:"itlMax" json:"itl_max"` // longest such gap
	Total   float64 `js:"total" json:"total"`
}

// SLO is a latency objective: a stream meets it when its TTFT and mean inter-token latency are
// within these (zero: not checked). Goodput is the share of probes that succeed and meet it.
type SLO struct {
	TTFTMs, ITLMs float64
}

// Met reports whether timings meet the objective.
func (s *SLO) Met(t Timings) bool {
	return (s.TTFTMs <= 0 || t.TTFT <= s.TTFTMs) && (s.ITLMs <= 0 || t.ITL <= s.ITLMs)
}

// SpanHeaders are the response headers a trace carries: ids to quote to support, rate-limit
// state, and the simulator's ground truth.
var SpanHeaders = []string{"X-Request-Id", "Request-Id", "Apim-Request-Id", "Cf-Ray", "Openai-Processing-Ms", "Retry-After",
	"X-Ratelimit-Limit-Requests", "X-Ratelimit-Remaining-Requests", "X-Ratelimit-Reset-Requests",
	"X-Ratelimit-Limit-Tokens", "X-Ratelimit-Remaining-Tokens", "X-Ratelimit-Reset-Tokens",
	"Anthropic-Ratelimit-Requests-Remaining", "Anthropic-Ratelimit-Tokens-Remaining", "X-Sim-Fault"}

// Usage is token accounting, from the server's usage report when it sent one.
type Usage struct {
	Input  int `js:"input" json:"input"`
	Output int `js:"output" json:"output"`
}

// Result is what one probe observed. Its js tags are the JS API (index.d.ts); its json tags are
// the report format.
type Result struct {
	OK              bool           `js:"ok" json:"ok"`
	Component       Component      `js:"component" json:"component"`
	Provider        string         `js:"provider" json:"provider"`
	Model           string         `js:"model" json:"model"`
	ResponseModel   string         `js:"responseModel" json:"response_model,omitempty"`
	Status          int            `js:"status" json:"status"`
	Class           classify.Class `js:"class" json:"class"`
	Blame           classify.Blame `js:"blame" json:"blame"`
	Retryable       bool           `js:"retryable" json:"retryable"`
	RetryAfterMs    int64          `js:"retryAfterMs" json:"retry_after_ms"`
	RateLimitKind   string         `js:"rateLimitKind" json:"rate_limit_kind,omitempty"`
	ProviderCode    string         `js:"providerCode" json:"provider_code,omitempty"`
	Timings         Timings        `js:"timings" json:"timings"`
	Usage           Usage          `js:"usage" json:"usage"`
	TokensPerSecond float64        `js:"tokensPerSecond" json:"tokens_per_second"`
	TokensEstimated bool           `js:"tokensEstimated" json:"tokens_estimated"` // counted chunks: no usage report
	FinishReason    string         `js:"finishReason" json:"finish_reason,omitempty"`
	RequestID       string         `js:"requestId" json:"request_id,omitempty"`
	TraceID         string         `js:"traceId" json:"trace_id,omitempty"`
	CostUSD         float64        `js:"costUsd" json:"cost_usd"`                    // at list prices (Policy)
	CostKnown       bool           `js:"costKnown" json:"cost_known"`                // false: the model's prices are unknown
	Skipped         string         `js:"skipped" json:"skipped,omitempty"`           // not sent: "retry_after", "backoff" or "budget"
	Cached          bool           `js:"cached" json:"cached,omitempty"`             // status: the last read, within the page's polling interval
	Confirmation    bool           `js:"confirmation" json:"confirmation,omitempty"` // an extra probe the detector asked for
	State           string         `js:"state" json:"state,omitempty"`               // component state after this probe
	Message         string         `js:"message" json:"message,omitempty"`
	Advice          string         `js:"advice" json:"advice,omitempty"`

	Start    time.Time `js:"-" json:"start"`
	Aborted  bool      `js:"-" json:"-"` // the caller's context ended (test stopping): not an observation
	Answer   string    `js:"-" json:"-"` // kept only for answer checks
	BytesIn  int64     `js:"-" json:"-"`
	SimFault string    `js:"-" json:"-"` // simulator ground truth (x-sim-fault), for scoring
	// TruthSince is when, by the simulator's word (x-sim-truth-since), the trouble this probe
	// ran into began: untrusted, used only for targets that point at a simulator.
	TruthSince time.Time `js:"-" json:"-"`
	// For spans: the response headers worth quoting (request ids, rate limits), where the
	// request went (no query: keys sometimes travel there), and its answer budget.
	Headers map[string]string `js:"-" json:"-"`
	// TrueTTFT is the server's own account of the first token (its write stamp minus our start),
	// when a stamping simulator is probed with GroundTruth: the yardstick of TTFT accuracy.
	TrueTTFT float64 `js:"trueTtft" json:"true_ttft,omitempty"`
	// Good is OK and within the target's SLO (always false without one).
	Good      bool   `js:"good" json:"good,omitempty"`
	SLO       *SLO   `js:"-" json:"-"` // the target's, for goodput
	Host      string `js:"-" json:"-"`
	MaxTokens int    `js:"-" json:"-"`
	Stream    bool   `js:"-" json:"-"`
}
