package capture

import (
	"cmp"
	"encoding/json"
	"strings"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/stream"
)

// cohereStream reads Cohere's native v2 chat stream (the probe speaks the OpenAI-compatible
// dialect; captures from Cohere's own clients speak this one): kebab-case event types,
// content-delta carrying delta.message.content.text, tool-call-start carrying a tool call (an
// answer, even with no text), and message-end as the terminal event with delta.finish_reason
// (COMPLETE, STOP_SEQUENCE, MAX_TOKENS, TOOL_CALL, ERROR, TIMEOUT) and, on failure, delta.error.
type cohereStream struct{ stream.Summary }

// cohereType reports an event type of Cohere's v2 stream.
func cohereType(t string) bool {
	switch {
	case strings.HasPrefix(t, "message-"), strings.HasPrefix(t, "content-"), strings.HasPrefix(t, "tool-call-"),
		strings.HasPrefix(t, "citation-"), t == "tool-plan-delta":
		return true
	}
	return false
}

type wireCohereEvent struct {
	Type  string `json:"type"`
	Delta *struct {
		Message *struct {
			// an object in content-delta; message-start opens the message with an array
			Content   json.RawMessage `json:"content"`
			ToolCalls json.RawMessage `json:"tool_calls"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
		Error        string `json:"error"`
	} `json:"delta"`
}

// Add folds one event in.
func (c *cohereStream) Add(ev stream.Event) (stream.Step, error) {
	var w wireCohereEvent
	if err := json.Unmarshal(ev.Data, &w); err != nil {
		return stream.Step{Done: true}, err
	}
	step := stream.Step{}
	if w.Delta == nil {
		return step, nil
	}
	if m := w.Delta.Message; m != nil {
		var part struct {
			Text     string `json:"text"`
			Thinking string `json:"thinking"`
		}
		if len(m.Content) > 0 && m.Content[0] == '{' {
			if err := json.Unmarshal(m.Content, &part); err != nil {
				return stream.Step{Done: true}, err
			}
		}
		if part.Text != "" {
			c.Content += len(part.Text)
			step.Token, step.Answer = true, true
		}
		if part.Thinking != "" {
			c.Reasoning++
			step.Token = true
		}
		if w.Type == "tool-call-start" && present(m.ToolCalls) {
			c.Content++ // a tool call is an answer
			step.Token, step.Answer = true, true
		}
	}
	if step.Token {
		c.Tokens++
	}
	if w.Type != "message-end" {
		return step, nil
	}
	c.Terminal, step.Done = true, true
	if w.Delta.Error != "" || w.Delta.FinishReason == "ERROR" {
		// the error record in the shape the classifier reads ({"error":{"message":…}})
		c.ErrorEvent, _ = json.Marshal(map[string]any{"error": map[string]string{
			"message": cmp.Or(w.Delta.Error, "generation failed"), "type": w.Delta.FinishReason}})
		return step, nil
	}
	c.FinishReason = cohereFinish(w.Delta.FinishReason)
	return step, nil
}

// cohereFinish maps Cohere's finish reasons to OpenAI's words.
func cohereFinish(r string) string {
	switch r {
	case "COMPLETE", "STOP_SEQUENCE":
		return "stop"
	case "MAX_TOKENS":
		return "length"
	case "TOOL_CALL":
		return "tool_calls"
	}
	return strings.ToLower(r)
}
