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
		Content          *string `json:"content"`
		ReasoningContent *string `json:"reasoning_content"`
		Reasoning        *string `json:"reasoning"`
		Refusal          *string `json:"refusal"`
	} `json:"delta"`
	Message struct {
		Content          *string `json:"content"`
		ReasoningContent *string `json:"reasoning_content"`
		Refusal          *string `json:"refusal"`
	} `json:"message"`
	FinishReason *string `json:"finish_reason"`
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
		for _, s := range []*string{ch.Delta.Content, ch.Message.Content} {
			if s != nil {
				c.Content += len(*s)
				if keepText {
					c.Text += *s
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
