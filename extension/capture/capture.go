// Package capture reads captured HTTP responses — what `curl -i` prints, HAR files, the
// simulator's fault captures — into the classifier's Outcome, deriving the answer and stream
// facts of a 2xx body in the provider's dialect. The classifier itself reads no bytes from files
// or wires; this is the one place that does for captures.
package capture

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// BodyCap is how much of a body the classifier's rules read; the rest is discarded. Every marker
// the rules look for sits well inside it.
const BodyCap = 64 << 10

// AnswerCap is how much of a 2xx body is read for the answer and stream facts: a served stream's
// terminal marker sits at its end, and real captures of long answers run to hundreds of KiB
// (testdata/realworld/heldout5 has a 660 KiB Perplexity stream that repeats its citations in
// every chunk). A capture cut here has no end to read and says so.
const AnswerCap = 16 << 20

// maxBlocks bounds how many status blocks one dump may hold (proxy CONNECT, 100 Continue,
// redirects followed with -L): a real dump has two or three.
const maxBlocks = 16

// Providers are the dialect names ParseFor understands (classify.Outcome.Provider); any other
// name, or "", means: recognise the dialect from the body.
var Providers = []string{"openai", "azure", "anthropic", "gemini", "compatible"}

// Parse reads a captured HTTP response as `curl -i` prints it (status line, headers, blank
// line, body), recognising the dialect from the body. See ParseFor.
func Parse(r io.Reader) (classify.Outcome, error) { return ParseFor(r, "") }

// ParseFor reads a captured HTTP response as `curl -i` (or `curl -si`) prints it into an
// Outcome, in the dialect of provider when known. Leading blank lines and "#" comment lines are
// skipped. curl prints one status block per response it met: a proxy's "HTTP/1.1 200
// Connection established", interim 1xx responses and, with -L, each redirect; those come first,
// and the last block is the response. The body is capped at BodyCap; a 2xx body is read up to
// AnswerCap for the answer and stream facts.
func ParseFor(r io.Reader, provider string) (classify.Outcome, error) {
	br := bufio.NewReaderSize(r, 4096)
	tp := textproto.NewReader(br)
	line, err := tp.ReadLine()
	for err == nil && (strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#")) { // blank lines, "# notes"
		line, err = tp.ReadLine()
	}
	if err != nil {
		return classify.Outcome{}, fmt.Errorf("read status line: %w", err)
	}
	var status int
	var mh textproto.MIMEHeader
	var prefix string // a line read while looking for another block that turned out to be body
	for n := 0; ; n++ {
		var reason string
		status, reason, err = parseStatusLine(line)
		if err != nil {
			return classify.Outcome{}, err
		}
		mh, err = tp.ReadMIMEHeader()
		if err != nil && !errors.Is(err, io.EOF) {
			return classify.Outcome{}, fmt.Errorf("read headers: %w", err)
		}
		if err != nil || n == maxBlocks-1 {
			break
		}
		next, ok := nextBlock(br, status, reason)
		if !ok {
			prefix = next
			break
		}
		line = next
	}
	limit := int64(BodyCap)
	if status >= 200 && status < 300 {
		limit = AnswerCap + 1 // one byte more tells a cut capture from one of exactly AnswerCap
	}
	body, err := io.ReadAll(io.LimitReader(io.MultiReader(strings.NewReader(prefix), br), limit))
	if err != nil {
		return classify.Outcome{}, fmt.Errorf("read body: %w", err)
	}
	return Build(status, http.Header(mh), body, provider), nil
}

// nextBlock reports whether another status block follows the one just read, and returns its
// status line (or, when not, any line it had to read, which belongs to the body). Interim blocks (1xx, a proxy's "200 Connection established") are always followed
// by the real response; any block is when the next non-blank line is a status line (curl -L).
func nextBlock(br *bufio.Reader, status int, reason string) (string, bool) {
	interim := (status >= 100 && status < 200) || (status == 200 && strings.EqualFold(strings.TrimSpace(reason), "connection established"))
	for skipped := 0; skipped < 8; skipped++ {
		peek, _ := br.Peek(16)
		switch {
		case bytes.HasPrefix(peek, []byte("\r\n")):
			if !interim {
				return "", false
			}
			_, _ = br.Discard(2)
			continue
		case bytes.HasPrefix(peek, []byte("\n")):
			if !interim {
				return "", false
			}
			_, _ = br.Discard(1)
			continue
		case !bytes.HasPrefix(peek, []byte("HTTP/")):
			return "", false
		}
		line, err := br.ReadString('\n')
		if err != nil && line == "" {
			return "", false
		}
		if _, _, err := parseStatusLine(strings.TrimRight(line, "\r\n")); err != nil {
			return line, false
		}
		return strings.TrimRight(line, "\r\n"), true
	}
	return "", false
}

// parseStatusLine accepts "HTTP/1.1 429 Too Many Requests", "HTTP/2 200" and "HTTP/2 200 ".
func parseStatusLine(line string) (int, string, error) {
	f := strings.Fields(line)
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/") {
		return 0, "", fmt.Errorf("not an HTTP status line: %.120q", line)
	}
	st, err := strconv.Atoi(f[1])
	if err != nil || st < 100 || st > 999 {
		return 0, "", fmt.Errorf("bad status code in %.120q", line)
	}
	return st, strings.Join(f[2:], " "), nil
}
