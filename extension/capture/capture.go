// Package capture reads captured HTTP responses — what `curl -i` prints, the simulator's fault
// captures — into the classifier's Outcome, deriving the stream facts of an SSE body. The
// classifier itself reads no bytes from files or wires; this is the one place that does for
// captures.
package capture

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/stream"
)

// BodyCap is how much of a body is read; the rest is discarded. Every marker the rules look for
// sits well inside it.
const BodyCap = 64 << 10

// Parse reads a captured HTTP response as `curl -i` prints it (status line, headers, blank
// line, body) into an Outcome. Leading blank lines and "#" comment lines are skipped. The body is capped at BodyCap; an SSE body is scanned for the
// stream facts (terminal marker, error records, answer bytes).
func Parse(r io.Reader) (classify.Outcome, error) {
	br := bufio.NewReaderSize(r, 4096)
	tp := textproto.NewReader(br)
	line, err := tp.ReadLine()
	for err == nil && (strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#")) { // blank lines, "# notes"
		line, err = tp.ReadLine()
	}
	if err != nil {
		return classify.Outcome{}, fmt.Errorf("read status line: %w", err)
	}
	status, err := parseStatusLine(line)
	if err != nil {
		return classify.Outcome{}, err
	}
	mh, err := tp.ReadMIMEHeader()
	if err != nil && !errors.Is(err, io.EOF) {
		return classify.Outcome{}, fmt.Errorf("read headers: %w", err)
	}
	body, err := io.ReadAll(io.LimitReader(br, BodyCap))
	if err != nil {
		return classify.Outcome{}, fmt.Errorf("read body: %w", err)
	}
	o := classify.Outcome{Status: status, Header: http.Header(mh), Body: body, ExpectAnswer: true}
	if ct, _, _ := mime.ParseMediaType(o.Header.Get("Content-Type")); ct == "text/event-stream" && status >= 200 && status < 300 {
		scanStream(&o)
	} else if status >= 200 && status < 300 {
		// Only a completion must carry an answer; a model list or a page is judged by its status.
		o.ExpectAnswer = bytes.Contains(body, []byte(`"choices"`))
		if c, err := stream.ParseChatChunk(body, false); err == nil {
			o.Content, o.FinishReason = c.Content, c.FinishReason
		}
	}
	return o, nil
}

// parseStatusLine accepts "HTTP/1.1 429 Too Many Requests", "HTTP/2 200" and "HTTP/2 200 ".
func parseStatusLine(line string) (int, error) {
	f := strings.Fields(line)
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/") {
		return 0, fmt.Errorf("not an HTTP status line: %.120q", line)
	}
	st, err := strconv.Atoi(f[1])
	if err != nil || st < 100 || st > 999 {
		return 0, fmt.Errorf("bad status code in %.120q", line)
	}
	return st, nil
}

// scanStream derives the stream facts from a captured SSE body.
func scanStream(o *classify.Outcome) {
	var acc stream.ChatStream
	d := stream.NewDecoder(bytes.NewReader(o.Body))
	for {
		ev, err := d.Next()
		if err == nil {
			var st stream.Step
			if st, err = acc.Add(ev); err == nil && !st.Done {
				continue
			}
		}
		if err != nil && !errors.Is(err, io.EOF) {
			o.Err, o.Stage, o.Malformed = err, classify.StageBody, true
		}
		break
	}
	o.Stream = &classify.StreamFacts{Terminal: acc.Terminal, ErrorEvent: acc.ErrorEvent}
	o.Content, o.FinishReason = acc.Content, acc.FinishReason
}
