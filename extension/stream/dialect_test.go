package stream

import (
	"strings"
	"testing"
)

// play feeds events (type, data) to d and returns the steps.
func play(t *testing.T, d Dialect, evs [][2]string) []Step {
	t.Helper()
	var out []Step
	for _, e := range evs {
		st, err := d.Add(Event{Type: e[0], Data: []byte(e[1])})
		if err != nil {
			t.Fatalf("event %s: %v", e[0], err)
		}
		out = append(out, st)
	}
	return out
}

func TestResponsesStream(t *testing.T) {
	s := &ResponsesStream{Summary: Summary{KeepText: true}}
	steps := play(t, s, [][2]string{
		{"response.created", `{"type":"response.created","response":{"model":"gpt-4o-mini","status":"in_progress"}}`},
		{"response.reasoning_summary_text.delta", `{"type":"response.reasoning_summary_text.delta","delta":"hmm"}`},
		{"response.output_text.delta", `{"type":"response.output_text.delta","delta":"42"}`},
		{"response.output_text.delta", `{"type":"response.output_text.delta","delta":""}`},
		{"response.completed", `{"type":"response.completed","response":{"status":"completed","model":"gpt-4o-mini-2024","usage":{"input_tokens":9,"output_tokens":2}}}`},
	})
	want := []Step{{}, {Token: true}, {Token: true, Answer: true}, {}, {Done: true}}
	for i := range want {
		if steps[i] != want[i] {
			t.Fatalf("step %d = %+v, want %+v", i, steps[i], want[i])
		}
	}
	f := s.Facts()
	if !f.Terminal || f.Text != "42" || f.Content != 2 || f.Tokens != 2 || f.FinishReason != "stop" ||
		f.Model != "gpt-4o-mini-2024" || f.Usage == nil || f.Usage.Output != 2 || f.Usage.Input != 9 {
		t.Fatalf("summary %+v", f)
	}
}

func TestResponsesErrors(t *testing.T) {
	for _, tc := range []struct {
		name, typ, data, want string
	}{
		{"failed", "response.failed", `{"type":"response.failed","response":{"status":"failed","error":{"code":"server_error","message":"The model failed to generate a response."}}}`, `"code":"server_error"`},
		{"error event", "error", `{"type":"error","code":"ERR_X","message":"Something went wrong","sequence_number":4}`, `"code":"ERR_X"`},
		{"error without code", "error", `{"type":"error"}`, `"type":"server_error"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &ResponsesStream{}
			st := play(t, s, [][2]string{{tc.typ, tc.data}})[0]
			if !st.Done || s.Terminal || !strings.HasPrefix(string(s.ErrorEvent), `{"error":`) || !strings.Contains(string(s.ErrorEvent), tc.want) {
				t.Fatalf("step %+v, error event %s", st, s.ErrorEvent)
			}
		})
	}
	s := &ResponsesStream{}
	play(t, s, [][2]string{{"response.incomplete", `{"type":"response.incomplete","response":{"status":"incomplete","incomplete_details":{"reason":"content_filter"}}}`}})
	if !s.Terminal || s.FinishReason != "content_filter" {
		t.Fatalf("incomplete: %+v", s.Summary)
	}
	if _, err := s.Add(Event{Data: []byte("{nope")}); err == nil {
		t.Fatal("malformed event accepted")
	}
}

func TestMessagesStream(t *testing.T) {
	s := &MessagesStream{Summary{KeepText: true}}
	steps := play(t, s, [][2]string{
		{"message_start", `{"type":"message_start","message":{"model":"claude-haiku-4-5","usage":{"input_tokens":12,"output_tokens":1}}}`},
		{"content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`},
		{"ping", `{"type": "ping"}`},
		{"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"sum"}}`},
		{"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"4"}}`},
		{"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"2"}}`},
		{"content_block_stop", `{"type":"content_block_stop","index":0}`},
		{"message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3}}`},
		{"message_stop", `{"type":"message_stop"}`},
	})
	want := []Step{{}, {}, {}, {Token: true}, {Token: true, Answer: true}, {Token: true, Answer: true}, {}, {}, {Done: true}}
	for i := range want {
		if steps[i] != want[i] {
			t.Fatalf("step %d = %+v, want %+v", i, steps[i], want[i])
		}
	}
	f := s.Facts()
	if !f.Terminal || f.Text != "42" || f.Tokens != 3 || f.FinishReason != "stop" || f.Model != "claude-haiku-4-5" ||
		f.Usage == nil || f.Usage.Input != 12 || f.Usage.Output != 3 {
		t.Fatalf("summary %+v usage %+v", f, f.Usage)
	}
	e := &MessagesStream{}
	st := play(t, e, [][2]string{{"error", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`}})[0]
	if !st.Done || !strings.Contains(string(e.ErrorEvent), "overloaded_error") {
		t.Fatalf("error event: %+v %s", st, e.ErrorEvent)
	}
}

func TestWholeBodies(t *testing.T) {
	r, err := ParseResponse([]byte(`{"id":"resp_1","object":"response","status":"completed","model":"m","output":[{"type":"message","content":[{"type":"output_text","text":"pong"}]}],"usage":{"input_tokens":3,"output_tokens":1}}`), true)
	if err != nil || !r.Terminal || r.Text != "pong" || r.Usage.Output != 1 {
		t.Fatalf("response: %+v, %v", r, err)
	}
	r, err = ParseResponse([]byte(`{"object":"response","status":"failed","error":{"code":"server_error","message":"x"}}`), false)
	if err != nil || r.Terminal || !strings.Contains(string(r.ErrorEvent), "server_error") {
		t.Fatalf("failed response: %+v, %v", r, err)
	}
	if _, err := ParseResponse([]byte(`{"object":"list"}`), false); err == nil {
		t.Fatal("a list accepted as a response")
	}
	m, err := ParseMessage([]byte(`{"type":"message","model":"claude","content":[{"type":"text","text":"pong"}],"stop_reason":"max_tokens","usage":{"input_tokens":5,"output_tokens":16}}`), true)
	if err != nil || m.Text != "pong" || m.FinishReason != "length" || m.Usage.Output != 16 {
		t.Fatalf("message: %+v, %v", m, err)
	}
	if _, err := ParseMessage([]byte(`{"type":"error","error":{}}`), false); err == nil {
		t.Fatal("an error accepted as a message")
	}
}

func TestKeptTextIsBounded(t *testing.T) {
	s := &ChatStream{Summary: Summary{KeepText: true}}
	chunk := `{"choices":[{"delta":{"content":"` + strings.Repeat("a", 3000) + `"}}]}`
	for range 3 {
		if _, err := s.Add(Event{Data: []byte(chunk)}); err != nil {
			t.Fatal(err)
		}
	}
	if len(s.Text) != MaxText || s.Content != 9000 {
		t.Fatalf("text %d bytes, content %d", len(s.Text), s.Content)
	}
}

// TestRefusals: a refusal in place of the answer, in every dialect, finishes as the content
// filter's answer whatever finish reason came with it, and is not counted as answer text.
func TestRefusals(t *testing.T) {
	chat := &ChatStream{}
	play(t, chat, [][2]string{
		{"", `{"choices":[{"index":0,"delta":{"role":"assistant","content":null,"refusal":""},"finish_reason":null}]}`},
		{"", `{"choices":[{"index":0,"delta":{"refusal":"I'm sorry"},"finish_reason":null}]}`},
		{"", `{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`},
		{"", `[DONE]`},
	})
	if f := chat.Facts(); f.FinishReason != Refused || f.Content != 0 || !f.Terminal || f.Tokens != 1 {
		t.Errorf("chat stream: %+v", f)
	}
	whole, err := ParseChatChunk([]byte(`{"choices":[{"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":"stop"}]}`), false)
	if err != nil || whole.FinishReason != Refused || whole.Content != 0 || whole.Refusal == 0 {
		t.Errorf("chat completion: %+v, %v", whole, err)
	}
	plain, _ := ParseChatChunk([]byte(`{"choices":[{"message":{"content":"pong","refusal":null},"finish_reason":"stop"}]}`), false)
	if plain.FinishReason != "stop" || plain.Content != 4 {
		t.Errorf("an answer with a null refusal: %+v", plain)
	}
	rs := &ResponsesStream{}
	play(t, rs, [][2]string{
		{"response.refusal.delta", `{"type":"response.refusal.delta","delta":"I'm sorry"}`},
		{"response.completed", `{"type":"response.completed","response":{"status":"completed"}}`},
	})
	if f := rs.Facts(); f.FinishReason != Refused || f.Content != 0 || !f.Terminal {
		t.Errorf("responses stream: %+v", f)
	}
	r, err := ParseResponse([]byte(`{"object":"response","status":"completed","output":[{"type":"message","content":[{"type":"refusal","refusal":"I'm very sorry"}]}]}`), false)
	if err != nil || r.FinishReason != Refused || r.Content != 0 {
		t.Errorf("responses object: %+v, %v", r, err)
	}
	m, err := ParseMessage([]byte(`{"stop_reason":"refusal","content":[{"type":"thinking","thinking":""}]}`), false)
	if err != nil || m.FinishReason != Refused || m.Content != 0 {
		t.Errorf("message without its type: %+v, %v", m, err)
	}
	if _, err := ParseMessage([]byte(`{"content":[{"type":"text","text":"x"}]}`), false); err == nil {
		t.Error("a document with neither type nor stop reason read as a message")
	}
}

// TestChatErrorDocument: a chat stream record that is itself an error document ("object":
// "error", as vLLM and SGLang stream a failure) is the stream's error record, like {"error":…};
// a chunk whose object is the usual one is not.
func TestChatErrorDocument(t *testing.T) {
	s := &ChatStream{}
	play(t, s, [][2]string{
		{"", `{"choices":[{"delta":{"content":"Hi"}}]}`},
		{"", `{"object":"error","message":"This model's maximum context length is 4096 tokens.","type":"BadRequestError","param":null,"code":400}`},
	})
	if !strings.Contains(string(s.ErrorEvent), `"object":"error"`) {
		t.Fatalf("error record %q", s.ErrorEvent)
	}
	ok := &ChatStream{}
	play(t, ok, [][2]string{{"", `{"object":"chat.completion.chunk","type":"x","choices":[{"delta":{"content":"Hi"}}]}`}})
	if len(ok.ErrorEvent) > 0 || ok.Content != 2 {
		t.Fatalf("a plain chunk read as %+v", ok.Summary)
	}
}

// Every dialect says what the model spent reasoning: reported reasoning tokens first, else the
// reasoning it sent; output tokens without an answer alone are not reasoning.
func TestThought(t *testing.T) {
	chat, _ := ParseChatChunk([]byte(`{"choices":[{"message":{"content":""},"finish_reason":"length"}],"usage":{"completion_tokens":64,"completion_tokens_details":{"reasoning_tokens":64}}}`), false)
	ctx, _ := ParseChatChunk([]byte(`{"choices":[{"message":{"content":""},"finish_reason":"length"}],"usage":{"prompt_tokens":32767,"completion_tokens":1}}`), false)
	resp, _ := ParseResponse([]byte(`{"object":"response","status":"incomplete","output":[{"type":"reasoning","summary":[]}],"usage":{"output_tokens":400,"output_tokens_details":{"reasoning_tokens":400}}}`), false)
	hidden, _ := ParseResponse([]byte(`{"object":"response","status":"incomplete","output":[{"type":"reasoning","summary":[]}],"usage":{"output_tokens":400}}`), false)
	msg, _ := ParseMessage([]byte(`{"type":"message","content":[{"type":"thinking","thinking":"hmm"}],"stop_reason":"max_tokens","usage":{"output_tokens":1024}}`), false)
	var stream ChatStream
	for _, rec := range []string{`{"choices":[{"delta":{"reasoning_content":"a"}}]}`, `{"choices":[{"delta":{"reasoning_content":"b"}}]}`, `{"choices":[{"delta":{},"finish_reason":"length"}]}`} {
		if _, err := stream.Add(Event{Data: []byte(rec)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		s    Summary
		want int
	}{
		{"chat usage", WholeChat(chat), 64}, {"context filled", WholeChat(ctx), 0}, {"responses usage", resp, 400},
		{"responses item", hidden, 1}, {"anthropic thinking", msg, 1}, {"chat stream", *stream.Facts(), 2},
	} {
		if got := tc.s.Thought(); got != tc.want || tc.s.Content != 0 || tc.s.FinishReason != "length" {
			t.Errorf("%s: thought %d, want %d (content %d, finish %q)", tc.name, got, tc.want, tc.s.Content, tc.s.FinishReason)
		}
	}
}

// TestToolCallsAreAnswers: a model that calls a tool instead of writing text has answered, in
// every dialect, whole or streamed; a tool list that is null or empty is no call.
func TestToolCallsAreAnswers(t *testing.T) {
	chat := func(b string) Summary {
		c, err := ParseChatChunk([]byte(b), false)
		if err != nil {
			t.Fatal(err)
		}
		return WholeChat(c)
	}
	resp, _ := ParseResponse([]byte(`{"object":"response","status":"completed","output":[{"type":"reasoning","summary":[]},{"type":"function_call","name":"f","arguments":"{}"}]}`), false)
	msg, _ := ParseMessage([]byte(`{"type":"message","content":[{"type":"tool_use","id":"t","name":"f","input":{}}],"stop_reason":"tool_use"}`), false)
	var cs ChatStream
	play(t, &cs, [][2]string{{"", `{"choices":[{"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"function":{"arguments":"{\"a\""}}]}}]}`}})
	ms := &MessagesStream{}
	play(t, ms, [][2]string{{"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"a\""}}`}})
	rs := &ResponsesStream{}
	play(t, rs, [][2]string{{"response.function_call_arguments.delta", `{"type":"response.function_call_arguments.delta","delta":"{\"a\""}`}})
	for _, tc := range []struct {
		name   string
		s      Summary
		answer bool
	}{
		{"chat tool_calls", chat(`{"choices":[{"message":{"content":"","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}`), true},
		{"chat function_call", chat(`{"choices":[{"message":{"content":null,"function_call":{"name":"f","arguments":"{}"}}}]}`), true},
		{"chat audio", chat(`{"choices":[{"message":{"content":null,"audio":{"id":"a","data":"AA==","transcript":""}}}]}`), true},
		{"chat images", chat(`{"choices":[{"message":{"content":"","images":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]}}]}`), true},
		{"chat null tool_calls", chat(`{"choices":[{"message":{"content":"","tool_calls":null}}]}`), false},
		{"chat empty tool_calls", chat(`{"choices":[{"message":{"content":"","tool_calls":[]}}]}`), false},
		{"responses function_call", resp, true}, {"anthropic tool_use", msg, true},
		{"chat stream", *cs.Facts(), true}, {"anthropic stream", *ms.Facts(), true}, {"responses stream", *rs.Facts(), true},
	} {
		if got := tc.s.Content > 0; got != tc.answer {
			t.Errorf("%s: answered %v (content %d), want %v", tc.name, got, tc.s.Content, tc.answer)
		}
	}
}
