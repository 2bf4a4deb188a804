package capture

import (
	"strings"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// FuzzParseHAR: any bytes either fail to parse with an error or give an entry the classifier
// takes, whichever entry is asked for.
func FuzzParseHAR(f *testing.F) {
	f.Add(`{"log":{"entries":[{"request":{"url":"https://api.anthropic.com/v1/messages"},"response":{"status":429,"headers":[{"name":"retry-after","value":"3"}],"content":{"text":"{\"type\":\"error\"}"}}}]}}`, -1)
	f.Add(`{"log":{"entries":[{"response":{"status":200,"content":{"text":"ZGF0YTogW0RPTkVdCgo=","encoding":"base64"},"headers":[{"name":"content-type","value":"text/event-stream"}]}}]}}`, 0)
	f.Add(`{"log":{"entries":[{"response":{"status":0}},{}]}}`, 1)
	f.Fuzz(func(t *testing.T, har string, entry int) {
		e, err := ParseHAR(strings.NewReader(har), entry, "")
		if err != nil {
			return
		}
		_ = classify.Classify(e.Outcome)
	})
}
