package classify

import (
	"bytes"
	"slices"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
)

// FuzzClassifyRaw: any bytes either fail to parse with an error or classify into a known class
// and blame, with a bounded message that carries no secret.
func FuzzClassifyRaw(f *testing.F) {
	for _, c := range loadCorpus(f) {
		f.Add(c.raw)
	}
	f.Add([]byte("HTTP/1.1 429\r\n\r\n{\"error\":{\"message\":\"{\\\"error\\\":{\\\"message\\\":\\\"[\\\"}}\"}}"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		o, err := ParseRaw(bytes.NewReader(raw))
		if err != nil {
			return
		}
		c := Classify(o)
		if !slices.Contains(Classes, c.Class) {
			t.Fatalf("class %q not in the taxonomy", c.Class)
		}
		switch c.Blame {
		case BlameNone, BlameProvider, BlameEdge, BlameNetwork, BlameAccount, BlameClient, BlameUnknown:
		default:
			t.Fatalf("blame %q", c.Blame)
		}
		if len(c.Message) > maxMessage+len("…") {
			t.Fatalf("message of %d bytes", len(c.Message))
		}
		if secret.Redact(c.Message) != c.Message {
			t.Fatalf("message carries a secret: %q", c.Message)
		}
		if c.RetryAfterMs < 0 {
			t.Fatalf("negative retry-after %d", c.RetryAfterMs)
		}
	})
}
