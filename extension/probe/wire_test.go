package probe

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/stream"
)

// Legal or merely odd wire forms that were misread: each is a complete answer (or a rate limit
// whose delay is capped), not a malformed one.
func TestLegalButOddWire(t *testing.T) {
	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	absurd := `data: {"choices":[],"usage":{"prompt_tokens":1e400,"completion_tokens":-99999999999999999999999}}`
	tests := []struct {
		name    string
		comp    Component
		handler http.HandlerFunc
		class   classify.Class
		check   func(t *testing.T, r Result)
	}{
		{"CR-only SSE", ChatStream, rawSSE("\r", roleChunk, contentChunk, finishChunk, "data: [DONE]"), classify.OK, nil},
		{"CRLF SSE with a BOM", ChatStream, rawSSE("\r\n", "\uFEFF"+roleChunk, contentChunk, finishChunk, "data: [DONE]"), classify.OK, nil},
		{"CR-only Responses SSE", Responses, rawSSE("\r", "event: response.output_text.delta\rdata: "+respDelta, "data: "+respCompleted), classify.OK, nil},
		{"100,000-deep JSON beside the answer", Chat, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"choices":[{"message":{"content":"pong"},"finish_reason":"stop","x":`+deep+`}],"usage":{"prompt_tokens":9,"completion_tokens":1}}`)
		}, classify.OK, nil},
		{"absurd usage in a complete stream", ChatStream, rawSSE("\n", roleChunk, contentChunk, finishChunk, absurd, "data: [DONE]"), classify.OK,
			func(t *testing.T, r Result) {
				if r.Usage.Input != stream.MaxTokens || r.Usage.Output != 1 { // -10^22 is 0, then the one token counted
					t.Errorf("usage %+v, want bounded", r.Usage)
				}
			}},
		{"Retry-After past 2^63", Chat, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "99999999999999999999999")
			http.Error(w, `{"error":{"message":"Rate limit reached for requests","type":"requests","code":"rate_limit_exceeded"}}`, http.StatusTooManyRequests)
		}, classify.RateLimited, func(t *testing.T, r Result) {
			if r.RetryAfterMs != classify.MaxRetryAfter.Milliseconds() {
				t.Errorf("retryAfterMs %d, want the cap", r.RetryAfterMs)
			}
		}},
		{"negative retry-after-ms", Chat, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After-Ms", "-5000")
			w.Header().Set("Retry-After", "3")
			http.Error(w, `{"error":{"message":"Rate limit reached for requests","type":"requests","code":"rate_limit_exceeded"}}`, http.StatusTooManyRequests)
		}, classify.RateLimited, func(t *testing.T, r Result) {
			if r.RetryAfterMs != 3000 {
				t.Errorf("retryAfterMs %d, want Retry-After's 3 s", r.RetryAfterMs)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				tt.handler(w, r)
			}))
			defer srv.Close()
			r := Run(context.Background(), http.DefaultTransport, target(t, srv.URL+"/v1"), tt.comp)
			if r.Class != tt.class {
				t.Fatalf("class %s (%s), want %s", r.Class, r.Message, tt.class)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

// rawSSE writes records as an event stream with the given line ending.
func rawSSE(eol string, records ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for _, rec := range records {
			_, _ = io.WriteString(w, strings.ReplaceAll(rec, "\n", eol)+eol+eol)
			w.(http.Flusher).Flush()
		}
	}
}
