package stream

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// FuzzDecoder: any byte stream ends in a bounded number of events with a clean error, never a
// panic, and no event carries more data than the input had; without a line limit, the events
// are the ones a plain transcription of the specification's rules (specEvents) gives, however
// the reads split the bytes.
func FuzzDecoder(f *testing.F) {
	for _, s := range []string{
		"data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n",
		"event: error\ndata: {\"type\":\"error\"}\n\n",
		"data: a\r\ndata: b\r\n\r\n: ping\n\n",
		"data:\n\ndata",
		"\x00\xff\xfe data: \n\n\n",
		"\xEF\xBB\xBFdata: a\rdata: b\r\rid: 1\x00\nretry: 12\nevent: e\n\n",
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
				break
			}
			if len(e.Data) > 3*len(in) || n > len(in) { // U+FFFD is 3 bytes for 1 invalid one
				t.Fatalf("event %d larger than input", n)
			}
			_, _ = ParseChatChunk(e.Data, true)
		}
		d.Close()
		want := specEvents(in)
		readers := []io.Reader{bytes.NewReader(in), iotest.OneByteReader(bytes.NewReader(in)), iotest.HalfReader(bytes.NewReader(in))}
		d = NewDecoderSize(readers[len(in)%len(readers)], len(in)+1)
		defer d.Close()
		for i := 0; ; i++ {
			e, err := d.Next()
			if err != nil {
				if i != len(want) {
					t.Fatalf("%d events, the specification gives %d: %q", i, len(want), want)
				}
				return
			}
			if got := (specEvent{e.Type, string(e.Data), e.ID}); i >= len(want) || got != want[i] {
				t.Fatalf("event %d = %q, the specification gives %q", i, got, want)
			}
		}
	})
}

// specEvents transcribes §9.2.5–9.2.6 of the WHATWG HTML Living Standard as plainly as it is
// written, with no care for speed: the reference FuzzDecoder holds the decoder to.
func specEvents(in []byte) []specEvent {
	text := strings.TrimPrefix(string(appendUTF8(nil, in, false)), "\uFEFF") // UTF-8 decode strips one BOM
	var lines []string
	for {
		i := strings.IndexAny(text, "\r\n")
		if i < 0 {
			break // the rest is not a line: the stream ended inside it
		}
		lines = append(lines, text[:i])
		if strings.HasPrefix(text[i:], "\r\n") {
			i++
		}
		text = text[i+1:]
	}
	var out []specEvent
	var data, typ, lastID string
	for _, line := range lines {
		field, value := line, ""
		switch {
		case line == "":
			if data == "" {
				typ = ""
				continue
			}
			out = append(out, specEvent{typ, strings.TrimSuffix(data, "\n"), lastID})
			data, typ = "", ""
			continue
		case line[0] == ':':
			continue
		case strings.Contains(line, ":"):
			field, value, _ = strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
		}
		switch field {
		case "event":
			typ = value
		case "data":
			data += value + "\n"
		case "id":
			if !strings.Contains(value, "\x00") {
				lastID = value
			}
		}
	}
	return out
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
		for _, d := range []Dialect{&ChatStream{Summary: Summary{KeepText: true}}, &ResponsesStream{Summary: Summary{KeepText: true}}, &MessagesStream{Summary{KeepText: true}}} {
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
		`{"choices":[{"delta":{"content":null,"refusal":"I'm sorry"},"finish_reason":"stop"}]}`, `{"choices":[{"message":{"refusal":""}}]}`,
		`{"usage":{"completion_tokens":9,"completion_tokens_details":{"reasoning_tokens":8}}}`, `{"usage":{"completion_tokens_details":null}}`,
		`{"usage":{"completion_tokens_details":"x","completion_tokens_details":{"reasoning_tokens":1e9}}}`,
		// content lists (Mistral's Magistral): thinking, text and other parts; a repeated key
		`{"choices":[{"delta":{"content":[{"type":"thinking","thinking":[{"type":"text","text":"hm"}]}]}}]}`,
		`{"choices":[{"delta":{"content":[{"type":"text","text":"a\u00e9"},{"type":"image_url"},1,null]}}]}`,
		`{"choices":[{"delta":{"content":"x","content":[{"text":"y"}]},"message":{"content":[],"content":"z"}}]}`,
		// the legacy completions API: choices[].text, a string or anything else, repeated
		`{"object":"text_completion","choices":[{"text":"\n\nhi","finish_reason":"length","stop_reason":null}]}`,
		`{"choices":[{"text":"a","TEXT":{"x":1}},{"text":null},{"Text":"b","text":"c"}]}`,
		`{"choices":[{"text":"42","delta":{"content":"42"}},{"text":"x","message":{"content":[]}},{"text":"y","delta":{"content":null}}]}`,
		// keys that fold to ours through longer characters (Kelvin sign, long s): encoding/json matches them
		"{\"choice\u017f\":[{\"delta\":{\"content\":\"a\"}}],\"u\u017fage\":{\"prompt_to\u212aens\":3}}",
		"{\"choice\xc5\xbf\":[{\"delta\":{\"content\":\"a\"}}],\"u\xc5\xbfage\":{\"prompt_to\xe2\x84\xaaens\":3}}",
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
			if got.Model != want.Model || got.Content != want.Content || got.Reasoning != want.Reasoning || got.Refusal != want.Refusal || got.Text != want.Text ||
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

// plain8 agrees with the byte-by-byte rule for every byte value at every position, beside
// plain and special neighbours (a borrow from one byte must not hide or fake another).
func TestPlain8(t *testing.T) {
	plain := func(c byte) bool { return c >= 0x20 && c != '"' && c != '\\' }
	for _, fill := range []byte{'a', 0xff, 0x20, 0x80, '"', 0x00} {
		for pos := range 8 {
			for v := range 256 {
				var w [8]byte
				for i := range w {
					w[i] = fill
				}
				w[pos] = byte(v)
				want := true
				for _, c := range w {
					want = want && plain(c)
				}
				if got := plain8(binary.LittleEndian.Uint64(w[:])); got != want {
					t.Fatalf("plain8(%q) = %v, want %v", w, got, want)
				}
			}
		}
	}
}
