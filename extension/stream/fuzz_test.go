package stream

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"
)

// FuzzDecoder: any byte stream ends in a bounded number of events with a clean error, never a
// panic, and no event carries more data than the input had.
func FuzzDecoder(f *testing.F) {
	for _, s := range []string{
		"data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n",
		"event: error\ndata: {\"type\":\"error\"}\n\n",
		"data: a\r\ndata: b\r\n\r\n: ping\n\n",
		"data:\n\ndata",
		"\x00\xff\xfe data: \n\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		d := NewDecoderSize(bytes.NewReader(in), 256)
		for n := 0; ; n++ {
			e, err := d.Next()
			if err != nil {
				if !errors.Is(err, io.EOF) && !errors.Is(err, ErrLineTooLong) {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if len(e.Data) > len(in) || n > len(in) {
				t.Fatalf("event %d larger than input", n)
			}
			_, _ = ParseChatChunk(e.Data, true)
		}
	})
}

// FuzzDialects: any event data, in any dialect, gives a step or an error, never a panic, and the
// error record (when any) stays a JSON envelope the classifier can read.
func FuzzDialects(f *testing.F) {
	for _, s := range []string{
		`{"type":"response.output_text.delta","delta":"hi"}`,
		`{"type":"response.failed","response":{"error":{"code":"server_error"}}}`,
		`{"type":"error","code":7,"message":null}`,
		`{"type":"content_block_delta","delta":{"type":"text_delta","text":"x"}}`,
		`{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":3}}`,
		`[DONE]`, `{"choices":[{"delta":{"content":"a"}}]}`, `nul`, `{"delta":5}`,
	} {
		f.Add("", []byte(s))
		f.Add("error", []byte(s))
	}
	f.Fuzz(func(t *testing.T, typ string, data []byte) {
		for _, d := range []Dialect{&ChatStream{Summary{KeepText: true}}, &ResponsesStream{Summary{KeepText: true}}, &MessagesStream{Summary{KeepText: true}}} {
			_, _ = d.Add(Event{Type: typ, Data: data})
			s := d.Facts()
			if len(s.Text) > MaxText || s.Content < 0 {
				t.Fatalf("summary out of bounds: %+v", s)
			}
			if len(s.ErrorEvent) > 0 && !json.Valid(s.ErrorEvent) && !bytes.Equal(s.ErrorEvent, data) {
				t.Fatalf("error record %q is neither JSON nor the input", s.ErrorEvent)
			}
		}
		_, _ = ParseResponse(data, true)
		_, _ = ParseMessage(data, true)
	})
}
