package stream

import (
	"strings"
	"testing"
	"time"
)

func nested(depth int) string { return strings.Repeat("[", depth) + strings.Repeat("]", depth) }

// Valid JSON deeper than encoding/json's 10,000 levels is still valid: an answer carrying such
// a member is read, in every dialect, in bounded time; broken JSON at that depth stays broken.
func TestDeepJSONAnswers(t *testing.T) {
	deep := nested(100_000)
	tests := []struct {
		name  string
		parse func() (Summary, error)
		text  string
	}{
		{"chat", func() (Summary, error) {
			c, err := ParseChatChunk([]byte(`{"choices":[{"message":{"content":"42"},"x":`+deep+`}],"y":`+deep+`}`), true)
			return Summary{Text: c.Text}, err
		}, "42"},
		{"responses", func() (Summary, error) {
			return ParseResponse([]byte(`{"object":"response","status":"completed","x":`+deep+`,"output":[{"type":"message","content":[{"type":"output_text","text":"42"}]}]}`), true)
		}, "42"},
		{"messages", func() (Summary, error) {
			return ParseMessage([]byte(`{"type":"message","content":[{"type":"text","text":"42","x":`+deep+`}]}`), true)
		}, "42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			s, err := tt.parse()
			if err != nil || s.Text != tt.text {
				t.Fatalf("got %q, %v", s.Text, err)
			}
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("took %v", took)
			}
		})
	}
	for _, bad := range []string{`{"choices":[],"x":` + nested(100_000)[:150_000] + `}`, `{"x":` + deep + `,}`} {
		if _, err := ParseChatChunk([]byte(bad), false); err == nil {
			t.Errorf("broken deep JSON accepted")
		}
		if _, err := ParseResponse([]byte(bad), false); err == nil {
			t.Errorf("broken deep JSON accepted as a response")
		}
	}
}

// A usage record with numbers no model produced is bounded, never a malformed stream.
func TestAbsurdUsage(t *testing.T) {
	tests := []struct {
		value string
		want  int
	}{
		{`1e30`, MaxTokens}, {`99999999999999999999999999`, MaxTokens}, {`1e400`, MaxTokens}, {`-5`, 0}, {`-1e400`, 0},
		{`12.7`, 12}, {`7`, 7}, {`"12"`, 0}, {`true`, 0}, {`{}`, 0}, {`[1,2]`, 0}, {`null`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			var chat ChatStream
			for _, rec := range []string{`{"choices":[{"delta":{"content":"pong"}}]}`,
				`{"choices":[],"usage":{"prompt_tokens":` + tt.value + `,"completion_tokens":` + tt.value + `}}`, `[DONE]`} {
				if _, err := chat.Add(Event{Data: []byte(rec)}); err != nil {
					t.Fatalf("chat: %v", err)
				}
			}
			if u := chat.Usage; !chat.Terminal || u == nil || u.Input != tt.want || u.Output != tt.want {
				t.Errorf("chat usage %+v, terminal %v, want %d", chat.Usage, chat.Terminal, tt.want)
			}
			var resp ResponsesStream
			for _, rec := range []string{`{"type":"response.output_text.delta","delta":"pong"}`,
				`{"type":"response.completed","response":{"status":"completed","usage":{"input_tokens":` + tt.value + `,"output_tokens":` + tt.value + `}}}`} {
				if _, err := resp.Add(Event{Data: []byte(rec)}); err != nil {
					t.Fatalf("responses: %v", err)
				}
			}
			if u := resp.Usage; !resp.Terminal || u == nil || u.Input != tt.want || u.Output != tt.want {
				t.Errorf("responses usage %+v, want %d", resp.Usage, tt.want)
			}
			var msgs MessagesStream
			for _, rec := range []string{`{"type":"message_start","message":{"model":"m","usage":{"input_tokens":` + tt.value + `}}}`,
				`{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":` + tt.value + `}}`, `{"type":"message_stop"}`} {
				if _, err := msgs.Add(Event{Data: []byte(rec)}); err != nil {
					t.Fatalf("messages: %v", err)
				}
			}
			if u := msgs.Usage; !msgs.Terminal || u == nil || u.Input != tt.want || u.Output != tt.want {
				t.Errorf("messages usage %+v, want %d", msgs.Usage, tt.want)
			}
		})
	}
	for _, usage := range []string{`5`, `"x"`, `[]`} { // not an object: ignored, the record stands
		if c, err := ParseChatChunk([]byte(`{"choices":[],"usage":`+usage+`}`), false); err != nil || c.Usage == nil || *c.Usage != (Usage{}) {
			t.Errorf("usage %s: %+v, %v", usage, c.Usage, err)
		}
	}
}
