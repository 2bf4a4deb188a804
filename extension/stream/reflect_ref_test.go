package stream

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// The encoding/json implementation ParseChatChunk replaced, kept as the reference of the
// differential fuzz test. Usage decodes through Usage.UnmarshalJSON (bounded counts, the
// reasoning tokens of completion_tokens_details), which the scanner's readUsage follows.

type wireChoice struct {
	Delta struct {
		Content          wireContent `json:"content"`
		ReasoningContent *string     `json:"reasoning_content"`
		Reasoning        *string     `json:"reasoning"`
		Refusal          *string     `json:"refusal"`
	} `json:"delta"`
	Message struct {
		Content          wireContent `json:"content"`
		ReasoningContent *string     `json:"reasoning_content"`
		Refusal          *string     `json:"refusal"`
	} `json:"message"`
	FinishReason *string         `json:"finish_reason"`
	Text         json.RawMessage `json:"text"` // legacy completions; only a string counts
}

// wireContent is a string, null, or a list of parts.
type wireContent struct {
	s     *string
	parts []wirePart
}

type wirePart struct {
	Type     string          `json:"type"`
	Text     *string         `json:"text"`
	Thinking json.RawMessage `json:"thinking"`
}

func (c *wireContent) UnmarshalJSON(b []byte) error {
	*c = wireContent{}
	if len(b) > 0 && b[0] == '[' {
		var raw []json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			return err
		}
		c.parts = []wirePart{}
		for _, r := range raw {
			if len(r) == 0 || r[0] != '{' {
				continue // not a part
			}
			var p wirePart
			if err := json.Unmarshal(r, &p); err != nil {
				return err
			}
			c.parts = append(c.parts, p)
		}
		return nil
	}
	return json.Unmarshal(b, &c.s)
}

type wireChunk struct {
	ID      string          `json:"id"`
	Model   string          `json:"model"`
	Choices []wireChoice    `json:"choices"`
	Usage   *Usage          `json:"usage"`
	Error   json.RawMessage `json:"error"`
}

// ParseChatChunk decodes one chat-completions record: a streamed chunk or a whole response.
// keepText copies the answer text (needed only for answer checks).
func parseChatChunkReflect(data []byte, keepText bool) (ChatChunk, error) {
	var w wireChunk
	if err := Unmarshal(data, &w); err != nil { // encoding/json, and past its depth limit pruned
		return ChatChunk{}, fmt.Errorf("chat chunk: %w", err)
	}
	c := ChatChunk{Model: w.Model, Usage: w.Usage}
	if len(w.Error) > 0 && !bytes.Equal(w.Error, []byte("null")) {
		c.Error = w.Error
	}
	for i := range w.Choices {
		ch := &w.Choices[i]
		var text *string
		if len(ch.Text) > 0 && ch.Text[0] == '"' && ch.Delta.Content.s == nil && ch.Delta.Content.parts == nil &&
			ch.Message.Content.s == nil && ch.Message.Content.parts == nil {
			if err := json.Unmarshal(ch.Text, &text); err != nil {
				return ChatChunk{}, fmt.Errorf("chat chunk: %w", err)
			}
		}
		for _, s := range []*string{ch.Delta.Content.s, ch.Message.Content.s, text} {
			if s != nil {
				c.Content += len(*s)
				if keepText {
					c.Text += *s
				}
			}
		}
		for _, parts := range [][]wirePart{ch.Delta.Content.parts, ch.Message.Content.parts} {
			for _, p := range parts {
				switch {
				case len(p.Thinking) > 0 || p.Type == "thinking":
					c.Reasoning += max(len(p.Thinking), 1)
				case p.Text != nil:
					c.Content += len(*p.Text)
					if keepText {
						c.Text += *p.Text
					}
				default:
					c.Content++
				}
			}
		}
		for _, s := range []*string{ch.Delta.ReasoningContent, ch.Delta.Reasoning, ch.Message.ReasoningContent} {
			if s != nil {
				c.Reasoning += len(*s)
			}
		}
		for _, s := range []*string{ch.Delta.Refusal, ch.Message.Refusal} {
			if s != nil {
				c.Refusal += len(*s)
			}
		}
		if ch.FinishReason != nil && *ch.FinishReason != "" {
			c.FinishReason = *ch.FinishReason
		}
	}
	if c.Refusal > 0 {
		c.FinishReason = Refused
	}
	return c, nil
}
