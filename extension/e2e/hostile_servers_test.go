package e2e

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// server is one hostile endpoint of the suite, on a free loopback port: an httptest server for
// handlers that speak HTTP (badly), or a raw TCP server for those that do not.
type server struct {
	URL   string // scheme://host:port
	http  *httptest.Server
	raw   net.Listener
	mu    sync.Mutex
	conns map[net.Conn]bool
	wg    sync.WaitGroup
	stop  chan struct{}
}

// startHTTP serves h (after draining each request body) on 127.0.0.1; tls also turns on HTTP/2.
func startHTTP(t *testing.T, h http.HandlerFunc, tls bool) *server {
	t.Helper()
	s := &server{stop: make(chan struct{})}
	s.http = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		h(w, r)
	}))
	s.http.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tls {
		s.http.EnableHTTP2 = true
		s.http.StartTLS()
	} else {
		s.http.Start()
	}
	s.URL = s.http.URL
	return s
}

// startRaw accepts connections on 127.0.0.1, reads each one's request head and body, and hands
// the connection to serve, closing it when serve returns.
func startRaw(t *testing.T, serve func(c net.Conn, r *http.Request)) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{URL: "http://" + ln.Addr().String(), raw: ln, conns: map[net.Conn]bool{}, stop: make(chan struct{})}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns[c] = true
			s.mu.Unlock()
			s.wg.Go(func() {
				defer func() {
					s.mu.Lock()
					delete(s.conns, c)
					s.mu.Unlock()
					_ = c.Close()
				}()
				r, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
				serve(c, r)
			})
		}
	})
	return s
}

// closeConns ends every connection the server holds (the probes are over) and stops handlers
// that wait for that.
func (s *server) closeConns() {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	if s.http != nil {
		s.http.CloseClientConnections()
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		_ = c.Close()
	}
}

func (s *server) close() {
	s.closeConns()
	if s.http != nil {
		s.http.Close()
		return
	}
	_ = s.raw.Close()
	s.wg.Wait()
}

// Handlers' building blocks.

// write sends raw bytes on a hijacked or raw connection, reporting whether it could.
func write(c net.Conn, s string) bool {
	_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, err := io.WriteString(c, s)
	return err == nil
}

// hold keeps a connection open, saying nothing, until the client or the test ends it.
func hold(c net.Conn, stop <-chan struct{}) {
	done := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, c); close(done) }()
	select {
	case <-done:
	case <-stop:
	}
}

// resetConn closes c with an RST rather than a FIN.
func resetConn(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

// trickle writes chunk every period until the client goes away.
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

// flood writes chunk as fast as the client reads, up to n times.
func flood(w io.Writer, chunk []byte, n int) {
	for range n {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

// events writes records as an event stream with the given line ending, flushing each.
func events(w http.ResponseWriter, eol string, records ...string) {
	w.Header().Set("Content-Type", "text/event-stream")
	for _, rec := range records {
		_, _ = io.WriteString(w, string(bytes.ReplaceAll([]byte(rec), []byte("\n"), []byte(eol)))+eol+eol)
		w.(http.Flusher).Flush()
	}
}

// gzipBomb is 200 MiB of zeros compressed to about 200 KiB, with prefix before them.
func gzipBomb(prefix string) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	_, _ = io.WriteString(zw, prefix)
	zeros := make([]byte, 1<<20)
	for range 200 {
		_, _ = zw.Write(zeros)
	}
	_ = zw.Close()
	return b.Bytes()
}

// Records of a healthy chat stream.
const (
	role    = `data: {"choices":[{"delta":{"role":"assistant","content":""}}]}`
	token   = `data: {"choices":[{"delta":{"content":"pong"}}]}`
	finish  = `data: {"choices":[{"delta":{},"finish_reason":"stop"}]}`
	usage   = `data: {"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":1}}`
	done    = `data: [DONE]`
	answer  = `{"choices":[{"message":{"content":"pong"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":1}}`
	rateErr = `{"error":{"message":"Rate limit reached for requests","type":"requests","code":"rate_limit_exceeded"}}`
)
