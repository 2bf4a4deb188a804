package stream

import (
	"bytes"
	"fmt"
)

// Done is the data of the chat-completions terminal record.
var Done = []byte("[DONE]")

// Refused is the finish reason of an answer the model declined to give — a refusal in place of
// the answer (OpenAI's structured outputs, Responses' refusal parts, Anthropic's stop_reason
// "refusal"), whatever finish reason the server sent with it: the safety side of the model said
// no, as a content filter does.
const Refused = "content_filter"

// Usage is the token accounting a server reports.
type Usage struct {
	Input  int `json:"prompt_tokens"`
	Output int `json:"completion_tokens"`
	// Reasoning is the part of Output the model spent reasoning (completion_tokens_details,
	// output_tokens_details): a reasoning model that spends the whole budget so writes no answer.
	Reasoning int `json:"-"`
}

// ChatChunk is what a probe needs from one chat.completion.chunk (or one full chat.completion).
// Unknown fields (obfuscation, service_tier, logprobs …) are ignored.
type ChatChunk struct {
	Model        string
	Content      int    // bytes of answer text in this chunk
	Reasoning    int    // bytes of reasoning text in this chunk
	Refusal      int    // bytes of refusal text in this chunk (the model declined: FinishReason is then content_filter)
	Text         string // answer text, kept only when asked for (canary checks)
	FinishReason string
	Usage        *Usage
	Error        []byte // raw "error" value when the record is an error envelope
}

// ParseChatChunk decodes one chat-completions record: a streamed chunk or a whole response.
// keepText copies the answer text (needed only for answer checks).
func ParseChatChunk(data []byte, keepText bool) (ChatChunk, error) {
	var v chunkView
	if err := parseChunk(data, keepText, &v); err != nil {
		return ChatChunk{}, fmt.Errorf("chat chunk: %w", err)
	}
	c := ChatChunk{Content: v.content, Reasoning: v.reasoning, Refusal: v.refusal, Text: string(v.text), Usage: v.usage}
	if v.model.present() {
		c.Model = v.model.text()
	}
	if v.finishReason.present() {
		c.FinishReason = v.finishReason.text()
	}
	if v.refusal > 0 {
		c.FinishReason = Refused
	}
	if v.errRaw != nil {
		c.Error = bytes.Clone(v.errRaw)
	}
	return c, nil
}
