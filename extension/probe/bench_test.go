package probe

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/loadbench/floor"
)

// chatFrames is a streamed chat completion as OpenAI sends it: a role-only chunk, 20 content
// chunks, a finish chunk and [DONE], each written and flushed on its own (one read each).
func chatFrames() [][]byte {
	const head = `data: {"id":"chatcmpl-b","object":"chat.completion.chunk","created":1764633600,"model":"gpt-4o-mini","choices":[{"index":0,"delta":`
	frames := [][]byte{[]byte(head + `{"role":"assistant","content":""},"finish_reason":null}]}` + "\n\n")}
	for i := range 20 {
		frames = append(frames, fmt.Appendf(nil, head+`{"content":" word%d"},"finish_reason":null}]}`+"\n\n", i))
	}
	return append(frames, []byte(head+`{},"finish_reason":"stop"}]}`+"\n\n"), []byte("data: [DONE]\n\n"))
}

// streamServer serves chatFrames on every path.
func streamServer(b *testing.B) *httptest.Server {
	frames := chatFrames()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		f := w.(http.Flusher)
		for _, fr := range frames {
			_, _ = w.Write(fr)
			f.Flush()
		}
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkProbeChatStream is one whole chat_stream probe (request, timings, SSE decoding,
// chunk scanning, classification) against a local server that streams without delay; beside
// BenchmarkBareChatStream, the minimal reader of the same stream, the difference is what the
// probe itself costs per completion, without k6 (make bench has the end-to-end figure).
func BenchmarkProbeChatStream(b *testing.B) {
	srv := streamServer(b)
	tg := &Target{Provider: Compatible, Model: "gpt-4o-mini", BaseURL: srv.URL + "/v1", APIKey: "sk-bench",
		Timeouts: Timeouts{Connect: time.Second, TTFB: 2 * time.Second, FirstToken: 2 * time.Second, Stall: time.Second, Total: 5 * time.Second}}
	if err := tg.Validate(); err != nil {
		b.Fatal(err)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: 4}
	b.Cleanup(tr.CloseIdleConnections)
	ctx := context.Background()
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		if r := Run(ctx, tr, tg, ChatStream); !r.OK || r.Usage.Output != 20 {
			b.Fatalf("probe: class %s, %d tokens", r.Class, r.Usage.Output)
		}
	}
	reportCPU(b, cpu0)
}

// BenchmarkBareChatStream reads the same stream with make bench's floor (loadbench/floor): the
// least any client pays.
func BenchmarkBareChatStream(b *testing.B) {
	srv := streamServer(b)
	tr := &http.Transport{MaxIdleConnsPerHost: 4}
	b.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr}
	ctx := context.Background()
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := floor.Read(ctx, client, srv.URL+"/v1"); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu0)
}

// cpuTime is the process's user and system CPU so far: a stream spends most of its time
// waiting, so ns/op says little about what it costs; cpu-ns/op (server included, the same for
// both benchmarks) does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}
