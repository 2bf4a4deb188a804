package probe

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// hostile is a misbehaving server and what a probe of it must come to.
type hostile struct {
	name    string
	comp    Component
	handler http.HandlerFunc
	classes []classify.Class // any of these
	tls     bool
	http2   bool
}

func trickle(w http.ResponseWriter, r *http.Request, chunk string, every time.Duration) {
	fl := w.(http.Flusher)
	for {
		if _, err := io.WriteString(w, chunk); err != nil {
			return
		}
		fl.Flush()
		select {
		case <-r.Context().Done():
			return
		case <-time.After(every):
		}
	}
}

func reset(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.(*net.TCPConn).SetLinger(0)
		_ = conn.Close()
	}
}

// Every way a server can misbehave ends in a classified result within the probe's deadlines,
// with bounded memory, no goroutine left behind and no panic.
func TestHostileServers(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	for range 200 { // 200 MiB of zeros in about 200 KiB
		_, _ = zw.Write(make([]byte, 1<<20))
	}
	_ = zw.Close()
	cases := []hostile{
		{"slowloris headers", Chat, func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer func() { _ = conn.Close() }()
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\n")
			for i := 0; ; i++ { // one header line every 100 ms, never the blank line
				if _, err := buf.WriteString("X-Slow: a\r\n"); err != nil || buf.Flush() != nil {
					return
				}
				time.Sleep(100 * time.Millisecond)
				if i > 100 {
					return
				}
			}
		}, []classify.Class{classify.TimeoutTTFB, classify.TimeoutTotal}, false, false},
		{"slowloris body, no tokens", ChatStream, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			trickle(w, r, ": keep-alive\n\n", 50*time.Millisecond)
		}, []classify.Class{classify.StreamStalled}, false, false},
		{"tokens then keep-alives forever", ChatStream, func(w http.ResponseWriter, r *http.Request) {
			sse(w, roleChunk, contentChunk)
			trickle(w, r, ": keep-alive\n\n", 50*time.Millisecond)
		}, []classify.Class{classify.StreamStalled}, false, false},
		{"infinite stream of tokens", ChatStream, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			trickle(w, r, contentChunk+"\n\n", 5*time.Millisecond)
		}, []classify.Class{classify.TimeoutTotal}, false, false},
		{"100 MB JSON body", Chat, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"choices":[{"message":{"content":"`)
			for range 100 {
				if _, err := io.WriteString(w, big); err != nil {
					return
				}
			}
		}, []classify.Class{classify.Unknown}, false, false},
		{"100 MB error body", Chat, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			for range 100 {
				if _, err := io.WriteString(w, big); err != nil {
					return
				}
			}
		}, []classify.Class{classify.ServerError}, false, false},
		{"gzip bomb", Chat, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(gz.Bytes())
		}, []classify.Class{classify.Unknown}, false, false},
		{"10 MB line without a newline", ChatStream, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			_, _ = io.WriteString(w, "data: ")
			for range 10 {
				if _, err := io.WriteString(w, big); err != nil {
					return
				}
			}
		}, []classify.Class{classify.StreamTruncated, classify.Unknown}, false, false},
		{"invalid UTF-8 and NUL bytes", ChatStream, func(w http.ResponseWriter, r *http.Request) {
			sse(w, roleChunk, "data: {\"choices\":[{\"delta\":{\"content\":\"\xff\xfe\x00ok\"}}]}", finishChunk, "data: [DONE]")
		}, []classify.Class{classify.OK, classify.Unknown}, false, false},
		{"NUL in the middle of a record", ChatStream, func(w http.ResponseWriter, r *http.Request) {
			sse(w, roleChunk, "data: {\"choices\x00\":[]}", "data: [DONE]")
		}, []classify.Class{classify.Unknown}, false, false},
		{"redirect loop", Chat, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.String(), http.StatusFound)
		}, []classify.Class{classify.Unknown, classify.RequestInvalid}, false, false},
		{"bad certificate", Chat, func(w http.ResponseWriter, r *http.Request) {}, []classify.Class{classify.ConnectionError}, true, false},
		{"HTTP/2 reset mid-stream", ChatStream, func(w http.ResponseWriter, r *http.Request) {
			sse(w, roleChunk, contentChunk)
			panic(http.ErrAbortHandler) // the server resets the stream
		}, []classify.Class{classify.StreamTruncated}, true, true},
		{"reset before headers", Chat, func(w http.ResponseWriter, r *http.Request) { reset(w) },
			[]classify.Class{classify.ConnectionError, classify.ServerError}, false, false},
		{"reset after headers", Chat, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			w.(http.Flusher).Flush()
			reset(w)
		}, []classify.Class{classify.StreamTruncated, classify.Unknown}, false, false},
		{"reset mid-body", Chat, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"choices":[{"message":{"content":"po`)
			w.(http.Flusher).Flush()
			reset(w)
		}, []classify.Class{classify.StreamTruncated, classify.Unknown}, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				tc.handler(w, r)
			}))
			srv.Config.ErrorLog = nil
			srv.EnableHTTP2 = tc.http2
			if tc.tls {
				srv.StartTLS()
			} else {
				srv.Start()
			}
			defer srv.Close()
			tr := &http.Transport{ForceAttemptHTTP2: true}
			if tc.http2 { // trust the test server: this case is about the reset, not the certificate
				tr.TLSClientConfig = &tls.Config{RootCAs: srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}
			}
			defer tr.CloseIdleConnections()
			tg := target(t, srv.URL+"/v1")
			var before runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			r := Run(context.Background(), tr, tg, tc.comp)
			took := time.Since(start)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			ok := false
			for _, c := range tc.classes {
				ok = ok || r.Class == c
			}
			if !ok {
				t.Errorf("class %s (%s), want one of %v", r.Class, r.Message, tc.classes)
			}
			if took > tg.Timeouts.Total+time.Second {
				t.Errorf("took %v, past the total deadline %v", took, tg.Timeouts.Total)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 48<<20 {
				t.Errorf("allocated %d MiB reading it", alloc>>20)
			}
			srv.CloseClientConnections()
		})
	}
}
