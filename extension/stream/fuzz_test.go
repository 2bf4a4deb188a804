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
		for _, d := range []Dialect{&ChatStream{Summary: Summary{KeepText: true}}, &ResponsesStream{Summary{KeepText: true}}, &MessagesStream{Summary{KeepText: true}}} {
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

// FuzzChunkMatchesEncodingJSON: the hand-written chunk scanner agrees with encoding/json (the
// implementation it replaced, kept in reflect_ref_test.go) on every input: the same records
// rejected, the same fields read from the rest.
func FuzzChunkMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{
		`{"id":"c1","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}`,
		`{"choices":[{"delta":{"content":"Hel\u006co \ud83d\ude00"},"finish_reason":null}],"obfuscation":"x"}`,
		`{"choices":[{"delta":{"reasoning_content":"hmm","reasoning":"r"}},{"message":{"content":"a","reasoning_content":"b"}}]}`,
		`{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3}}`, `{"usage":{"prompt_tokens":1.5}}`,
		`{"error":{"message":"boom"}}`, `{"error":null}`, `null`, `[1]`, `{"CHOICES":[{"Delta":{"CONTENT":"x"}}]}`,
		`{"choices":[{"delta":{"content":"a"},"delta":{"reasoning":"b"}}],"choices":null}`, `{"model":"a","model":"\u00e9"}`,
		"{\"choices\":[{\"delta\":{\"content\":\"\xff\xfe\"}}]}", `{"choices":[null,{"finish_reason":"stop"}]}`, `{"usage":{},"usage":{"completion_tokens":2}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, keep := range []bool{false, true} {
			want, werr := parseChatChunkReflect(in, keep)
			got, gerr := ParseChatChunk(in, keep)
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("keep=%v %q: encoding/json err %v, scanner err %v", keep, in, werr, gerr)
			}
			if werr != nil {
				continue
			}
			if got.Model != want.Model || got.Content != want.Content || got.Reasoning != want.Reasoning || got.Text != want.Text ||
				got.FinishReason != want.FinishReason || !bytes.Equal(got.Error, want.Error) || (got.Usage == nil) != (want.Usage == nil) ||
				(got.Usage != nil && *got.Usage != *want.Usage) {
				t.Fatalf("keep=%v %q:\n scanner       %+v\n encoding/json %+v", keep, in, got, want)
			}
		}
	})
}

// BenchmarkChatChunk: one content record, the hand-written scanner against encoding/json (the
// ratio is the figure; the scanner must not allocate).
func BenchmarkChatChunk(b *testing.B) {
	rec := []byte(`{"id":"chatcmpl-sim000000000000000000000001","object":"chat.completion.chunk","created":1795394033,"model":"gpt-4o-mini","service_tier":"default","system_fingerprint":"fp_sim","choices":[{"index":0,"delta":{"content":" answering"},"logprobs":null,"finish_reason":null}],"usage":null}`)
	b.Run("scanner", func(b *testing.B) {
		var s ChatStream
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Add(Event{Data: rec}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := parseChatChunkReflect(rec, false); err != nil {
				b.Fatal(err)
			}
		}
	})
}
