package probe

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
)

// debugBodyCap bounds a dumped body: a stream can run for minutes. dumpCap bounds a whole dump:
// the body and a server's headers (10,000 of them, say).
const (
	debugBodyCap = 64 << 10
	dumpCap      = 2 * debugBodyCap
)

// credentialHeaders never appear in a dump.
var credentialHeaders = []string{"Authorization", "Api-Key", "X-Api-Key", "X-Goog-Api-Key", "Cookie", "Set-Cookie", "Proxy-Authorization"}

// DebugTransport dumps probe requests and responses the way k6's --http-debug dumps its own:
// headers, and with Full the bodies too. Credentials are redacted. Response bodies are dumped
// when the probe closes them, so streams are read at their own pace and timings stay true.
type DebugTransport struct {
	Next    http.RoundTripper
	Full    bool
	Log     func(msg string)
	Secrets *secret.Set // the run's secrets, redacted wherever they appear, with the key shapes
}

// RoundTrip implements http.RoundTripper.
func (d *DebugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "Request:\n%s %s %s\nHost: %s\n", req.Method, req.URL.RequestURI(), req.Proto, req.URL.Host)
	d.headers(&b, req.Header)
	if d.Full && req.GetBody != nil {
		if body, err := req.GetBody(); err == nil {
			data, _ := io.ReadAll(io.LimitReader(body, debugBodyCap))
			b.WriteString("\n")
			b.Write(data)
		}
	}
	d.Log(secret.Text(b.String(), dumpCap, d.Secrets.Literals()...))
	resp, err := d.Next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	b.Reset()
	fmt.Fprintf(&b, "Response:\n%s %s\n", resp.Proto, resp.Status)
	d.headers(&b, resp.Header)
	if !d.Full {
		d.Log(secret.Text(b.String(), dumpCap, d.Secrets.Literals()...))
		return resp, nil
	}
	head := b.String()
	resp.Body = &dumpBody{ReadCloser: resp.Body, done: func(body []byte) {
		d.Log(secret.Text(head+"\n"+string(body), dumpCap, d.Secrets.Literals()...))
	}}
	return resp, nil
}

func (d *DebugTransport) headers(b *strings.Builder, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			if slices.ContainsFunc(credentialHeaders, func(c string) bool { return strings.EqualFold(c, k) }) {
				v = secret.Mask
			}
			fmt.Fprintf(b, "%s: %s\n", k, v)
		}
	}
}

// dumpBody keeps the first debugBodyCap bytes read and hands them over once, on Close.
type dumpBody struct {
	io.ReadCloser
	buf  bytes.Buffer
	once sync.Once
	done func([]byte)
}

func (d *dumpBody) Read(p []byte) (int, error) {
	n, err := d.ReadCloser.Read(p)
	if room := debugBodyCap - d.buf.Len(); room > 0 {
		d.buf.Write(p[:min(n, room)])
	}
	return n, err
}

func (d *dumpBody) Close() error {
	d.once.Do(func() { d.done(d.buf.Bytes()) })
	return d.ReadCloser.Close()
}
