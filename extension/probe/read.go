package probe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/stream"
)

// imageScan is how much of an image response is kept to judge it; the rest (a base64 PNG of a
// megabyte or more) is counted and discarded, up to imageCap.
const (
	imageScan = 64 << 10
	imageCap  = 32 << 20
)

// read consumes the response body into the outcome and result.
func (p *run) read(resp *http.Response, c Component, o *classify.Outcome, r *Result) {
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if ok && streamed(c) && ct == "text/event-stream" {
		p.readStream(resp.Body, p.dialect(c), o, r)
		return
	}
	limit := int64(SuccessBodyCap)
	switch {
	case !ok:
		limit = ErrorBodyCap
	case c == Images:
		limit = imageScan
	case c == Status:
		limit = statuspage.MaxBody
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	r.BytesIn = int64(len(body))
	if ok && c == Images && err == nil {
		n, derr := io.Copy(io.Discard, io.LimitReader(resp.Body, imageCap))
		r.BytesIn += n
		err = derr
	}
	o.Body = body
	if err != nil {
		o.Err = err
		return
	}
	if ok && c == Status {
		p.statusPage(body, o)
		return
	}
	if ok {
		p.judge(c, body, o, r)
	}
}

// dialect is the stream accumulator of the target's provider for component c.
func (p *run) dialect(c Component) stream.Dialect {
	keep := stream.Summary{KeepText: p.target.RecordContent}
	switch {
	case c == Responses:
		return &stream.ResponsesStream{Summary: keep}
	case p.target.Provider == Anthropic:
		return &stream.MessagesStream{Summary: keep}
	}
	return &stream.ChatStream{Summary: keep}
}

// judge applies component c's success rule to a whole 2xx body.
func (p *run) judge(c Component, body []byte, o *classify.Outcome, r *Result) {
	malformed := func(format string, args ...any) {
		o.Err, o.Malformed = fmt.Errorf(format, args...), true
	}
	switch c {
	case Chat, ChatStream, Canary, Responses: // a streaming request answered with plain JSON is judged as JSON
		s, err := p.wholeAnswer(c, body)
		if err != nil {
			malformed("malformed answer: %w", err)
			return
		}
		p.summarize(c, &s, o, r)
		if len(s.ErrorEvent) > 0 { // a failed response object: classify it as the error it carries
			o.Stream = &classify.StreamFacts{Terminal: s.Terminal, ErrorEvent: s.ErrorEvent}
		}
	case Models:
		var m struct {
			Data []json.RawMessage `json:"data"`
		}
		if stream.Unmarshal(body, &m) != nil || m.Data == nil {
			malformed("expected a JSON model list, got something else")
		}
		p.listed = shutdownDates(m.Data)
	case Embeddings:
		var e struct {
			Data []struct {
				Embedding json.RawMessage `json:"embedding"`
			} `json:"data"`
			Usage *stream.Usage `json:"usage"`
		}
		if stream.Unmarshal(body, &e) != nil || e.Data == nil {
			malformed("expected a JSON embedding list, got something else")
			return
		}
		if len(e.Data) > 0 && len(e.Data[0].Embedding) > 2 { // "[]" is empty
			o.Content = len(e.Data[0].Embedding)
		}
		if e.Usage != nil {
			r.Usage.Input = e.Usage.Input
		}
	case Moderations:
		var m struct {
			Results []json.RawMessage `json:"results"`
		}
		if stream.Unmarshal(body, &m) != nil || m.Results == nil {
			malformed("expected JSON moderation results, got something else")
			return
		}
		o.Content = len(m.Results)
	case Images:
		// Only the head was kept: a data entry with an image or its URL proves one was made.
		if !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
			malformed("expected a JSON image response, got something else")
			return
		}
		if m := imageField.FindSubmatch(body); m != nil {
			o.Content = len(m[1])
		}
	case Web, Status:
		o.Content = len(bytes.TrimSpace(body)) // reachability: a page with something on it
	}
	if c == Models {
		o.Content = len(body)
	}
}

// imageField finds the first non-empty image payload or URL in an images response head.
var imageField = regexp.MustCompile(`"(?:b64_json|url)"\s*:\s*"([^"]{1,64})`)

// wholeAnswer parses a non-streamed answer in the dialect of the target and component.
func (p *run) wholeAnswer(c Component, body []byte) (stream.Summary, error) {
	keep := c == Canary || p.target.RecordContent
	switch {
	case c == Responses:
		return stream.ParseResponse(body, keep)
	case p.target.Provider == Anthropic:
		return stream.ParseMessage(body, keep)
	}
	ch, err := stream.ParseChatChunk(body, keep)
	if err != nil {
		return stream.Summary{}, err
	}
	return stream.WholeChat(ch), nil
}

// summarize moves what a dialect accumulated into the outcome and result.
func (p *run) summarize(c Component, s *stream.Summary, o *classify.Outcome, r *Result) {
	s.Settle() // with the text kept (recordContent), an inline chain of thought cut short is no answer
	o.Content, o.FinishReason, o.Reasoning = s.Content, s.FinishReason, s.Thought()
	r.FinishReason, r.ResponseModel = s.FinishReason, s.Model
	if s.Usage != nil {
		r.Usage = Usage{Input: s.Usage.Input, Output: s.Usage.Output, Reasoning: s.Usage.Reasoning}
	}
	if c == Canary || p.target.RecordContent {
		r.Answer = s.Text
	}
	if c == Canary {
		o.AnswerWrong = s.Content > 0 && !answers(s.Text, p.target.Canary.Answer)
	}
}

// answers reports whether text contains want as a whole word, ignoring case: "42", "42." and
// "The answer is 42" answer 42; "420" does not.
func answers(text, want string) bool {
	text, want = strings.ToLower(text), strings.ToLower(strings.TrimSpace(want))
	for i := 0; ; {
		j := strings.Index(text[i:], want)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(want)
		if (start == 0 || !wordByte(text[start-1])) && (end == len(text) || !wordByte(text[end])) {
			return true
		}
		i = start + 1
	}
}

func wordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 0x80
}

// readStream decodes an event stream in dialect d. Tokens are timed by the arrival of their
// bytes; a first-token deadline and then a stall deadline between tokens run as a watchdog.
func (p *run) readStream(body io.Reader, d stream.Dialect, o *classify.Outcome, r *Result) {
	to := p.target.Timeouts
	firstDeadline := to.FirstToken - time.Since(p.start)
	// One watchdog for the whole stream: each token only records its time, and the timer, when
	// it fires, re-arms itself for what is left of the stall window (a Reset per token was a
	// visible share of CPU at hundreds of streams).
	var lastToken atomic.Int64 // monotonic ns since p.start; 0 until the first token
	check := func() {
		last := lastToken.Load()
		if last == 0 {
			p.cancel(errStalled) // the first-token deadline passed
			return
		}
		if left := time.Duration(last) + to.Stall - time.Since(p.start); left > 0 {
			p.mu.Lock()
			if !p.disarmed {
				p.stall.Reset(left)
			}
			p.mu.Unlock()
			return
		}
		p.cancel(errStalled)
	}
	p.mu.Lock()
	p.stall = time.AfterFunc(max(firstDeadline, 0), check)
	p.mu.Unlock()

	dec := stream.NewDecoder(body)
	defer dec.Close()
	var first, firstAnswer, last time.Time
	var firstStamp int64
	var gaps, maxGap time.Duration
	for {
		ev, err := dec.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				o.Err = err
			}
			break
		}
		st, err := d.Add(ev)
		if err != nil {
			o.Err, o.Malformed = err, true
			break
		}
		if st.Done {
			break
		}
		if !st.Token {
			continue
		}
		if lastToken.Load() == 0 { // the first token: from now on the deadline is the stall window
			lastToken.Store(max(int64(ev.At.Sub(p.start)), 1))
			p.mu.Lock()
			p.stall.Reset(to.Stall)
			p.mu.Unlock()
		} else {
			lastToken.Store(int64(ev.At.Sub(p.start)))
		}
		if first.IsZero() {
			first, firstStamp = ev.At, ev.Stamp
		} else {
			g := ev.At.Sub(last)
			gaps += g
			maxGap = max(maxGap, g)
		}
		if firstAnswer.IsZero() && st.Answer {
			firstAnswer = ev.At
		}
		last = ev.At
	}
	s := d.Facts()
	o.Stream = &classify.StreamFacts{Terminal: s.Terminal, ErrorEvent: s.ErrorEvent}
	p.summarize(ChatStream, s, o, r)
	tokens := s.Tokens
	r.BytesIn = dec.BytesRead()
	r.Timings.TTFT = ms(p.start, first)
	if firstStamp > 0 && !first.IsZero() { // a stamping simulator: what the first token really took
		r.TrueTTFT = float64(firstStamp-p.start.UnixNano()) / float64(time.Millisecond)
	}
	r.Timings.TTFA = ms(p.start, firstAnswer)
	if tokens > 1 {
		r.Timings.ITL = float64(gaps) / float64(tokens-1) / float64(time.Millisecond)
		r.Timings.ITLMax = float64(maxGap) / float64(time.Millisecond)
	}
	if r.Usage.Output == 0 && tokens > 0 {
		r.Usage.Output, r.TokensEstimated = tokens, true // no usage report: one event ≈ one token
	}
}
