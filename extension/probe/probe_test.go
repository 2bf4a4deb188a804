package probe

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
)

func target(t *testing.T, base string) *Target {
	t.Helper()
	tg := &Target{Model: "gpt-4o-mini", BaseURL: base, APIKey: "sk-test-secret-key-1234",
		Timeouts: Timeouts{Connect: time.Second, TTFB: 2 * time.Second, FirstToken: 2 * time.Second, Stall: 300 * time.Millisecond, Total: 3 * time.Second}}
	if err := tg.Validate(); err != nil {
		t.Fatal(err)
	}
	return tg
}

// recorder keeps the headers of every request it carries.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (rc *recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	rc.mu.Lock()
	rc.reqs = append(rc.reqs, r)
	rc.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// Every provider's every component, against the simulator: ok, measured, in its own dialect,
// with its key in its own header and never on the public pages.
func TestProvidersAndComponents(t *testing.T) {
	base := strings.TrimSuffix(simtest.Fast(t, nil), "/v1")
	bases := map[string]string{OpenAI: base + "/v1", Azure: base, Anthropic: base + "/v1", Gemini: base + "/v1beta/openai", Compatible: base + "/v1"}
	auth := map[string]string{OpenAI: "Authorization", Azure: "Api-Key", Anthropic: "X-Api-Key", Gemini: "Authorization", Compatible: "Authorization"}
	for _, prov := range Providers {
		for _, c := range supported[prov] {
			if c == Realtime { // a WebSocket, not through the RoundTripper: realtime_test.go
				continue
			}
			t.Run(prov+"/"+string(c), func(t *testing.T) {
				tg := target(t, bases[prov])
				tg.Provider, tg.WebURL, tg.StatusURL = prov, base+"/web/", base+"/api/v2/summary.json"
				if err := tg.Validate(); err != nil {
					t.Fatal(err)
				}
				rec := &recorder{}
				r := Run(context.Background(), rec, tg, c)
				if !r.OK || r.Class != classify.OK || r.Status != 200 {
					t.Fatalf("result %+v", r)
				}
				if r.Timings.TTFB <= 0 || r.Timings.Total < r.Timings.TTFB || r.BytesIn == 0 {
					t.Fatalf("timings or size missing: %+v", r)
				}
				h := rec.reqs[0].Header
				public := c == Web || c == Status
				if got := h.Get(auth[prov]); (got != "") == public || strings.Contains(fmt.Sprint(h), "sk-test") == public {
					t.Fatalf("%s header %q on a %s request (headers %v)", auth[prov], got, c, h)
				}
				if h.Get("User-Agent") != DefaultUserAgent {
					t.Fatalf("user agent %q", h.Get("User-Agent"))
				}
				if c == Canary && r.Answer != "42" {
					t.Fatalf("canary answer %q", r.Answer)
				}
				if !public && c != Models && c != Moderations && (!r.CostKnown || r.CostUSD <= 0 || (r.Usage.Input == 0 && c != Images)) {
					t.Fatalf("no usage or cost: %+v", r)
				}
				if streamed(c) {
					tm := r.Timings
					want := 8 // the simulator's answer length, capped by the request's budget
					if c != Responses {
						want = min(want, tg.maxTokens(r.Model))
					}
					if tm.TTFT < 20 || tm.TTFT > tm.Total || tm.ITL <= 0 || r.Usage.Output != want || r.TokensEstimated || r.TokensPerSecond <= 0 {
						t.Fatalf("stream measurements off: %+v", r)
					}
					if tm.TTFB > tm.TTFT-15 { // the preamble comes at once; the first token 20 ms later (simtest.Fast)
						t.Fatalf("TTFB %v should precede TTFT %v: a preamble event counted as a token?", tm.TTFB, tm.TTFT)
					}
				}
			})
		}
	}
}

func TestUnsupportedComponent(t *testing.T) {
	tg := target(t, "http://127.0.0.1:1/v1")
	tg.Provider = Anthropic
	if err := tg.CheckComponents([]Component{Chat, Embeddings}); err == nil || !strings.Contains(err.Error(), "anthropic has no embeddings") {
		t.Fatalf("error %v", err)
	}
	tg.Provider, tg.WebURL = Compatible, ""
	if err := tg.CheckComponents([]Component{Web}); err == nil {
		t.Fatal("web without a URL accepted")
	}
}

func TestClosedPortIsConnectionError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	start := time.Now()
	r := Run(context.Background(), http.DefaultTransport, target(t, "http://"+addr+"/v1"), ChatStream)
	if r.OK || r.Class != classify.ConnectionError || r.Blame != classify.BlameNetwork || r.Aborted {
		t.Fatalf("result %+v", r)
	}
	if time.Since(start) > time.Second {
		t.Fatalf("took %v", time.Since(start))
	}
}

// handlerCase is a misbehaving server and what the probe must make of it.
// serve starts a test server running h, stopped when the test ends.
func serve(t *testing.T, h http.HandlerFunc) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Go's server notices a client hang-up only once the request body is consumed.
		_, _ = io.Copy(io.Discard, r.Body)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

type handlerCase struct {
	name    string
	comp    Component
	handler http.HandlerFunc
	class   classify.Class
}

func sse(w http.ResponseWriter, records ...string) {
	w.Header().Set("Content-Type", "text/event-stream")
	for _, r := range records {
		_, _ = io.WriteString(w, r+"\n\n")
		w.(http.Flusher).Flush()
	}
}

const (
	roleChunk    = `data: {"choices":[{"delta":{"role":"assistant","content":""}}]}`
	contentChunk = `data: {"choices":[{"delta":{"content":"pong"}}]}`
	finishChunk  = `data: {"choices":[{"delta":{},"finish_reason":"stop"}]}`
)

func TestFaults(t *testing.T) {
	cases := []handlerCase{
		{"stall after first token", ChatStream, func(w http.ResponseWriter, r *http.Request) {
			sse(w, roleChunk, contentChunk)
			<-r.Context().Done()
		}, classify.StreamStalled},
		{"no first token", ChatStream, func(w http.ResponseWriter, r *http.Request) {
			sse(w, roleChunk)
			<-r.Context().Done()
		}, classify.StreamStalled},
		{"headers never come", Chat, func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, classify.TimeoutTTFB},
		{"truncated", ChatStream, func(w http.ResponseWriter, _ *http.Request) { sse(w, roleChunk, contentChunk) }, classify.StreamTruncated},
		{"error record mid-stream", ChatStream, func(w http.ResponseWriter, _ *http.Request) {
			sse(w, roleChunk, contentChunk, `data: {"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error"}}`)
		}, classify.StreamErrorEvent},
		{"empty answer", ChatStream, func(w http.ResponseWriter, _ *http.Request) { sse(w, roleChunk, finishChunk, "data: [DONE]") }, classify.EmptyResponse},
		{"malformed record", ChatStream, func(w http.ResponseWriter, _ *http.Request) { sse(w, roleChunk, "data: {not json", "data: [DONE]") }, classify.Unknown},
		{"reset mid-stream", ChatStream, func(w http.ResponseWriter, _ *http.Request) {
			sse(w, roleChunk, contentChunk)
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.(*net.TCPConn).SetLinger(0)
				_ = conn.Close()
			}
		}, classify.StreamTruncated},
		{"html 502", Chat, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Server", "cloudflare")
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			_, _ = io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head><body><center>cloudflare</center></body></html>")
		}, classify.EdgeGatewayError},
		{"huge error body is capped", Chat, func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(500)
			chunk := strings.Repeat("x", 1<<16)
			for range 160 { // 10 MiB
				if _, err := io.WriteString(w, chunk); err != nil {
					return
				}
			}
		}, classify.ServerError},
		{"401 echoing a key shape", Chat, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":{"message":"Incorrect API key provided: sk-proj-abcdefghijklmnop.","type":"invalid_request_error","code":"invalid_api_key"}}`)
		}, classify.AuthInvalid},
		{"models html instead of json", Models, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, "<html>hello</html>")
		}, classify.Unknown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			r := Run(context.Background(), http.DefaultTransport, target(t, serve(t, tc.handler)+"/v1"), tc.comp)
			if r.OK || r.Class != tc.class {
				t.Fatalf("class %s (%s), want %s", r.Class, r.Message, tc.class)
			}
			if el := time.Since(start); el > 4*time.Second {
				t.Fatalf("took %v, past the total deadline", el)
			}
			if strings.Contains(r.Message, "sk-test-secret") || strings.Contains(r.Message, "sk-proj-abcdefgh") {
				t.Fatalf("key leaked: %q", r.Message)
			}
		})
	}
}

func TestCallerCancelIsAborted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if r := Run(ctx, http.DefaultTransport, target(t, srv.URL+"/v1"), Chat); !r.Aborted {
		t.Fatalf("result %+v, want aborted", r)
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	var hits int
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits++ }))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	r := Run(context.Background(), http.DefaultTransport, target(t, srv.URL+"/v1"), Chat)
	if r.OK || hits != 0 {
		t.Fatalf("redirect followed (hits=%d) or ok: %+v", hits, r)
	}
}

func TestValidate(t *testing.T) {
	for _, tg := range []Target{
		{Model: "m", BaseURL: "ftp://x"},
		{Model: "", BaseURL: "http://x"},
		{Model: "m", BaseURL: "http://x", Provider: "nope"},
	} {
		if err := tg.Validate(); err == nil {
			t.Errorf("%+v validated", tg)
		}
	}
}
