package stream

import (
	"bytes"
	"fmt"
)

// ChatStream accumulates what a probe needs from a chat-completions event stream: the terminal
// marker, an error record, answer and reasoning bytes, finish reason, usage and model. Both the
// live probe (which adds timing) and offline classification of a captured body feed it.
type ChatStream struct {
	Terminal     bool   // [DONE] arrived
	ErrorEvent   []byte // payload of an error record or "event: error"
	Content      int    // answer bytes
	Tokens       int    // events that carried answer or reasoning text
	FinishReason string
	Model        string
	Usage        *Usage
}

// Step is what one event meant.
type Step struct {
	Token  bool // the event carried answer or reasoning text
	Answer bool // …and answer text specifically
	Done   bool // nothing more to read: terminal marker or error
}

// Add folds one event in. A record that is not valid JSON is an error; the caller decides what
// a malformed stream means.
func (s *ChatStream) Add(ev Event) (Step, error) {
	if bytes.Equal(ev.Data, Done) {
		s.Terminal = true
		return Step{Done: true}, nil
	}
	if ev.Type == "error" {
		s.ErrorEvent = bytes.Clone(ev.Data)
		return Step{Done: true}, nil
	}
	c, err := ParseChatChunk(ev.Data, false)
	if err != nil {
		return Step{Done: true}, fmt.Errorf("malformed stream record: %w", err)
	}
	if c.Error != nil {
		s.ErrorEvent = bytes.Clone(ev.Data)
		return Step{Done: true}, nil
	}
	if c.Model != "" {
		s.Model = c.Model
	}
	if c.FinishReason != "" {
		s.FinishReason = c.FinishReason
	}
	if c.Usage != nil {
		u := *c.Usage
		s.Usage = &u
	}
	if c.Content == 0 && c.Reasoning == 0 {
		return Step{}, nil // role-only, empty and finish chunks are not tokens
	}
	s.Tokens++
	s.Content += c.Content
	return Step{Token: true, Answer: c.Content > 0}, nil
}
