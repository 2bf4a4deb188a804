package stream

import "testing"

func TestChatStreamSteps(t *testing.T) {
	var s ChatStream
	steps := []struct {
		ev   Event
		want Step
	}{
		{Event{Data: []byte(`{"model":"m1","choices":[{"delta":{"role":"assistant","content":""}}]}`)}, Step{}},
		{Event{Data: []byte(`{"choices":[{"delta":{"reasoning_content":"think"}}]}`)}, Step{Token: true}},
		{Event{Data: []byte(`{"choices":[{"delta":{"content":"pong"}}]}`)}, Step{Token: true, Answer: true}},
		{Event{Data: []byte(`{"choices":[{"delta":{},"finish_reason":"stop"}]}`)}, Step{}},
		{Event{Data: []byte(`{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}`)}, Step{}},
		{Event{Data: []byte(`[DONE]`)}, Step{Done: true}},
	}
	for i, st := range steps {
		got, err := s.Add(st.ev)
		if err != nil || got != st.want {
			t.Fatalf("step %d: %+v, %v; want %+v", i, got, err, st.want)
		}
	}
	if !s.Terminal || s.Content != 4 || s.Tokens != 2 || s.FinishReason != "stop" || s.Model != "m1" || s.Usage == nil || s.Usage.Output != 2 {
		t.Fatalf("accumulated %+v", s)
	}
	var e ChatStream
	if st, _ := e.Add(Event{Type: "error", Data: []byte(`{"type":"error"}`)}); !st.Done || e.ErrorEvent == nil {
		t.Fatalf("error event not recorded: %+v", e)
	}
	var m ChatStream
	if _, err := m.Add(Event{Data: []byte(`{oops`)}); err == nil {
		t.Fatal("malformed record accepted")
	}
}

// TestChatStreamEnds: a chat stream is whole at [DONE] or at a finish_reason (some servers never
// send [DONE]); a stream cut before either is not.
func TestChatStreamEnds(t *testing.T) {
	tok := `{"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}`
	tests := []struct {
		name   string
		events []string
		want   bool
	}{
		{"tokens only", []string{tok, tok}, false},
		{"empty finish_reason", []string{tok, `{"choices":[{"index":0,"delta":{},"finish_reason":""}]}`}, false},
		{"finish_reason, no [DONE]", []string{tok, `{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`}, true},
		{"[DONE]", []string{tok, "[DONE]"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s ChatStream
			for _, e := range tt.events {
				if _, err := s.Add(Event{Data: []byte(e)}); err != nil {
					t.Fatal(err)
				}
			}
			if s.Terminal != tt.want {
				t.Errorf("Terminal = %v, want %v", s.Terminal, tt.want)
			}
		})
	}
}

func TestSettle(t *testing.T) {
	tests := []struct {
		name, text, finish string
		content            int // after; -1: unchanged
		reasoning          int
	}{
		{"closed, nothing after, cut", "<reasoning>List the states.</reasoning>", "length", 0, 1},
		{"unclosed think, cut", "\n<think>Okay, the user wants", "length", 0, 1},
		{"closed, then an answer", "<think>hmm</think>\nAlabama, Alaska", "length", -1, 0},
		{"finished normally", "<think>hmm</think>", "stop", -1, 0},
		{"plain answer, cut", "Alabama, Alaska, Ari", "length", -1, 0},
		{"text not kept", "", "length", -1, 0},
		{"only whitespace", "\n\n", "stop", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Summary{Text: tt.text, Content: len(tt.text), FinishReason: tt.finish}
			if tt.text == "" {
				s.Content = 12 // answered, text not kept
			}
			before := s.Content
			s.Settle()
			want := tt.content
			if want < 0 {
				want = before
			}
			if s.Content != want || s.Reasoning != tt.reasoning {
				t.Fatalf("content %d reasoning %d, want %d %d", s.Content, s.Reasoning, want, tt.reasoning)
			}
		})
	}
}
