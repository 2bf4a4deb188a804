package stream

import (
	"bytes"
	"fmt"
	"strings"
)

// MaxText bounds the answer text a dialect keeps for answer checks: a canary's answer is a few
// bytes, and a runaway stream must not grow memory.
const MaxText = 4 << 10

// Summary is what a probe needs from a response, whatever the dialect: the terminal marker, an
// error record, answer bytes and tokens, finish reason, usage and model.
type Summary struct {
	Terminal     bool   // the dialect's end arrived ([DONE] or a finish_reason, response.completed, message_stop)
	ErrorEvent   []byte // an error record, as an {"error":{…}} envelope the classifier reads
	Content      int    // answer bytes
	Tokens       int    // events that carried answer or reasoning text
	Reasoning    int    // events that carried reasoning text (thinking before the answer)
	Text         string // answer text, only when KeepText (bounded by MaxText)
	FinishReason string // normalised to OpenAI's words: stop, length, content_filter, tool_calls
	Model        string
	Usage        *Usage
	KeepText     bool // set before the first Add to keep answer text
}

// Step is what one event meant.
type Step struct {
	Token  bool // the event carried answer or reasoning text
	Answer bool // …and answer text specifically
	Done   bool // nothing more to read: terminal marker or error
}

// Dialect folds one provider's stream events into a Summary. A record that is not valid JSON is
// an error; the caller decides what a malformed stream means.
type Dialect interface {
	Add(ev Event) (Step, error)
	Facts() *Summary
}

// text records answer bytes and, when asked, the text itself.
func (s *Summary) text(t string) {
	s.Content += len(t)
	if s.KeepText && len(s.Text) < MaxText {
		s.Text += t[:min(len(t), MaxText-len(s.Text))]
	}
}

// Thought is what the model spent reasoning: the reasoning tokens its usage reports, else the
// reasoning events (or blocks, or items) it sent. Output tokens alone do not say it: a prompt
// that filled the context window also leaves an empty answer at finish_reason length.
func (s *Summary) Thought() int {
	if u := s.Usage; u != nil && u.Reasoning > 0 {
		return u.Reasoning
	}
	return s.Reasoning
}

// WholeChat is the summary of a whole (non-streamed) chat completion.
func WholeChat(c ChatChunk) Summary {
	s := Summary{Terminal: true, Content: c.Content, Text: c.Text, FinishReason: c.FinishReason, Model: c.Model, Usage: c.Usage}
	if c.Reasoning > 0 {
		s.Reasoning = 1
	}
	if len(s.Text) > MaxText {
		s.Text = s.Text[:MaxText]
	}
	return s
}

// Facts returns the summary.
func (s *Summary) Facts() *Summary { return s }

// ChatStream accumulates an OpenAI chat-completions stream (also Azure's, Gemini's compatible
// endpoint and every OpenAI-compatible server). Both the live probe (which adds timing) and
// offline classification of a captured body feed it.
type ChatStream struct {
	Summary
	view    chunkView // reused: no allocation per record
	refused bool      // a refusal was streamed: the finish chunk's "stop" does not undo it
}

// Add folds one event in.
func (s *ChatStream) Add(ev Event) (Step, error) {
	if bytes.Equal(ev.Data, Done) {
		s.Terminal = true
		return Step{Done: true}, nil
	}
	if ev.Type == "error" {
		s.ErrorEvent = bytes.Clone(ev.Data)
		return Step{Done: true}, nil
	}
	v := &s.view
	if err := parseChunk(ev.Data, s.KeepText, v); err != nil {
		return Step{Done: true}, fmt.Errorf("malformed stream record: chat chunk: %w", err)
	}
	if v.errRaw != nil || v.errDoc {
		s.ErrorEvent = bytes.Clone(ev.Data)
		return Step{Done: true}, nil
	}
	if v.model.present() && len(v.model.raw) > 0 && !v.model.equals(s.Model) {
		s.Model = v.model.text() // once per stream: the model does not change between chunks
	}
	if v.finishReason.present() && !v.finishReason.equals(s.FinishReason) {
		s.FinishReason = v.finishReason.text()
	}
	if v.finishReason.present() && len(v.finishReason.raw) > 0 {
		// The answer is whole once a finish_reason arrives: what follows (usage, [DONE]) is
		// bookkeeping, and some servers never send [DONE] (Perplexity; testdata/realworld/heldout5).
		s.Terminal = true
	}
	if s.refused = s.refused || v.refusal > 0; s.refused {
		s.FinishReason = Refused
	}
	if v.usage != nil {
		u := *v.usage
		s.Usage = &u
	}
	if v.content == 0 && v.reasoning == 0 && v.refusal == 0 {
		return Step{}, nil // role-only, empty and finish chunks are not tokens
	}
	s.Tokens++
	if v.reasoning > 0 {
		s.Reasoning++
	}
	s.Content += v.content
	if s.KeepText && len(s.Text) < MaxText {
		s.Text += string(v.text[:min(len(v.text), MaxText-len(s.Text))])
	}
	return Step{Token: true, Answer: v.content > 0}, nil
}

// inlineTags are the tags servers put a model's chain of thought in when they pass it inside the
// answer text (DeepSeek R1 behind some hosts, gpt-oss on Bedrock's OpenAI-compatible endpoint).
var inlineTags = [...][2]string{{"<think>", "</think>"}, {"<thinking>", "</thinking>"}, {"<reasoning>", "</reasoning>"}}

// Settle re-files, once an answer is whole, what its text shows it is not: an answer of only
// whitespace is no answer, and an answer cut at the token budget whose whole text is reasoning in
// inline tags (opened and never closed, or closed with nothing after it) is reasoning: the model
// spent the budget thinking. It needs the whole text (KeepText, under MaxText); otherwise it
// changes nothing.
func (s *Summary) Settle() {
	if s.Content == 0 || len(s.Text) != s.Content {
		return
	}
	t := strings.TrimSpace(s.Text)
	if t == "" {
		s.Content = 0
		return
	}
	if s.FinishReason != "length" {
		return
	}
	for _, tag := range inlineTags {
		rest, ok := strings.CutPrefix(t, tag[0])
		if !ok {
			continue
		}
		if _, after, closed := strings.Cut(rest, tag[1]); !closed || strings.TrimSpace(after) == "" {
			s.Reasoning++
			s.Content = 0
		}
		return
	}
}
