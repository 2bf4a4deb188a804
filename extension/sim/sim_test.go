package sim

import (
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/stream"
)

func TestLatencyQuantiles(t *testing.T) {
	l := scenario.Latency{Median: 400 * time.Millisecond, P99: 1500 * time.Millisecond}
	r := rand.New(rand.NewPCG(1, 2))
	xs := make([]time.Duration, 20000)
	for i := range xs {
		xs[i] = l.Sample(r)
	}
	slices.Sort(xs)
	med, p99 := xs[len(xs)/2], xs[len(xs)*99/100]
	if med < 380*time.Millisecond || med > 420*time.Millisecond || p99 < 1350*time.Millisecond || p99 > 1650*time.Millisecond {
		t.Fatalf("median %v p99 %v", med, p99)
	}
}

func fast(t *testing.T) *Running {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Baseline.TTFT = scenario.Latency{Median: 10 * time.Millisecond}
	cfg.Baseline.ITL = scenario.Latency{Median: time.Millisecond}
	s, err := Start("", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func post(t *testing.T, url, body string) *http.Response {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

func TestStreamIsWellFormed(t *testing.T) {
	s := fast(t)
	resp := post(t, s.URL+"/chat/completions", `{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}`)
	if resp.StatusCode != 200 || resp.Header.Get("X-Request-Id") == "" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("status %d headers %v", resp.StatusCode, resp.Header)
	}
	d := stream.NewDecoder(resp.Body)
	var text strings.Builder
	var finish string
	var usage *stream.Usage
	done := false
	for {
		ev, err := d.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if string(ev.Data) == "[DONE]" {
			done = true
			continue
		}
		c, err := stream.ParseChatChunk(ev.Data, true)
		if err != nil {
			t.Fatalf("chunk %q: %v", ev.Data, err)
		}
		text.WriteString(c.Text)
		if c.FinishReason != "" {
			finish = c.FinishReason
		}
		if c.Usage != nil {
			usage = c.Usage
		}
	}
	if !done || finish != "stop" || usage == nil || usage.Output != 8 || !strings.HasPrefix(text.String(), "Pong") {
		t.Fatalf("done=%v finish=%q usage=%v text=%q", done, finish, usage, text.String())
	}
}

func TestMaxTokensCapsAnswer(t *testing.T) {
	s := fast(t)
	resp := post(t, strings.TrimSuffix(s.URL, "/v1")+"/v1/chat/completions", `{"model":"m","max_tokens":2,"messages":[]}`)
	b, _ := io.ReadAll(resp.Body)
	c, err := stream.ParseChatChunk(b, true)
	if err != nil || c.Text != "Pong." || c.Usage == nil || c.Usage.Output != 2 {
		t.Fatalf("%s: %+v %v", b, c, err)
	}
}

func TestErrorsUseTheOpenAIEnvelope(t *testing.T) {
	s := fast(t)
	base := strings.TrimSuffix(s.URL, "/v1")
	for _, tc := range []struct{ path, body string }{
		{"/v1/chat/completions", `{not json`},
		{"/v1/chat/completions", `{"messages":[]}`},
		{"/v1/nope", `{}`},
	} {
		resp := post(t, base+tc.path, tc.body)
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode < 400 || !strings.Contains(string(b), `"type":"invalid_request_error"`) {
			t.Errorf("%s %s: %d %s", tc.path, tc.body, resp.StatusCode, b)
		}
	}
}

func TestEmbeddingsAndModerations(t *testing.T) {
	s := fast(t)
	for path, want := range map[string]string{"/embeddings": `"object":"embedding"`, "/moderations": `"flagged":false`} {
		resp := post(t, s.URL+path, `{"model":"m","input":"hello"}`)
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) || resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: %d %s", path, resp.StatusCode, b)
		}
		if resp := post(t, s.URL+path, `{"model":"m"}`); resp.StatusCode != 400 {
			t.Errorf("%s without input: %d", path, resp.StatusCode)
		}
	}
}
