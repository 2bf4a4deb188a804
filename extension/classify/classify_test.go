package classify

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

var origin = []string{"X-Request-Id", "req_1", "Openai-Processing-Ms", "12"}

func TestClassify(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		name  string
		o     Outcome
		class Class
		blame Blame
		retry time.Duration
	}{
		{"refused", Outcome{Err: refused, Stage: StageConnect}, ConnectionError, BlameNetwork, 0},
		{"dns", Outcome{Err: &net.DNSError{Name: "api.openai.com", IsNotFound: true}, Stage: StageConnect}, ConnectionError, BlameNetwork, 0},
		{"tls unknown authority", Outcome{Err: &url.Error{Op: "Post", URL: "https://api.openai.com/v1/chat/completions?key=sk-test-in-url-123456",
			Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}, Stage: StageConnect}, ConnectionError, BlameNetwork, 0},
		{"reset before headers", Outcome{Err: syscall.ECONNRESET, Stage: StageTTFB}, ServerError, BlameProvider, 0},
		{"connect deadline", Outcome{Err: errors.New("context canceled"), Stage: StageConnect, TimedOut: true}, TimeoutConnect, BlameNetwork, 0},
		{"ttfb deadline", Outcome{Err: errors.New("context canceled"), Stage: StageTTFB, TimedOut: true}, TimeoutTTFB, BlameProvider, 0},
		{"cf 502 json", Outcome{Status: 502, Header: hdr("Server", "cloudflare", "Cf-Ray", "7cba17bec9134392-EWR"),
			Body: []byte(`{"error":{"code":502,"message":"Bad gateway.","param":null,"type":"cf_bad_gateway"}}`)}, EdgeGatewayError, BlameEdge, 0},
		{"cf 524 html", Outcome{Status: 524, Header: hdr("Server", "cloudflare", "Content-Type", "text/html"),
			Body: []byte(`<!DOCTYPE html><html><head><title>api.openai.com | 524: A timeout occurred</title></head></html>`)}, EdgeGatewayError, BlameEdge, 0},
		{"challenge", Outcome{Status: 403, Header: hdr("Cf-Mitigated", "challenge"), Body: []byte(`<title>Just a moment...</title>`)}, EdgeBlocked, BlameNetwork, 0},
		{"geo", Outcome{Status: 403, Body: []byte(`{"error":{"code":"unsupported_country_region_territory","message":"Country, region, or territory not supported","param":null,"type":"request_forbidden"}}`)}, GeoBlocked, BlameAccount, 0},
		{"bad key", Outcome{Status: 401, Header: hdr(origin...), Body: []byte(`{"error":{"message":"Incorrect API key provided: sk-abc***xyz.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`)}, AuthInvalid, BlameAccount, 0},
		{"quota", Outcome{Status: 429, Header: hdr(origin...), Body: []byte(`{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}`)}, QuotaExhausted, BlameAccount, 0},
		{"model", Outcome{Status: 404, Body: []byte("{\"error\":{\"message\":\"The model `gpt-9` does not exist or you do not have access to it.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}")}, ModelNotFound, BlameClient, 0},
		{"rpm exhausted", Outcome{Status: 429, Header: hdr("X-Ratelimit-Remaining-Requests", "0", "X-Ratelimit-Reset-Requests", "20s"),
			Body: []byte(`{"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-x on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.","type":"requests","param":null,"code":"rate_limit_exceeded"}}`)}, RateLimited, BlameAccount, 20 * time.Second},
		{"429 with headroom is the provider's", Outcome{Status: 429, Header: hdr("X-Ratelimit-Remaining-Requests", "9000", "X-Ratelimit-Remaining-Tokens", "100000", "Retry-After", "30"),
			Body: []byte(`{"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}}`)}, RateLimited, BlameProvider, 30 * time.Second},
		{"nonstandard 429", Outcome{Status: 429, Body: []byte(`{"status": "come back later"}`)}, RateLimitedAnomalous, BlameProvider, 0},
		{"status page that is not one", Outcome{Status: 200, ExpectAnswer: true, StatusPage: true, Content: 90, Stage: StageBody, Malformed: true,
			Err: errors.New("the status page is unreadable: not a status page document: an HTML page"), Header: hdr("Content-Type", "text/html"), Body: []byte(`<html><head><title>Gemini API status</title></head></html>`)}, StatusUnreadable, BlameClient, 0},
		{"status page HTML error", Outcome{Status: 503, ExpectAnswer: true, StatusPage: true, Header: hdr("Server", "cloudflare", "Content-Type", "text/html"),
			Body: []byte(`<html><head><title>status.openai.com | 503: Service unavailable</title></head></html>`)}, EdgeGatewayError, BlameEdge, 0},
		{"responses object is not an error", Outcome{Status: 200, Content: 4, ExpectAnswer: true, Body: []byte(`{"object":"response","status":"completed","error":null}`)}, OK, "", 0},
		{"overloaded 429 (2023)", Outcome{Status: 429, Body: []byte(`{"error":{"message":"That model is currently overloaded with other requests. You can retry your request.","type":"server_error","param":null,"code":null}}`)}, CapacityOverloaded, BlameProvider, 0},
		{"anthropic 529", Outcome{Status: 529, Header: hdr("Request-Id", "req_1", "X-Should-Retry", "true"), Body: []byte(`{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}`)}, CapacityOverloaded, BlameProvider, 0},
		{"gemini wrapped 429", Outcome{Status: 429, Body: []byte(`{"error":{"message":"{\n  \"error\": {\n    \"code\": 429,\n    \"message\": \"Resource has been exhausted (e.g. check quota).\",\n    \"status\": \"RESOURCE_EXHAUSTED\"\n  }\n}\n","code":429,"status":"Too Many Requests"}}`)}, RateLimited, BlameAccount, 0},
		{"server 500", Outcome{Status: 500, Header: hdr(origin...), Body: []byte(`{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}`)}, ServerError, BlameProvider, 0},
		{"200 with error object", Outcome{Status: 200, Body: []byte(`{"error":{"message":"The server had an error","type":"server_error"}}`)}, ServerError, BlameProvider, 0},
		{"stream error record", Outcome{Status: 200, Stream: &StreamFacts{ErrorEvent: []byte(`{"error":{"message":"boom","type":"server_error"}}`)}, ExpectAnswer: true}, StreamErrorEvent, BlameProvider, 0},
		{"stream truncated", Outcome{Status: 200, Stream: &StreamFacts{}, Content: 10, ExpectAnswer: true}, StreamTruncated, BlameProvider, 0},
		{"stream reset", Outcome{Status: 200, Stage: StageBody, Err: syscall.ECONNRESET, Stream: &StreamFacts{}, ExpectAnswer: true}, StreamTruncated, BlameProvider, 0},
		{"stream stalled", Outcome{Status: 200, Stage: StageBody, Err: errors.New("context canceled"), Stalled: true, Stream: &StreamFacts{}, ExpectAnswer: true}, StreamStalled, BlameProvider, 0},
		{"empty answer", Outcome{Status: 200, Stream: &StreamFacts{Terminal: true}, ExpectAnswer: true}, EmptyResponse, BlameProvider, 0},
		{"content filter", Outcome{Status: 200, Stream: &StreamFacts{Terminal: true}, Content: 3, FinishReason: "content_filter", ExpectAnswer: true}, ContentFiltered, BlameClient, 0},
		{"total deadline mid-stream", Outcome{Status: 200, Stage: StageBody, Err: errors.New("context canceled"), TimedOut: true, Stream: &StreamFacts{}, ExpectAnswer: true}, TimeoutTotal, BlameProvider, 0},
		{"canary answered wrong", Outcome{Status: 200, Stream: &StreamFacts{Terminal: true}, Content: 2, ExpectAnswer: true, AnswerWrong: true}, WrongAnswer, BlameProvider, 0},
		{"ok stream", Outcome{Status: 200, Stream: &StreamFacts{Terminal: true}, Content: 4, ExpectAnswer: true}, OK, BlameNone, 0},
		{"ok models", Outcome{Status: 200, Body: []byte(`{"object":"list","data":[]}`)}, OK, BlameNone, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Classify(tt.o)
			if c.Class != tt.class || c.Blame != tt.blame {
				t.Fatalf("got %s/%s, want %s/%s (%+v)", c.Class, c.Blame, tt.class, tt.blame, c)
			}
			if tt.retry != 0 && c.RetryAfter != tt.retry {
				t.Errorf("retry after %v, want %v", c.RetryAfter, tt.retry)
			}
			if strings.Contains(c.Message, "sk-test") || strings.Contains(c.Message, "?key=") {
				t.Errorf("message carries the URL or key: %q", c.Message)
			}
			if !c.OK() && c.Advice == "" {
				t.Errorf("no advice for %s", c.Class)
			}
		})
	}
}

func TestEveryClassHasAdvice(t *testing.T) {
	for _, c := range Classes {
		if _, ok := advice[c]; !ok {
			t.Errorf("class %s has no advice entry", c)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		h    http.Header
		msg  string
		want time.Duration
	}{
		{hdr("Retry-After-Ms", "644"), "", 644 * time.Millisecond},
		{hdr("Retry-After", "30"), "", 30 * time.Second},
		{hdr("Retry-After", "Sun, 22 Nov 2026 10:00:30 GMT", "Date", "Sun, 22 Nov 2026 10:00:00 GMT"), "", 30 * time.Second},
		{hdr(), "Please try again in 6.596s.", 6596 * time.Millisecond},
		{hdr(), "Please try again in 1m2.5s. Visit", 62500 * time.Millisecond},
		{hdr(), "Please try again in 644ms", 644 * time.Millisecond},
		{hdr(), "Please retry after 60 seconds.", time.Minute},
		{hdr("Retry-After", "garbage"), "", 0},
		// past 2^63 ns, past float64, a date decades ahead: the cap, never 0
		{hdr("Retry-After", "99999999999999999999999"), "", MaxRetryAfter},
		{hdr("Retry-After", "1"+strings.Repeat("0", 400)), "", MaxRetryAfter},
		{hdr("Retry-After-Ms", "9223372036854775808"), "", MaxRetryAfter},
		{hdr("Retry-After", "Sun, 22 Nov 2099 10:00:30 GMT", "Date", "Sun, 22 Nov 2026 10:00:00 GMT"), "", MaxRetryAfter},
		{hdr(), "Please retry after 99999999999999999999 seconds.", MaxRetryAfter},
		// negative, signed or not a count: passed over for the next source
		{hdr("Retry-After-Ms", "-5", "Retry-After", "7"), "", 7 * time.Second},
		{hdr("Retry-After-Ms", "-5"), "", 0},
		{hdr("Retry-After", "-1"), "", 0},
		{hdr("Retry-After", "+3"), "", 0},
		{hdr("Retry-After", "1e3"), "", 0},
		{hdr("Retry-After", "inf"), "", 0},
		{hdr("Retry-After-Ms", "NaN"), "", 0},
		{hdr("Retry-After", "1.5"), "", 1500 * time.Millisecond},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			if got := retryAfter(tt.h, tt.msg); got != tt.want {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}
