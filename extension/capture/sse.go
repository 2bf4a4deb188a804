package capture

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/stream"
)

// maxEvents bounds the events read from one captured stream: real long answers hold a few
// thousand, and a bound keeps a hostile capture's event slice small.
const maxEvents = 1 << 16

type event struct {
	typ  string
	data []byte
}

// scanStream derives the stream facts from a captured SSE body in the dialect of provider, or
// the one its events show: Responses events ("response.*"), Anthropic Messages events
// (message_start, content_block_delta…), Gemini chunks ("candidates"), else chat chunks.
//
// It reads captures as clients read them: a record whose data lines were not separated by a
// blank line is read line by line when the joined lines are not one record; a JSON error
// document printed outside any "data:" line (Gemini does this mid-stream) is the stream's error
// record; and a record cut off at the very end of the capture, with no blank line after it, is
// a truncated stream rather than a malformed one.
func scanStream(o *classify.Outcome, provider string) {
	var events []event
	d := stream.NewDecoder(bytes.NewReader(joinContinuations(o.Body)))
	var derr error
	for len(events) < maxEvents {
		ev, err := d.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				derr = err
			}
			// A capture often ends right after its last record, with no blank line: the
			// specification discards that event, a reader of captures reads it.
			if p, ok := d.Pending(); ok && derr == nil {
				events = append(events, event{typ: p.Type, data: unbytes(p.Data)})
			}
			break
		}
		events = append(events, event{typ: ev.Type, data: unbytes(ev.Data)})
	}
	d.Close()

	dl := pickDialect(provider, events)
	var ferr error
	for i, ev := range events {
		st, err := add(dl, ev)
		if err != nil {
			switch {
			case i == len(events)-1 && !endsWithBlankLine(o.Body) && (!namesError(ev.data) || answerChunk(ev.data)):
				ferr = io.ErrUnexpectedEOF // cut off mid-record: the capture ends inside it
			case namesError(ev.data):
				// a whole record that is not JSON but names an error — a Python server's repr
				// ({'error': {…}}), a bare "Error: …" line — is the stream's error record, read
				// by its words like any other
				dl.Facts().ErrorEvent = bytes.Clone(ev.data)
			default:
				ferr = err
				o.Malformed = true
			}
			break
		}
		if st.Done && len(dl.Facts().ErrorEvent) > 0 {
			break
		}
	}
	if ferr == nil && derr != nil {
		ferr, o.Malformed = derr, true
	}
	f := dl.Facts()
	if ferr == nil && len(events) == maxEvents && !f.Terminal {
		ferr = errCaptureCut // the reader stopped before the stream did
	}
	if len(f.ErrorEvent) == 0 {
		if doc := errorRecord(events); doc != nil && (f.Content == 0 || !f.Terminal) { // not a stray document in a served answer
			f.ErrorEvent = doc
		} else if doc := bareError(o.Body); doc != nil {
			f.ErrorEvent, ferr, o.Malformed = doc, nil, false
		}
	}
	if ferr == nil && len(events) == 0 && len(f.ErrorEvent) == 0 && keepAliveOnly(o.Body) {
		// the server held the stream open with ": PING" comments and never sent a record
		ferr, o.Stalled = errKeepAliveOnly, true
	}
	if ferr != nil {
		o.Err, o.Stage = ferr, classify.StageBody
	}
	o.Stream = &classify.StreamFacts{Terminal: f.Terminal, ErrorEvent: f.ErrorEvent, Status: statedStatus(o.Body)}
	f.Settle()
	o.Content, o.FinishReason, o.Reasoning = f.Content, f.FinishReason, f.Thought()
}

// errKeepAliveOnly says a stream carried nothing but SSE comments.
var errKeepAliveOnly = errors.New("the stream sent only keep-alive comments, never a record")

// keepAliveOnly: a body of SSE comment lines (": PING", ": keep-alive") and blank lines, at least
// one, and none of DashScope's status comments (those precede records, they keep nothing alive).
func keepAliveOnly(body []byte) bool {
	seen := false
	for line := range bytes.Lines(body) {
		line = bytes.TrimSpace(line)
		switch {
		case len(line) == 0:
		case bytes.HasPrefix(line, statusComment):
			return false
		case line[0] == ':':
			seen = true
		default:
			return false
		}
	}
	return seen
}

// statusComment is DashScope's native SSE comment that repeats each event's HTTP status
// (":HTTP_STATUS/200" before a result, ":HTTP_STATUS/400" before an error event in a 200).
var statusComment = []byte(":HTTP_STATUS/")

// statedStatus is the first failing status (400-599) a status comment states, 0 if none.
func statedStatus(body []byte) int {
	for off := 0; ; {
		i := bytes.Index(body[off:], statusComment)
		if i < 0 {
			return 0
		}
		at := off + i
		off = at + len(statusComment)
		if at > 0 && body[at-1] != '\n' {
			continue // not at the start of a line: text inside a record
		}
		n := 0
		for j := off; j < len(body) && j < off+3 && body[j] >= '0' && body[j] <= '9'; j++ {
			n = n*10 + int(body[j]-'0')
		}
		if n >= 400 && n <= 599 {
			return n
		}
	}
}

// add folds one event into the dialect. An error record keeps the provider's own document when
// the event carries one ({"type":"error","error":{…}}), so no code or message is lost.
func add(dl stream.Dialect, ev event) (stream.Step, error) {
	st, err := dl.Add(stream.Event{Type: ev.typ, Data: ev.data})
	if err != nil && bytes.IndexByte(ev.data, '\n') >= 0 {
		st, err = stream.Step{}, nil // data lines with no blank line between them: one record per line
		for _, line := range bytes.Split(ev.data, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			if st, err = dl.Add(stream.Event{Type: ev.typ, Data: line}); err != nil || st.Done {
				break
			}
		}
	}
	if err == nil && st.Done && len(dl.Facts().ErrorEvent) > 0 && hasErrorObject(ev.data) {
		dl.Facts().ErrorEvent = bytes.Clone(ev.data)
	}
	return st, err
}

// hasErrorObject: data is an error document — an "error" object, or a flat one that says
// "object":"error" (vLLM, SGLang) or "type":"error".
func hasErrorObject(data []byte) bool {
	var m struct {
		Error  json.RawMessage `json:"error"`
		Object string          `json:"object"`
		Type   string          `json:"type"`
	}
	if json.Unmarshal(data, &m) != nil {
		return false
	}
	return (len(m.Error) > 0 && m.Error[0] == '{') || m.Object == "error" || (m.Type == "error" && len(m.Error) > 0)
}

// pickDialect chooses the stream dialect: Anthropic's for provider anthropic, else what the first
// typed or data-carrying event shows (Cohere v2's kebab-case types among them).
func pickDialect(provider string, events []event) stream.Dialect {
	if provider == "anthropic" {
		return &stream.MessagesStream{}
	}
	for _, ev := range events {
		typ := ev.typ
		var s struct {
			Type string `json:"type"`
			shape
		}
		data := ev.data
		if i := bytes.IndexByte(data, '\n'); i > 0 && !json.Valid(data) {
			data = data[:i] // records with no blank line between them: the first tells the dialect (see add)
		}
		if len(data) > 0 && data[0] == '{' && json.Unmarshal(data, &s) == nil && s.Type != "" {
			typ = s.Type
		}
		switch {
		case strings.HasPrefix(typ, "response."):
			return &stream.ResponsesStream{}
		case strings.HasPrefix(typ, "message_") || strings.HasPrefix(typ, "content_block_") || typ == "ping":
			return &stream.MessagesStream{}
		case cohereType(typ):
			return &cohereStream{}
		case s.gemini():
			return &geminiStream{}
		case s.Choices != nil:
			return &stream.ChatStream{Summary: stream.Summary{KeepText: true}}
		case s.Output != nil && dashscopeOutput(s.Output):
			return &dashscopeStream{}
		}
	}
	return &stream.ChatStream{Summary: stream.Summary{KeepText: true}}
}

// errorRecord finds a record the dialect did not take for an error but that is an error document
// by the classifier's reading ({"code":500,"msg":"…"}, {"base_resp":{"status_code":1002,…}},
// {"detail":"…"}): servers that stream their errors in their own shape, not the dialect's.
func errorRecord(events []event) []byte {
	for _, ev := range events {
		if len(ev.data) > 0 && ev.data[0] == '{' && classify.ErrorDocument(ev.data) {
			return bytes.Clone(ev.data)
		}
	}
	return nil
}

// joinContinuations reads a record that was saved pretty-printed — "data: {" and then the rest
// of the document on bare lines, which an SSE parser drops (testdata/realworld/heldout5) — as
// one record: each bare line after a data line, up to the blank line that ends the event,
// becomes a data line of its own. A body with none is returned as it is.
func joinContinuations(body []byte) []byte {
	var out []byte
	inData := false
	for off := 0; off < len(body); {
		end := bytes.IndexByte(body[off:], '\n')
		if end < 0 {
			end = len(body)
		} else {
			end += off + 1
		}
		line := body[off:end]
		t := bytes.TrimRight(line, "\r\n")
		switch {
		case len(t) == 0:
			inData = false
		case sseField(t):
			inData = bytes.HasPrefix(t, []byte("data"))
		case inData:
			if out == nil {
				out = append(make([]byte, 0, len(body)+64), body[:off]...)
			}
			out = append(out, "data:"...)
		}
		if out != nil {
			out = append(out, line...)
		}
		off = end
	}
	if out == nil {
		return body
	}
	return out
}

// sseField: a line that is an SSE field (data, event, id, retry) or a comment.
func sseField(line []byte) bool {
	if line[0] == ':' {
		return true
	}
	for _, f := range [...]string{"data", "event", "id", "retry"} {
		if rest, ok := bytes.CutPrefix(line, []byte(f)); ok && (len(rest) == 0 || rest[0] == ':') {
			return true
		}
	}
	return false
}

// answerChunk: a record that starts like an answer chunk of some dialect, so a cut one is a
// truncated answer even when its text says "error".
func answerChunk(data []byte) bool {
	for _, k := range [...]string{`"choices"`, `"delta"`, `"candidates"`, `"content_block`, `"response.`} {
		if bytes.Contains(data, []byte(k)) {
			return true
		}
	}
	return false
}

// namesError: a record that says "error" or "exception" in any case.
func namesError(data []byte) bool {
	low := bytes.ToLower(data)
	return bytes.Contains(low, []byte("error")) || bytes.Contains(low, []byte("exception"))
}

func endsWithBlankLine(b []byte) bool {
	return bytes.HasSuffix(b, []byte("\n\n")) || bytes.HasSuffix(b, []byte("\r\n\r\n"))
}

// bareError finds a JSON error document printed outside the SSE framing: a line starting with
// "{" (not "data: {") or "error: {" (a field no SSE client reads), from which the rest of the body is one error document ({"error":{…}}, or
// one the classifier's envelope reads as an error: {"detail":"…"}, {"code":500,"msg":"…"}). Only the
// first few such lines are tried, so a hostile body cannot make the search quadratic.
func bareError(body []byte) []byte {
	tries := 0
	for off := 0; off < len(body) && tries < 3; {
		nl := bytes.IndexByte(body[off:], '\n')
		line := body[off:]
		if nl >= 0 {
			line = body[off : off+nl]
		}
		start := off
		if v, ok := bytes.CutPrefix(line, []byte("error:")); ok { // llama.cpp's non-standard "error:" field
			v = bytes.TrimLeft(v, " ")
			start, line = off+len(line)-len(v), v
		}
		if bytes.HasPrefix(line, []byte("{")) {
			tries++
			doc := bytes.TrimSpace(body[start:])
			if hasErrorObject(doc) || classify.ErrorDocument(doc) {
				return bytes.Clone(doc)
			}
		}
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	return nil
}
