package stream

import (
	"bytes"
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
