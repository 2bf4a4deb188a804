package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The canary keys: one shaped like an OpenAI key, and an opaque one (another target's, a
// gateway's) that only the run's own secrets can catch.
const (
	keyA = "sk-canary-hostile-9c2e7b4a1d6f3e8b5a0c7d2e"
	keyB = "gw-opaque-canary-5e1b8d3f7a2c9e4b6d0a"
)

// The suite's deadlines (target option timeouts), short so the suite is quick: connect 1 s,
// headers 2 s, first token 2 s, silence between tokens 1 s, whole probe 3 s.
var hostileTimeouts = map[string]time.Duration{"connect": time.Second, "ttfb": 2 * time.Second, "firstToken": 2 * time.Second,
	"stall": time.Second, "total": 3 * time.Second}

// hostileCase is one misbehaving server, what probing it must come to (any of classes), and the
// phase deadline that must end it ("" for total).
type hostileCase struct {
	name, component, provider string
	phase                     string
	classes                   []string
	serve                     func(t *testing.T, stop <-chan struct{}) *server
	check                     func(r map[string]any) string // "" when the result is right
}

func httpCase(h http.HandlerFunc) func(*testing.T, <-chan struct{}) *server {
	return func(t *testing.T, _ <-chan struct{}) *server { return startHTTP(t, h, false) }
}

func rawCase(serve func(c net.Conn, stop <-chan struct{})) func(*testing.T, <-chan struct{}) *server {
	return func(t *testing.T, stop <-chan struct{}) *server {
		return startRaw(t, func(c net.Conn, _ *http.Request) { serve(c, stop) })
	}
}

func jsonHead(extra string) string {
	return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + extra + "\r\n"
}

func sseHead(extra string) string {
	return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n" + extra + "\r\n"
}

// bothKeys is what an echoing server says: the key it was sent and another target's.
func bothKeys(r *http.Request) string {
	return r.Header.Get("Authorization") + " " + r.Header.Get("X-Api-Key") + " " + keyA + " " + keyB
}

func retryAfterMs(want float64) func(map[string]any) string {
	return func(r map[string]any) string {
		if got, _ := r["retryAfterMs"].(float64); got != want {
			return fmt.Sprintf("retryAfterMs %v, want %v", got, want)
		}
		return ""
	}
}

// hostileCases are the suite: framing, resets, informational responses and headers, servers
// that do not speak the HTTP they should; then streams and bodies, and the keys
// (hostileBodyCases).
func hostileCases(redirected *atomic.Int64) []hostileCase {
	big := strings.Repeat("x", 1<<20)
	ok, truncated, unknown := []string{"ok"}, []string{"stream_truncated"}, []string{"unknown"}
	broken := []string{"stream_truncated", "unknown"}
	return append([]hostileCase{
		// Content-Length and chunked framing
		{name: "content-length too long, then close", component: "chat", classes: broken,
			serve: rawCase(func(c net.Conn, _ <-chan struct{}) { write(c, jsonHead("Content-Length: 1000\r\n")+`{"choices":[`) })},
		{name: "content-length too long, then silence", component: "chat", classes: []string{"timeout_total"},
			serve: rawCase(func(c net.Conn, stop <-chan struct{}) {
				write(c, jsonHead("Content-Length: 1000\r\n")+`{"choices":[`)
				hold(c, stop)
			})},
		{name: "content-length too short, the rest and the key left on the connection", component: "chat", classes: unknown,
			serve: rawCase(func(c net.Conn, stop <-chan struct{}) {
				write(c, jsonHead("Content-Length: 12\r\n")+answer+"\r\nX-Echo: Bearer "+keyA+" "+keyB+"\r\n")
				hold(c, stop)
			})},
		{name: "5 GB declared, streamed", component: "chat", classes: unknown,
			serve: rawCase(func(c net.Conn, _ <-chan struct{}) {
				write(c, jsonHead("Content-Length: 5000000000\r\n")+`{"choices":[{"message":{"content":"`)
				flood(c, []byte(big), 5000)
			})},
		{name: "connection closed mid-chunk", component: "chat", classes: broken,
			serve: rawCase(func(c net.Conn, _ <-chan struct{}) {
				write(c, jsonHead("Transfer-Encoding: chunked\r\n")+"100\r\n"+`{"choices":[{"mess`)
			})},
		{name: "garbage chunk size", component: "chat", classes: broken,
			serve: rawCase(func(c net.Conn, _ <-chan struct{}) {
				write(c, jsonHead("Transfer-Encoding: chunked\r\n")+"zz\r\n"+answer+"\r\n0\r\n\r\n")
			})},
		{name: "stream closed mid-chunk", component: "chat_stream", classes: truncated,
			serve: rawCase(func(c net.Conn, _ <-chan struct{}) {
				write(c, sseHead("Transfer-Encoding: chunked\r\n")+fmt.Sprintf("%x\r\n%s\n\n\r\n", len(role)+2, role)+"200\r\n"+token[:20])
			})},
		// resets
		{name: "TCP reset before headers", component: "chat", classes: []string{"connection_error", "server_error"},
			serve: rawCase(func(c net.Conn, _ <-chan struct{}) { resetConn(c) })},
		{name: "TCP reset after headers", component: "chat", classes: broken,
			serve: rawCase(func(c net.Conn, _ <-chan struct{}) { write(c, jsonHead("Content-Length: 500\r\n")); resetConn(c) })},
		{name: "TCP reset mid-stream", component: "chat_stream", classes: truncated,
			serve: rawCase(func(c net.Conn, _ <-chan struct{}) {
				write(c, sseHead("")+role+"\n\n"+token+"\n\n")
				time.Sleep(100 * time.Millisecond)
				resetConn(c)
			})},
		{name: "HTTP/2 stream reset mid-stream", component: "chat_stream", classes: truncated,
			serve: func(t *testing.T, _ <-chan struct{}) *server {
				return startHTTP(t, func(w http.ResponseWriter, r *http.Request) {
					events(w, "\n", role, token)
					panic(http.ErrAbortHandler) // RST_STREAM
				}, true)
			}},
		// informational responses, headers
		{name: "103 Early Hints, then the answer", component: "chat", classes: ok,
			serve: rawCase(func(c net.Conn, _ <-chan struct{}) {
				write(c, "HTTP/1.1 103 Early Hints\r\nLink: </x>; rel=preload\r\n\r\n"+jsonHead(fmt.Sprintf("Content-Length: %d\r\nConnection: close\r\n", len(answer)))+answer)
			})},
		{name: "an endless flood of 1xx", component: "chat", phase: "ttfb", classes: []string{"timeout_ttfb", "connection_error", "unknown", "server_error"},
			serve: rawCase(func(c net.Conn, stop <-chan struct{}) {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					if !write(c, "HTTP/1.1 102 Processing\r\nX-Flood: "+fmt.Sprint(i)+"\r\n\r\n") {
						return
					}
				}
			})},
		{name: "10,000 headers", component: "chat", classes: []string{"ok", "unknown", "connection_error"},
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				for i := range 10_000 {
					w.Header().Set(fmt.Sprintf("X-H-%05d", i), "v")
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, answer)
			})},
		{name: "a 2 MB header line", component: "chat", classes: []string{"ok", "unknown", "connection_error"}, // within net/http's 10 MB
			serve: rawCase(func(c net.Conn, _ <-chan struct{}) { write(c, jsonHead("X-Big: "+big+big+"\r\n")+answer) })},
		// not the HTTP it should be
		{name: "h2c-only server", component: "chat", classes: []string{"unknown", "connection_error"},
			serve: rawCase(func(c net.Conn, _ <-chan struct{}) {
				// a SETTINGS frame, then GOAWAY (PROTOCOL_ERROR): the answer of a server that speaks only h2c
				write(c, "\x00\x00\x00\x04\x00\x00\x00\x00\x00"+"\x00\x00\x08\x07\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01")
			})},
		{name: "not HTTP at all", component: "chat", classes: []string{"unknown", "connection_error"},
			serve: rawCase(func(c net.Conn, _ <-chan struct{}) { write(c, "SSH-2.0-OpenSSH_9.6\r\n") })},
		{name: "status line dribbled a byte at a time", component: "chat", classes: ok,
			serve: rawCase(func(c net.Conn, _ <-chan struct{}) {
				for _, b := range []byte("HTTP/1.1 200 OK\r\n") {
					if !write(c, string(b)) {
						return
					}
					time.Sleep(40 * time.Millisecond)
				}
				write(c, fmt.Sprintf("Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(answer), answer))
			})},
		{name: "headers never end", component: "chat", phase: "ttfb", classes: []string{"timeout_ttfb"},
			serve: rawCase(func(c net.Conn, stop <-chan struct{}) {
				write(c, "HTTP/1.1 200 OK\r\n")
				for i := 0; i < 100; i++ {
					select {
					case <-stop:
						return
					case <-time.After(100 * time.Millisecond):
					}
					if !write(c, "X-Slow: a\r\n") {
						return
					}
				}
			})},
		{name: "no answer at all", component: "chat", phase: "ttfb", classes: []string{"timeout_ttfb"},
			serve: rawCase(func(c net.Conn, stop <-chan struct{}) { hold(c, stop) })},
		{name: "closed before a byte", component: "chat", classes: []string{"connection_error", "server_error"},
			serve: rawCase(func(c net.Conn, _ <-chan struct{}) {})},
		{name: "JSON headers, then silence", component: "chat", classes: []string{"timeout_total"},
			serve: rawCase(func(c net.Conn, stop <-chan struct{}) {
				write(c, jsonHead("Transfer-Encoding: chunked\r\n"))
				hold(c, stop)
			})},
		{name: "SSE headers, then silence", component: "chat_stream", phase: "firstToken", classes: []string{"stream_stalled"},
			serve: rawCase(func(c net.Conn, stop <-chan struct{}) { write(c, sseHead("")); hold(c, stop) })},
		{name: "200 HTML for chat", component: "chat", classes: []string{"unknown", "edge_blocked", "edge_gateway_error"},
			serve: httpCase(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				_, _ = io.WriteString(w, "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>hello</body></html>")
			})},
		{name: "cross-host redirect", component: "chat", classes: []string{"unknown", "request_invalid"},
			serve: func(t *testing.T, _ <-chan struct{}) *server {
				other := startHTTP(t, func(w http.ResponseWriter, r *http.Request) {
					if strings.Contains(fmt.Sprint(r.Header), "canary") {
						redirected.Add(1)
					}
					_, _ = io.WriteString(w, answer)
				}, false)
				t.Cleanup(other.close)
				return startHTTP(t, func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
				}, false)
			}},
	}, hostileBodyCases()...)
}
