package stream

import "testing"

// A [DONE] after another dialect's stream (LM Studio ends its Responses streams with one) ends
// it: terminal when the dialect's own last event came first, truncated when it did not.
func TestDoneEndsEveryDialect(t *testing.T) {
	for _, c := range []struct {
		name     string
		dialect  Dialect
		events   []string
		terminal bool
	}{
		{"responses, completed then [DONE]", &ResponsesStream{}, []string{
			`{"type":"response.output_text.delta","delta":"Hi"}`, `{"type":"response.completed","response":{"status":"completed"}}`, "[DONE]"}, true},
		{"responses, [DONE] before completed", &ResponsesStream{}, []string{`{"type":"response.output_text.delta","delta":"Hi"}`, "[DONE]"}, false},
		{"messages, message_stop then [DONE]", &MessagesStream{}, []string{
			`{"type":"content_block_delta","delta":{"type":"text_delta","text":"Hi"}}`, `{"type":"message_stop"}`, "[DONE]"}, true},
		{"messages, [DONE] alone", &MessagesStream{}, []string{"[DONE]"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			for i, e := range c.events {
				st, err := c.dialect.Add(Event{Data: []byte(e)})
				if err != nil {
					t.Fatalf("event %d: %v", i, err)
				}
				if e == "[DONE]" && !st.Done {
					t.Fatal("[DONE] did not end the stream")
				}
			}
			if got := c.dialect.Facts().Terminal; got != c.terminal {
				t.Fatalf("terminal %v, want %v", got, c.terminal)
			}
		})
	}
}
