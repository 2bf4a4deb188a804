package stream

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

type ev struct{ typ, data string }

func collect(t *testing.T, r io.Reader, max int) ([]ev, error) {
	t.Helper()
	d := NewDecoderSize(r, max)
	var out []ev
	for {
		e, err := d.Next()
		if err != nil {
			return out, err
		}
		out = append(out, ev{e.Type, string(e.Data)})
	}
}

func TestDecoder(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []ev
		wantErr error
	}{
		{"chat chunks", "data: {\"a\":1}\n\ndata: [DONE]\n\n", []ev{{"", `{"a":1}`}, {"", "[DONE]"}}, io.EOF},
		{"crlf", "data: x\r\n\r\ndata: y\r\n\r\n", []ev{{"", "x"}, {"", "y"}}, io.EOF},
		{"no space after colon", "data:x\n\n", []ev{{"", "x"}}, io.EOF},
		{"multi-line data", "data: a\ndata: b\n\n", []ev{{"", "a\nb"}}, io.EOF},
		{"named events", "event: response.created\ndata: {}\n\nevent: error\ndata: {\"type\":\"error\"}\n\n",
			[]ev{{"response.created", "{}"}, {"error", `{"type":"error"}`}}, io.EOF},
		{"type resets between events", "event: ping\ndata: 1\n\ndata: 2\n\n", []ev{{"ping", "1"}, {"", "2"}}, io.EOF},
		{"comments and unknown fields", ": keep-alive\nid: 7\nretry: 10\nfoo\ndata: z\n\n", []ev{{"", "z"}}, io.EOF},
		{"event without data is not dispatched", "event: x\n\ndata: y\n\n", []ev{{"", "y"}}, io.EOF},
		{"last event without blank line is not dispatched", "data: a\n\ndata: b", []ev{{"", "a"}}, io.EOF},
		{"cr only", "data: x\r\rdata: y\r\r", []ev{{"", "x"}, {"", "y"}}, io.EOF},
		{"bom", "\xEF\xBB\xBFdata: x\n\n", []ev{{"", "x"}}, io.EOF},
		{"empty stream", "", nil, io.EOF},
		{"line too long", "data: " + strings.Repeat("x", 100) + "\n\n", nil, ErrLineTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range map[string]io.Reader{
				"whole":    strings.NewReader(tt.in),
				"bytewise": iotest.OneByteReader(strings.NewReader(tt.in)),
			} {
				got, err := collect(t, r, 64)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if len(got) != len(tt.want) {
					t.Fatalf("events = %q, want %q", got, tt.want)
				}
				for i := range got {
					if got[i] != tt.want[i] {
						t.Errorf("event %d = %q, want %q", i, got[i], tt.want[i])
					}
				}
			}
		})
	}
}

func TestDecoderReadError(t *testing.T) {
	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader("data: a\n\ndata: b"), iotest.ErrReader(boom))
	d := NewDecoder(r)
	if e, err := d.Next(); err != nil || string(e.Data) != "a" {
		t.Fatalf("first event = %q, %v", e.Data, err)
	}
	if _, err := d.Next(); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the reader's error", err)
	}
}

func TestEventStampIsArrivalTime(t *testing.T) {
	d := NewDecoder(strings.NewReader("data: a\n\n"))
	e, err := d.Next()
	if err != nil {
		t.Fatal(err)
	}
	if e.At.IsZero() || !e.At.Equal(d.LastRead()) {
		t.Fatalf("At = %v, LastRead = %v", e.At, d.LastRead())
	}
	if d.BytesRead() != 9 {
		t.Fatalf("BytesRead = %d", d.BytesRead())
	}
}

func TestParseChatChunk(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want ChatChunk
	}{
		{"role only", `{"id":"c1","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
			ChatChunk{Model: "m"}},
		{"content", `{"choices":[{"delta":{"content":"Hello"},"finish_reason":null}],"obfuscation":"x"}`, ChatChunk{Content: 5, Text: "Hello"}},
		{"reasoning", `{"choices":[{"delta":{"reasoning_content":"hmm"}}]}`, ChatChunk{Reasoning: 3}},
		{"finish", `{"choices":[{"delta":{},"finish_reason":"stop"}]}`, ChatChunk{FinishReason: "stop"}},
		{"usage", `{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3}}`, ChatChunk{Usage: &Usage{Input: 12, Output: 3}}},
		{"reasoning tokens", `{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":256,"completion_tokens_details":{"reasoning_tokens":256,"audio_tokens":0}}}`,
			ChatChunk{Usage: &Usage{Input: 12, Output: 256, Reasoning: 256}}},
		{"whole completion", `{"choices":[{"message":{"role":"assistant","content":"pong"},"finish_reason":"stop"}]}`,
			ChatChunk{Content: 4, Text: "pong", FinishReason: "stop"}},
		{"legacy completion", `{"object":"text_completion","choices":[{"index":0,"text":"pong","logprobs":null,"finish_reason":"length","stop_reason":null}]}`,
			ChatChunk{Content: 4, Text: "pong", FinishReason: "length"}},
		{"together chat chunk, the token also as text", `{"choices":[{"index":0,"text":"42","delta":{"token_id":30,"role":"assistant","content":"42"}}]}`,
			ChatChunk{Content: 2, Text: "42"}},
		{"legacy completion, text not a string", `{"choices":[{"text":{"format":"plain"},"finish_reason":"stop"}]}`, ChatChunk{FinishReason: "stop"}},
		{"error record", `{"error":{"message":"boom","type":"server_error"}}`, ChatChunk{Error: []byte(`{"message":"boom","type":"server_error"}`)}},
		{"null error", `{"error":null,"choices":[]}`, ChatChunk{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseChatChunk([]byte(tt.in), true)
			if err != nil {
				t.Fatal(err)
			}
			if got.Model != tt.want.Model || got.Content != tt.want.Content ||
				got.Reasoning != tt.want.Reasoning || got.Text != tt.want.Text || got.FinishReason != tt.want.FinishReason ||
				string(got.Error) != string(tt.want.Error) || (got.Usage == nil) != (tt.want.Usage == nil) ||
				(got.Usage != nil && *got.Usage != *tt.want.Usage) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	if _, err := ParseChatChunk([]byte(`<html>`), false); err == nil {
		t.Fatal("HTML parsed as a chunk")
	}
}

// A stamping simulator's ": t=" comment gives the next event its write time; other comments
// and malformed stamps give none.
func TestStamps(t *testing.T) {
	d := NewDecoder(strings.NewReader(": t=1732312345123456789\ndata: a\n\n: keep-alive\ndata: b\n\n: t=12x\ndata: c\n\n"))
	for i, want := range []int64{1732312345123456789, 0, 0} {
		ev, err := d.Next()
		if err != nil || ev.Stamp != want {
			t.Fatalf("event %d: stamp %d, err %v; want %d", i, ev.Stamp, err, want)
		}
	}
}
