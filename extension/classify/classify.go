// Package classify turns the outcome of one probe (transport error, status, headers, body, stream
// facts, timings) into a Classification: a class from the taxonomy of docs/signals.md §6, whose fault it is
// (blame), whether a retry can help and when, and one line of advice for a human. It is pure: no
// I/O, no clock, no k6, so every rule is table-tested.
package classify

import (
	"net/http"
	"time"
)

// Class names one kind of outcome. The string values are the wire format (tags, JSON, reports).
type Class string

// The taxonomy (docs/signals.md §6.1).
const (
	ConnectionError       Class = "connection_error"
	TimeoutConnect        Class = "timeout_connect"
	TimeoutTTFB           Class = "timeout_ttfb"
	TimeoutTotal          Class = "timeout_total"
	EdgeBlocked           Class = "edge_blocked"
	GeoBlocked            Class = "geo_blocked"
	EdgeGatewayError      Class = "edge_gateway_error"
	AuthInvalid           Class = "auth_invalid"
	AccountBlocked        Class = "account_blocked"
	QuotaExhausted        Class = "quota_exhausted"
	PermissionDenied      Class = "permission_denied"
	ModelNotFound         Class = "model_not_found"
	ContextLengthExceeded Class = "context_length_exceeded"
	ContentFiltered       Class = "content_filtered"
	RequestInvalid        Class = "request_invalid"
	RateLimited           Class = "rate_limited"
	CapacityOverloaded    Class = "capacity_overloaded"
	RateLimitedAnomalous  Class = "rate_limited_anomalous"
	ServerError           Class = "server_error"
	StreamErrorEvent      Class = "stream_error_event"
	StreamTruncated       Class = "stream_truncated"
	StreamStalled         Class = "stream_stalled"
	EmptyResponse         Class = "empty_response"
	AnswerBudgetExhausted Class = "answer_budget_exhausted"
	StatusUnreadable      Class = "status_unreadable"
	WrongAnswer           Class = "wrong_answer"
	OK                    Class = "ok"
	Unknown               Class = "unknown"
)

// Classes lists every class, for documentation, metrics pre-registration and tests.
var Classes = []Class{
	ConnectionError, TimeoutConnect, TimeoutTTFB, TimeoutTotal, EdgeBlocked, GeoBlocked,
	EdgeGatewayError, AuthInvalid, AccountBlocked, QuotaExhausted, PermissionDenied, ModelNotFound,
	ModelRetired, ContextLengthExceeded, ContentFiltered, RequestInvalid, RateLimited, CapacityOverloaded,
	RateLimitedAnomalous, ServerError, StreamErrorEvent, StreamTruncated, StreamStalled,
	EmptyResponse, AnswerBudgetExhausted, StatusUnreadable, WrongAnswer, OK, Unknown,
}

// Blame says whose fault an outcome is. Only Provider and Edge count toward an outage.
type Blame string

// Blames.
const (
	BlameNone     Blame = ""         // success
	BlameProvider Blame = "provider" // the LLM service itself
	BlameEdge     Blame = "edge"     // the CDN in front of it
	BlameNetwork  Blame = "network"  // our side of the wire
	BlameAccount  Blame = "account"  // key, quota, region, permissions
	BlameClient   Blame = "client"   // our request is wrong
	BlameUnknown  Blame = "unknown"
)

// CountsAsOutage reports whether failures with this blame are evidence against the provider.
func (b Blame) CountsAsOutage() bool { return b == BlameProvider || b == BlameEdge }

// Stage is how far a request got before a deadline or a transport failure.
type Stage string

// Stages.
const (
	StageNone    Stage = ""
	StageConnect Stage = "connect" // DNS, TCP, TLS
	StageTTFB    Stage = "ttfb"    // request sent, waiting for response headers
	StageBody    Stage = "body"    // headers received, reading the body or stream
)

// Outcome is everything the classifier looks at. Body must already be capped by the caller.
type Outcome struct {
	Provider string // openai, azure, anthropic, gemini, compatible (hints only)
	Err      error  // transport error; nil when the body was read to its end
	Stage    Stage  // where Err happened
	TimedOut bool   // Err is a deadline of ours (connect, ttfb, total)
	Stalled  bool   // Err is our first-token or inter-chunk deadline
	// Malformed: a 2xx body (or stream record) was not what the API sends; Err says how.
	Malformed bool
	Status    int // 0 when no response
	Header    http.Header
	Body      []byte
	Stream    *StreamFacts // nil for non-streaming requests
	// Content is the number of answer bytes served (streamed or not).
	Content int
	// ExpectAnswer is set for probes that must serve answer text (not models, moderations …).
	ExpectAnswer bool
	// AnswerWrong is set by canary probes whose answer did not match.
	AnswerWrong bool
	// FinishReason as reported by the server ("stop", "length", "content_filter", …).
	FinishReason string
	// StatusPage is set for the status component: the body must be an official status page.
	StatusPage bool
	// Reasoning is what the model spent thinking: the reasoning tokens its usage reports, else
	// the reasoning events, blocks or items it sent.
	Reasoning int
}

// StreamFacts are what the stream reader saw after a 2xx response.
type StreamFacts struct {
	Terminal   bool   // the dialect's terminal marker arrived ([DONE], response.completed, message_stop)
	ErrorEvent []byte // payload of an error record or event, if any
	// Status is the HTTP status the stream states for its error record, apart from the
	// response's 200 (DashScope's native ":HTTP_STATUS/400" comment before an error event); 0
	// when it states none.
	Status int
}

// Classification is the verdict on one outcome.
type Classification struct {
	Class         Class         `json:"class"`
	Blame         Blame         `json:"blame"`
	Retryable     bool          `json:"retryable"`
	RetryAfter    time.Duration `json:"-"`
	RetryAfterMs  int64         `json:"retry_after_ms"`
	RateLimitKind string        `json:"rate_limit_kind,omitempty"` // rpm, tpm, rpd, tpd
	ProviderCode  string        `json:"provider_code,omitempty"`   // the provider's own code or type
	Message       string        `json:"message,omitempty"`         // provider's message, bounded; callers redact it (package secret) before any output
	Advice        string        `json:"advice"`
}

// OK reports whether the class is a success.
func (c Classification) OK() bool { return c.Class == OK }
