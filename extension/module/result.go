package module

import (
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
)

// jsProbeResult is a probe result as JS sees it (index.d.ts ProbeResult): plain field types, so
// r.class === "rate_limited" holds (sobek wraps named string types as objects), and a struct,
// which sobek exposes lazily — building a 30-property object per probe was a visible share of
// allocation under load. A test keeps it in step with probe.Result's js fields.
type jsProbeResult struct {
	OK              bool          `js:"ok"`
	Component       string        `js:"component"`
	Provider        string        `js:"provider"`
	Model           string        `js:"model"`
	ResponseModel   string        `js:"responseModel"`
	Status          int           `js:"status"`
	Class           string        `js:"class"`
	Blame           string        `js:"blame"`
	Retryable       bool          `js:"retryable"`
	RetryAfterMs    int64         `js:"retryAfterMs"`
	RateLimitKind   string        `js:"rateLimitKind"`
	ProviderCode    string        `js:"providerCode"`
	Timings         probe.Timings `js:"timings"`
	Usage           probe.Usage   `js:"usage"`
	TokensPerSecond float64       `js:"tokensPerSecond"`
	TokensEstimated bool          `js:"tokensEstimated"`
	FinishReason    string        `js:"finishReason"`
	RequestID       string        `js:"requestId"`
	TraceID         string        `js:"traceId"`
	CostUSD         float64       `js:"costUsd"`
	CostKnown       bool          `js:"costKnown"`
	Skipped         string        `js:"skipped"`
	Cached          bool          `js:"cached"`
	State           string        `js:"state"`
	Message         string        `js:"message"`
	Advice          string        `js:"advice"`
	Answer          string        `js:"answer"`
	TrueTTFT        float64       `js:"trueTtft"`
	Good            bool          `js:"good"`
	Confirmation    bool          `js:"confirmation"`
	// Confirmations are the extra probes the detector asked for after this one (probe() and
	// probeAll() only). A nil slice reaches JS as an empty array, as index.d.ts types it.
	Confirmations []*jsProbeResult `js:"confirmations"`
}

func jsResult(r *probe.Result) *jsProbeResult {
	return &jsProbeResult{OK: r.OK, Component: string(r.Component), Provider: r.Provider, Model: r.Model,
		ResponseModel: r.ResponseModel, Status: r.Status, Class: string(r.Class), Blame: string(r.Blame),
		Retryable: r.Retryable, RetryAfterMs: r.RetryAfterMs, RateLimitKind: r.RateLimitKind, ProviderCode: r.ProviderCode,
		Timings: r.Timings, Usage: r.Usage, TokensPerSecond: r.TokensPerSecond, TokensEstimated: r.TokensEstimated,
		FinishReason: r.FinishReason, RequestID: r.RequestID, TraceID: r.TraceID, CostUSD: r.CostUSD, CostKnown: r.CostKnown,
		Skipped: r.Skipped, Cached: r.Cached, State: r.State, Message: r.Message, Advice: r.Advice, Answer: r.Answer, TrueTTFT: r.TrueTTFT, Good: r.Good,
		Confirmation: r.Confirmation}
}
