package classify_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/capture"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// BenchmarkClassify measures one classification of an already-read response, per corpus shape and
// for bodies at the read cap (a huge Cloudflare page, a padded JSON envelope).
func BenchmarkClassify(b *testing.B) {
	type bc struct {
		name string
		o    classify.Outcome
	}
	var cases []bc
	for _, c := range loadCorpus(b) {
		o, err := capture.Parse(bytes.NewReader(c.raw))
		if err != nil {
			b.Fatal(err)
		}
		cases = append(cases, bc{c.name, o})
	}
	html := "<html><head><title>api.openai.com | 502: Bad gateway</title></head><body>" +
		strings.Repeat("<p>filler</p>", capture.BodyCap/13)
	cases = append(cases,
		bc{"cap-html-502", classify.Outcome{Status: 502, Header: http.Header{"Server": {"cloudflare"}}, Body: []byte(html[:capture.BodyCap])}},
		bc{"cap-html-403", classify.Outcome{Status: 403, Header: http.Header{"Server": {"cloudflare"}}, Body: []byte(html[:capture.BodyCap])}},
		bc{"cap-html-500", classify.Outcome{Status: 500, Header: http.Header{"Server": {"cloudflare"}}, Body: []byte(html[:capture.BodyCap])}},
		bc{"cap-json-500", classify.Outcome{Status: 500, Header: http.Header{"X-Request-Id": {"req_1"}},
			Body: []byte(`{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null},"pad":"` +
				strings.Repeat("x", capture.BodyCap-120) + `"}`)}},
		// the worst shapes for the vocabulary: plain text without a single signal word, a JSON
		// document inside a string, a document cut off mid-string, a 200 stream error record
		bc{"cap-text-429", classify.Outcome{Status: 429, Header: http.Header{"Content-Type": {"text/plain"}},
			Body: []byte(strings.Repeat("lorem ipsum dolor sit amet ", capture.BodyCap/27))}},
		bc{"cap-json-in-string-400", classify.Outcome{Status: 400, Header: http.Header{"Content-Type": {"application/json"}},
			Body: []byte(`{"error":{"message":"{\"error\":{\"message\":\"` + strings.Repeat(`x\\n`, (capture.BodyCap-100)/4) + `\",\"status\":\"INVALID_ARGUMENT\"}}","code":400,"status":"Bad Request"}}`)}},
		// members of an error that are JSON documents in strings but not errors: the first few are
		// decoded (4 KiB each) and walked in case a relay put the real error there
		bc{"cap-json-strings-502", classify.Outcome{Status: 502, Header: http.Header{"Content-Type": {"application/json"}},
			Body: []byte(`{"error":{"message":"x",` + strings.Repeat(`"k":"{\"a\":\"`+strings.Repeat("z", 4000)+`\"}",`, capture.BodyCap/4020) + `"end":1}}`)}},
		bc{"cap-cut-json-500", classify.Outcome{Status: 500, Header: http.Header{"Content-Type": {"application/json"}},
			Body: []byte(`{"error":{"message":"litellm.APIConnectionError: ` + strings.Repeat("y", capture.BodyCap-60))}},
	)
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = classify.Classify(c.o)
			}
		})
	}
}
