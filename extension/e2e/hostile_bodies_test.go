package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// statusPage is an Atlassian summary whose texts hold the keys: public pages never see a key,
// but whatever a server writes passes the same boundary.
const statusPage = `{"page":{"name":"Hostile"},"status":{"indicator":"major","description":"down ` + keyA + `"},
"components":[{"id":"c1","name":"Chat Completions ` + keyB + `","status":"major_outage"}],
"incidents":[{"id":"i1","name":"Keys ` + keyA + " " + keyB + `","status":"investigating","impact":"major","created_at":"2026-01-01T00:00:00Z"}]}`

// hostileBodyCases: streams, bodies, retry delays, and servers that echo the keys.
func hostileBodyCases() []hostileCase {
	big := strings.Repeat("x", 1<<20)
	bomb := gzipBomb(`{"choices":[{"message":{"content":"`)
	sseBomb := gzipBomb("data: ")
	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	broken := []string{"stream_truncated", "unknown"}
	return []hostileCase{
		// streams
		{name: "CR-only SSE", component: "chat_stream", classes: []string{"ok"},
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) { events(w, "\r", role, token, finish, usage, done) })},
		{name: "event: error at probe level", component: "chat_stream", classes: []string{"stream_error_event"},
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				events(w, "\n", role, "event: error\ndata: {\"error\":{\"message\":\"The model failed: "+bothKeys(r)+"\",\"type\":\"server_error\"}}")
			})},
		{name: "keep-alives, never a token", component: "chat_stream", phase: "firstToken", classes: []string{"stream_stalled"},
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/event-stream")
				trickle(w, r, ": keep-alive\n\n", 100*time.Millisecond)
			})},
		{name: "tokens, then silence", component: "chat_stream", phase: "stall", classes: []string{"stream_stalled"},
			serve: rawCase(func(c net.Conn, stop <-chan struct{}) { write(c, sseHead("")+role+"\n\n"+token+"\n\n"); hold(c, stop) })},
		{name: "tokens forever", component: "chat_stream", classes: []string{"timeout_total"},
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/event-stream")
				trickle(w, r, token+"\n\n", 5*time.Millisecond)
			})},
		{name: "10 MB line without a newline", component: "chat_stream", classes: broken,
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/event-stream")
				_, _ = io.WriteString(w, "data: ")
				flood(w, []byte(big), 10)
			})},
		{name: "gzip bomb SSE", component: "chat_stream", classes: broken,
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/event-stream")
				w.Header().Set("Content-Encoding", "gzip")
				_, _ = w.Write(sseBomb)
			})},
		{name: "absurd usage", component: "chat_stream", classes: []string{"ok"},
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				events(w, "\n", role, token, finish, `data: {"choices":[],"usage":{"prompt_tokens":1e400,"completion_tokens":-99999999999999999999999}}`, done)
			})},
		{name: "100,000-deep JSON answer", component: "chat", classes: []string{"ok"},
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"choices":[{"message":{"content":"pong"},"finish_reason":"stop","x":`+deep+`}]}`)
			})},
		// bodies
		{name: "100 MB JSON body", component: "chat", classes: []string{"unknown"},
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"choices":[{"message":{"content":"`)
				flood(w, []byte(big), 100)
			})},
		{name: "100 MB error body", component: "chat", classes: []string{"server_error"},
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusInternalServerError)
				flood(w, []byte(big), 100)
			})},
		{name: "gzip bomb", component: "chat", classes: []string{"unknown"},
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Encoding", "gzip")
				_, _ = w.Write(bomb)
			})},
		// retry delays
		{name: "Retry-After past 2^63", component: "chat", classes: []string{"rate_limited"}, check: retryAfterMs(86_400_000),
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "99999999999999999999999")
				http.Error(w, rateErr, http.StatusTooManyRequests)
			})},
		{name: "negative retry-after-ms", component: "chat", classes: []string{"rate_limited"}, check: retryAfterMs(3000),
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After-Ms", "-5000")
				w.Header().Set("Retry-After", "3")
				http.Error(w, rateErr, http.StatusTooManyRequests)
			})},
		// the keys, echoed
		{name: "key echoed in a response header", component: "chat", classes: []string{"ok"},
			check: func(r map[string]any) string {
				if id, _ := r["requestId"].(string); !strings.HasPrefix(id, "Bearer [REDACTED]") {
					return fmt.Sprintf("requestId %q", id)
				}
				return ""
			},
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", bothKeys(r))
				w.Header().Set("Cf-Ray", keyB)
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"model":"`+keyB+`","choices":[{"message":{"content":"pong"},"finish_reason":"stop"}]}`)
			})},
		{name: "key in the answer text", component: "canary", classes: []string{"wrong_answer"},
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"choices":[{"message":{"content":"`+bothKeys(r)+`"},"finish_reason":"stop"}]}`)
			})},
		{name: "key in an error body", component: "chat", classes: []string{"auth_invalid"},
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = io.WriteString(w, `{"error":{"message":"Incorrect API key provided: `+bothKeys(r)+`","type":"invalid_request_error","code":"invalid_api_key"}}`)
			})},
		{name: "another target's key, to an Anthropic target", component: "chat", provider: "anthropic", classes: []string{"auth_invalid"},
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Request-Id", bothKeys(r))
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = io.WriteString(w, `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key `+bothKeys(r)+`"}}`)
			})},
		{name: "key on an idle connection", component: "chat", classes: []string{"ok"},
			serve: rawCase(func(c net.Conn, stop <-chan struct{}) {
				write(c, jsonHead(fmt.Sprintf("Content-Length: %d\r\n", len(answer)))+answer)
				select {
				case <-stop:
					return
				case <-time.After(300 * time.Millisecond): // the probe is over, the connection idle
				}
				write(c, "HTTP/1.1 200 OK\r\nX-Echo: Bearer "+keyA+" "+keyB+"\r\n\r\n")
				hold(c, stop)
			})},
		{name: "a status page holding the keys", component: "status", classes: []string{"ok"},
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, statusPage)
			})},
	}
}

// outageServer is down, with the keys in its 500s.
func outageServer(t *testing.T) *server {
	return startHTTP(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":{"message":"The server had an error: `+bothKeys(r)+`","type":"server_error"}}`, http.StatusInternalServerError)
	}, false)
}
