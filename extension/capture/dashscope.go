package capture

import (
	"encoding/json"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/stream"
)

// dashscopeStream reads Alibaba DashScope's native text-generation stream (the probe speaks its
// OpenAI-compatible mode; captures from DashScope's own SDKs speak this one): each event's
// answer sits under "output" — output.choices[].message (content, reasoning_content,
// tool_calls) or, in the older shape, output.text — and finish_reason is the string "null"
// until the last event says "stop", "length" or "tool_calls". Events may come with no blank
// line between them (testdata/realworld/heldout6).
type dashscopeStream struct{ stream.Summary }

type wireDashScope struct {
	Output *dashscopeOut `json:"output"`
}

type dashscopeOut struct {
	Text         string `json:"text"`
	FinishReason string `json:"finish_reason"`
	Choices      []struct {
		Message struct {
			Content          json.RawMessage `json:"content"` // a string, or a list of {"text"} parts
			ReasoningContent string          `json:"reasoning_content"`
			ToolCalls        json.RawMessage `json:"tool_calls"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
}

// dashscopeOutput: a top-level "output" object that holds DashScope's choices or text.
func dashscopeOutput(out json.RawMessage) bool {
	var o dashscopeOut
	if json.Unmarshal(out, &o) != nil {
		return false
	}
	return len(o.Choices) > 0 || o.Text != "" || o.FinishReason != ""
}

// Add folds one event in.
func (d *dashscopeStream) Add(ev stream.Event) (stream.Step, error) {
	var w wireDashScope
	if err := json.Unmarshal(ev.Data, &w); err != nil {
		return stream.Step{Done: true}, err
	}
	step := stream.Step{}
	if w.Output == nil {
		return step, nil // an error record is found by its words (errorRecord)
	}
	finish := w.Output.FinishReason
	if w.Output.Text != "" {
		d.Content += len(w.Output.Text)
		step.Token, step.Answer = true, true
	}
	for i, c := range w.Output.Choices {
		m := c.Message
		if n := contentLen(m.Content); n > 0 {
			d.Content += n
			step.Token, step.Answer = true, true
		}
		if m.ReasoningContent != "" {
			d.Reasoning++
			step.Token = true
		}
		if called(m.ToolCalls) {
			d.Content++ // a tool call is an answer
			step.Token, step.Answer = true, true
		}
		if i == 0 && finish == "" {
			finish = c.FinishReason
		}
	}
	if step.Token {
		d.Tokens++
	}
	if finish != "" && finish != "null" {
		d.FinishReason, d.Terminal, step.Done = finish, true, true
	}
	return step, nil
}

// contentLen is the answer bytes of a content value: a string, or a list of {"text"} parts.
func contentLen(v json.RawMessage) int {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return len(s)
	}
	var parts []struct {
		Text string `json:"text"`
	}
	n := 0
	if json.Unmarshal(v, &parts) == nil {
		for _, p := range parts {
			n += len(p.Text)
		}
	}
	return n
}
