package stream

import (
	"bytes"
	"fmt"
)

// MessagesStream accumulates an Anthropic Messages API stream: message_start,
// content_block_delta (text_delta, thinking_delta, …), message_delta with the stop reason and
// output usage, message_stop, with ping and error events (docs/signals.md §2.4).
type MessagesStream struct{ Summary }

type wireMessage struct {
	Type       string   `json:"type"`
	Model      string   `json:"model"`
	StopReason string   `json:"stop_reason"`
	Usage      *ioUsage `json:"usage"`
	Content    []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"content"`
}

type wireMessagesEvent struct {
	Type    string       `json:"type"`
	Message *wireMessage `json:"message"`
	Delta   struct {
		Type       string `json:"type"`
		Text       string `json:"text"`
		Thinking   string `json:"thinking"`
		StopReason string `json:"stop_reason"`
	} `json:"delta"`
	Usage *ioUsage `json:"usage"`
}

// Add folds one event in.
func (s *MessagesStream) Add(ev Event) (Step, error) {
	if bytes.Equal(ev.Data, Done) {
		// OpenAI-compatible servers (LM Studio) end every stream with [DONE], this dialect's too:
		// the end, terminal only if the dialect's own last event came before it
		return Step{Done: true}, nil
	}
	var w wireMessagesEvent
	if err := Unmarshal(ev.Data, &w); err != nil {
		return Step{Done: true}, fmt.Errorf("malformed Messages event: %w", err)
	}
	typ := w.Type
	if typ == "" {
		typ = ev.Type
	}
	switch typ {
	case "message_start":
		if m := w.Message; m != nil {
			s.Model = m.Model
			if m.Usage != nil {
				s.Usage = m.Usage.usage()
			}
		}
	case "content_block_delta":
		switch {
		case w.Delta.Type == "text_delta" && w.Delta.Text != "":
			s.Tokens++
			s.text(w.Delta.Text)
			return Step{Token: true, Answer: true}, nil
		case w.Delta.Type == "input_json_delta": // a tool call's input: the answer is a tool call
			s.Tokens++
			s.Content++
			return Step{Token: true, Answer: true}, nil
		case w.Delta.Type == "thinking_delta" && w.Delta.Thinking != "":
			s.Tokens++
			s.Reasoning++
			return Step{Token: true}, nil
		}
	case "message_delta":
		if w.Delta.StopReason != "" {
			s.FinishReason = stopReason(w.Delta.StopReason)
		}
		if w.Usage != nil {
			if s.Usage == nil {
				s.Usage = &Usage{}
			}
			s.Usage.Output = int(w.Usage.Output)
		}
	case "message_stop":
		s.Terminal = true
		return Step{Done: true}, nil
	case "error":
		s.ErrorEvent = bytes.Clone(ev.Data) // {"type":"error","error":{…}}: already an envelope
		return Step{Done: true}, nil
	}
	return Step{}, nil
}

// stopReason maps Anthropic's stop reasons to OpenAI's finish reasons.
func stopReason(r string) string {
	switch r {
	case "end_turn", "stop_sequence", "pause_turn":
		return "stop"
	case "max_tokens", "model_context_window_exceeded":
		return "length"
	case "refusal":
		return "content_filter"
	case "tool_use":
		return "tool_calls"
	}
	return r
}

// ParseMessage reads a whole (non-streamed) Anthropic message.
func ParseMessage(body []byte, keepText bool) (Summary, error) {
	var m wireMessage
	if err := Unmarshal(body, &m); err != nil {
		return Summary{}, fmt.Errorf("message: %w", err)
	}
	if m.Type != "message" && (m.Type != "" || m.StopReason == "") { // a relay may drop the type, never the stop reason
		return Summary{}, fmt.Errorf("message: type is %q, not \"message\"", m.Type)
	}
	s := Summary{KeepText: keepText, Terminal: true, Model: m.Model, FinishReason: stopReason(m.StopReason)}
	if m.Usage != nil {
		s.Usage = m.Usage.usage()
	}
	for _, c := range m.Content {
		switch c.Type {
		case "text":
			s.text(c.Text)
		case "tool_use", "server_tool_use":
			s.Content++ // a tool call is an answer
		case "thinking", "redacted_thinking":
			s.Reasoning++
		}
	}
	return s, nil
}
