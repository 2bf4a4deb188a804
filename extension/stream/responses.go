package stream

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// ResponsesStream accumulates an OpenAI Responses API stream: named events whose data carries
// the same "type" (docs/signals.md §2.3). Terminal events are response.completed and
// response.incomplete; response.failed and error are error records.
type ResponsesStream struct {
	Summary
	refused bool // a refusal was streamed: the completed response's "stop" does not undo it
}

type wireResponse struct {
	Object            string          `json:"object"`
	Status            string          `json:"status"`
	Model             string          `json:"model"`
	Usage             *ioUsage        `json:"usage"`
	Error             json.RawMessage `json:"error"`
	IncompleteDetails *struct {
		Reason string `json:"reason"`
	} `json:"incomplete_details"`
	Output []struct {
		Type    string `json:"type"`
		Content []struct {
			Type    string `json:"type"`
			Text    string `json:"text"`
			Refusal string `json:"refusal"`
		} `json:"content"`
	} `json:"output"`
}

type wireResponsesEvent struct {
	Type     string          `json:"type"`
	Delta    json.RawMessage `json:"delta"`
	Response *wireResponse   `json:"response"`
	Code     json.RawMessage `json:"code"`
	Message  json.RawMessage `json:"message"`
}

// Add folds one event in.
func (s *ResponsesStream) Add(ev Event) (Step, error) {
	if bytes.Equal(ev.Data, Done) {
		// OpenAI-compatible servers (LM Studio) end every stream with [DONE], this dialect's too:
		// the end, terminal only if the dialect's own last event came before it
		return Step{Done: true}, nil
	}
	var w wireResponsesEvent
	if err := Unmarshal(ev.Data, &w); err != nil {
		return Step{Done: true}, fmt.Errorf("malformed Responses event: %w", err)
	}
	typ := w.Type
	if typ == "" {
		typ = ev.Type
	}
	switch typ {
	case "response.output_text.delta", "response.refusal.delta",
		"response.reasoning_text.delta", "response.reasoning_summary_text.delta":
		var d string
		if json.Unmarshal(w.Delta, &d) != nil || d == "" {
			return Step{}, nil
		}
		s.Tokens++
		answer := typ == "response.output_text.delta"
		if answer {
			s.text(d)
		} else {
			s.Reasoning++
		}
		s.refused = s.refused || typ == "response.refusal.delta"
		return Step{Token: true, Answer: answer}, nil
	case "response.function_call_arguments.delta", "response.custom_tool_call_input.delta":
		s.Tokens++
		s.Content++ // a tool call is an answer
		return Step{Token: true, Answer: true}, nil
	case "response.completed", "response.incomplete":
		s.Terminal = true
		s.response(w.Response)
		if s.refused {
			s.FinishReason = Refused
		}
		return Step{Done: true}, nil
	case "response.failed":
		var e json.RawMessage
		if w.Response != nil {
			e = w.Response.Error
		}
		s.ErrorEvent = errorEnvelope(e, nil, nil)
		return Step{Done: true}, nil
	case "error":
		s.ErrorEvent = errorEnvelope(nil, w.Code, w.Message)
		return Step{Done: true}, nil
	case "response.created", "response.in_progress", "response.queued":
		s.response(w.Response)
	}
	return Step{}, nil
}

// response takes model, usage and the finish reason from a response object.
func (s *Summary) response(r *wireResponse) {
	if r == nil {
		return
	}
	if r.Model != "" {
		s.Model = r.Model
	}
	if r.Usage != nil {
		s.Usage = r.Usage.usage()
	}
	switch r.Status {
	case "completed":
		s.FinishReason = "stop"
	case "incomplete":
		s.FinishReason = "length"
		if r.IncompleteDetails != nil && r.IncompleteDetails.Reason == "content_filter" {
			s.FinishReason = "content_filter"
		}
	}
}

// errorEnvelope builds {"error":{…}} from an error object, or from code and message fields, so
// the classifier reads every dialect's error records the same way.
func errorEnvelope(obj, code, message json.RawMessage) []byte {
	if len(bytes.TrimSpace(obj)) > 0 && obj[0] == '{' {
		return append(append([]byte(`{"error":`), obj...), '}')
	}
	m := map[string]json.RawMessage{"type": json.RawMessage(`"server_error"`)}
	if len(code) > 0 && json.Valid(code) {
		m["code"] = code
	}
	if len(message) > 0 && json.Valid(message) {
		m["message"] = message
	}
	b, _ := json.Marshal(map[string]any{"error": m})
	return b
}

// ParseResponse reads a whole (non-streamed) Responses API object. A failed response carries
// its error in ErrorEvent; Terminal is set for completed and incomplete ones.
func ParseResponse(body []byte, keepText bool) (Summary, error) {
	var r wireResponse
	if err := Unmarshal(body, &r); err != nil {
		return Summary{}, fmt.Errorf("response object: %w", err)
	}
	if r.Object != "response" {
		return Summary{}, fmt.Errorf("response object: object is %q, not \"response\"", r.Object)
	}
	s := Summary{KeepText: keepText}
	s.response(&r)
	switch r.Status {
	case "completed", "incomplete":
		s.Terminal = true
	case "failed", "cancelled":
		s.ErrorEvent = errorEnvelope(r.Error, nil, nil)
	}
	for _, o := range r.Output {
		switch o.Type {
		case "reasoning":
			s.Reasoning++
		case "function_call", "custom_tool_call", "computer_call", "local_shell_call", "mcp_call", "image_generation_call":
			s.Content++ // a tool call is an answer
		}
		for _, c := range o.Content {
			switch {
			case c.Type == "output_text":
				s.text(c.Text)
			case c.Type == "refusal" && c.Refusal != "":
				s.FinishReason = Refused
			}
		}
	}
	return s, nil
}
