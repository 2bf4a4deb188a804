package classify_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/capture"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// FuzzClassifyRaw: any bytes either fail to parse with an error or classify into a known class
// and blame, with a bounded message (redacting it is the caller's job: package probe).
func FuzzClassifyRaw(f *testing.F) {
	for _, c := range loadCorpus(f) {
		f.Add(c.raw)
	}
	for _, split := range []string{"train", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7", "heldout8", "heldout9", "heldout10", "heldout11", "heldout12"} {
		for _, c := range loadCases(f, "testdata/realworld/"+split) {
			f.Add(c.raw)
		}
	}
	f.Add([]byte("HTTP/1.1 429\r\n\r\n{\"error\":{\"message\":\"{\\\"error\\\":{\\\"message\\\":\\\"[\\\"}}\"}}"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		o, err := capture.Parse(bytes.NewReader(raw))
		if err != nil {
			return
		}
		c := classify.Classify(o)
		if !slices.Contains(classify.Classes, c.Class) {
			t.Fatalf("class %q not in the taxonomy", c.Class)
		}
		switch c.Blame {
		case classify.BlameNone, classify.BlameProvider, classify.BlameEdge, classify.BlameNetwork, classify.BlameAccount, classify.BlameClient, classify.BlameUnknown:
		default:
			t.Fatalf("blame %q", c.Blame)
		}
		if len(c.Message) > classify.MaxMessage+len("…") {
			t.Fatalf("message of %d bytes", len(c.Message))
		}
		if c.RetryAfterMs < 0 || c.RetryAfterMs > classify.MaxRetryAfter.Milliseconds() {
			t.Fatalf("retry-after %d ms out of bounds", c.RetryAfterMs)
		}
	})
}
