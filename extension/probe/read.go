package probe

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/stream"
)

// read consumes the response body into the outcome and result.
func (p *run) read(resp *http.Response, c Component, o *classify.Outcome, r *Result) {
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 && c == ChatStream && ct == "text/event-stream" {
		p.readStream(resp.Body, o, r)
		return
	}
	limit := int64(SuccessBodyCap)
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		limit = ErrorBodyCap
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	r.BytesIn = int64(len(body))
	o.Body = body
	if err != nil {
		o.Err = err
		return
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return
	}
	switch c {
	case Models:
		if !bytes.Contains(body, []byte(`"data"`)) {
			o.Err, o.Malformed = errors.New("expected a JSON model list, got something else"), true
		}
	case Chat, ChatStream: // a streaming request answered with plain JSON is judged as JSON
		chunk, err := stream.ParseChatChunk(body, false)
		if err != nil {
			o.Err, o.Malformed = fmt.Errorf("malformed completion: %w", err), true
			return
		}
		o.Content, o.FinishReason = chunk.Content, chunk.FinishReason
		r.FinishReason, r.ResponseModel = chunk.FinishReason, chunk.Model
		if chunk.Usage != nil {
			r.Usage = Usage{Input: chunk.Usage.Input, Output: chunk.Usage.Output}
		}
	}
}

// readStream decodes a chat-completions SSE stream. Tokens are timed by the arrival of their
// bytes; a first-token deadline and then a stall deadline between tokens run as a watchdog.
func (p *run) readStream(body io.Reader, o *classify.Outcome, r *Result) {
	to := p.target.Timeouts
	firstDeadline := to.FirstToken - time.Since(p.start)
	p.mu.Lock()
	p.stall = time.AfterFunc(max(firstDeadline, 0), func() { p.cancel(errStalled) })
	p.mu.Unlock()

	dec := stream.NewDecoder(body)
	var acc stream.ChatStream
	var first, firstAnswer, last time.Time
	var gaps, maxGap time.Duration
	for {
		ev, err := dec.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				o.Err = err
			}
			break
		}
		st, err := acc.Add(ev)
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
		p.stall.Reset(to.Stall)
		if first.IsZero() {
			first = ev.At
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
	o.Stream = &classify.StreamFacts{Terminal: acc.Terminal, ErrorEvent: acc.ErrorEvent}
	o.Content, o.FinishReason = acc.Content, acc.FinishReason
	r.FinishReason, r.ResponseModel = acc.FinishReason, acc.Model
	if acc.Usage != nil {
		r.Usage = Usage{Input: acc.Usage.Input, Output: acc.Usage.Output}
	}
	tokens := acc.Tokens
	r.BytesIn = dec.BytesRead()
	r.Timings.TTFT = ms(p.start, first)
	r.Timings.TTFA = ms(p.start, firstAnswer)
	if tokens > 1 {
		r.Timings.ITL = float64(gaps) / float64(tokens-1) / float64(time.Millisecond)
		r.Timings.ITLMax = float64(maxGap) / float64(time.Millisecond)
	}
	if r.Usage.Output == 0 && tokens > 0 {
		r.Usage.Output, r.TokensEstimated = tokens, true // no usage chunk: one chunk ≈ one token
	}
}
