package stream

import (
	"bytes"
	"io"
	"testing"
)

// benchStream is a realistic chat-completions stream: a role chunk, 200 content chunks, a
// finish chunk, a usage chunk and [DONE], each a data line and a blank line.
func benchStream(eol string) []byte {
	var b bytes.Buffer
	rec := `{"id":"chatcmpl-sim000000000000000000000001","object":"chat.completion.chunk","created":1795394033,"model":"gpt-4o-mini","service_tier":"default","system_fingerprint":"fp_sim","choices":[{"index":0,"delta":{"content":" answering"},"logprobs":null,"finish_reason":null}],"usage":null}`
	b.WriteString("data: " + `{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}` + eol + eol)
	for range 200 {
		b.WriteString("data: " + rec + eol + eol)
	}
	b.WriteString("data: " + `{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + eol + eol)
	b.WriteString("data: " + `{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":200}}` + eol + eol)
	b.WriteString("data: [DONE]" + eol + eol)
	return b.Bytes()
}

// BenchmarkDecoder: the SSE decoder alone over a whole stream (LF and CRLF line endings), read
// in the 4 KiB pieces a socket gives; it must not allocate per event.
func BenchmarkDecoder(b *testing.B) {
	for _, eol := range []struct{ name, s string }{{"lf", "\n"}, {"crlf", "\r\n"}} {
		in := benchStream(eol.s)
		b.Run(eol.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in)))
			r := bytes.NewReader(in)
			for b.Loop() {
				r.Reset(in)
				d := NewDecoder(r)
				for {
					if _, err := d.Next(); err != nil {
						if err != io.EOF {
							b.Fatal(err)
						}
						break
					}
				}
				d.Close()
			}
		})
	}
}
