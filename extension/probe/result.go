// Package probe performs one synthetic request against an LLM API through a caller-supplied
// http.RoundTripper (k6's VU transport in production), measures every phase on the monotonic
// clock, reads streams byte by byte, enforces phase deadlines and classifies the outcome. It knows
// nothing of the JS runtime; the module package turns a Result into metrics and a JS object.
package probe

import (
	"strings"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// Timings are in milliseconds. Zero means the stage did not happen (a reused connection has no
// DNS, connect or TLS; a non-streaming response has no TTFT).
type Timings struct {
	DNS     float64 `js:"dns"`
	Connect float64 `js:"connect"`
	TLS     float64 `js:"tls"`
	TTFB    float64 `js:"ttfb"`   // response headers
	TTFT    float64 `js:"ttft"`   // first content or reasoning token
	TTFA    float64 `js:"ttfa"`   // first answer (non-reasoning) token
	ITL     float64 `js:"itl"`    // mean gap between tokens after the first
	ITLMax  float64 `js:"itlMax"` // longest such gap
	Total   float64 `js:"total"`
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

// spanHeaderKeys are SpanHeaders lower-cased, the keys of Result.Headers (made once, not per probe).
var spanHeaderKeys = func() []string {
	keys := make([]string, len(SpanHeaders))
	for i, h := range SpanHeaders {
		keys[i] = strings.ToLower(h)
	}
	return keys
}()

// Usage is token accounting, from the server's usage report when it sent one.
type Usage struct {
	Input  int `js:"input"`
	Output int `js:"output"`
	// Reasoning is the part of Output spent reasoning, when the server reports it.
	Reasoning int `js:"reasoning"`
}

// Result is what one probe observed. Its js tags name the fields that reach JS, where the module
// hands them over as its ProbeResult (index.d.ts; a test keeps the three in step).
type Result struct {
	OK              bool           `js:"ok"`
	Component       Component      `js:"component"`
	Provider        string         `js:"provider"`
	Model           string         `js:"model"`
	ResponseModel   string         `js:"responseModel"`
	Status          int            `js:"status"`
	Class           classify.Class `js:"class"`
	Blame           classify.Blame `js:"blame"`
	Retryable       bool           `js:"retryable"`
	RetryAfterMs    int64          `js:"retryAfterMs"`
	RateLimitKind   string         `js:"rateLimitKind"`
	ProviderCode    string         `js:"providerCode"`
	Timings         Timings        `js:"timings"`
	Usage           Usage          `js:"usage"`
	TokensPerSecond float64        `js:"tokensPerSecond"`
	TokensEstimated bool           `js:"tokensEstimated"` // counted chunks: no usage report
	FinishReason    string         `js:"finishReason"`
	RequestID       string         `js:"requestId"`
	TraceID         string         `js:"traceId"`
	CostUSD         float64        `js:"costUsd"`      // at list prices (Policy)
	CostKnown       bool           `js:"costKnown"`    // false: the model's prices are unknown
	Skipped         string         `js:"skipped"`      // not sent: "retry_after", "backoff" or "budget"
	Cached          bool           `js:"cached"`       // status: the last read, within the page's polling interval
	Confirmation    bool           `js:"confirmation"` // an extra probe the detector asked for
	State           string         `js:"state"`        // component state after this probe
	Message         string         `js:"message"`
	Advice          string         `js:"advice"`
	// Answer is the canary's answer (every answer with RecordContent), bounded to
	// stream.MaxText and redacted like every server text (sanitize.go); "" otherwise.
	Answer string `js:"answer"`

	Start    time.Time `js:"-"`
	Aborted  bool      `js:"-"` // the caller's context ended (test stopping): not an observation
	BytesIn  int64     `js:"-"`
	SimFault string    `js:"-"` // simulator ground truth (x-sim-fault), for scoring
	// TruthSince is when, by the simulator's word (x-sim-truth-since), the trouble this probe
	// ran into began: untrusted, used only for targets that point at a simulator.
	TruthSince time.Time `js:"-"`
	// For spans: the response headers worth quoting (request ids, rate limits), where the
	// request went (no query: keys sometimes travel there), and its answer budget.
	Headers map[string]string `js:"-"`
	// TrueTTFT is the server's own account of the first token (its write stamp minus our start),
	// when a stamping simulator is probed with GroundTruth: the yardstick of TTFT accuracy.
	TrueTTFT float64 `js:"trueTtft"`
	// Good is OK and within the target's SLO (always false without one).
	Good bool `js:"good"`
	SLO  *SLO `js:"-"` // the target's, for goodput
	// ShutdownDays are days until shutdown of the probed model, and after a models probe of every
	// model of the target, when a date is announced (chatgpt_model_shutdown_days).
	ShutdownDays map[string]int `js:"-"`
	Host         string         `js:"-"`
	MaxTokens    int            `js:"-"`
	Stream       bool           `js:"-"`
}
