package capture

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

const rate429 = `{"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed your account's rate limit. Please try again later."}}`

// TestStatusBlocks: every status block curl prints is read and the last one is the response.
func TestStatusBlocks(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		status int
		body   string
		header string // a header of the response, "Name: value"
	}{
		{"single", "HTTP/2 429\r\ncontent-type: application/json\r\n\r\n" + rate429, 429, rate429, "Content-Type: application/json"},
		{"comments and blank lines first", "# provider: x\n\n\nHTTP/1.1 404 Not Found\n\n{}", 404, "{}", ""},
		{"proxy CONNECT, CRLF", "HTTP/1.1 200 Connection established\r\n\r\nHTTP/2 429\r\ncontent-type: application/json\r\n\r\n" + rate429, 429, rate429, "Content-Type: application/json"},
		{"proxy CONNECT, LF, proxy header", "HTTP/1.0 200 Connection established\nProxy-agent: Netscape-Proxy/1.1\n\nHTTP/1.1 429 Too Many Requests\nretry-after: 7\n\n" + rate429, 429, rate429, "Retry-After: 7"},
		{"proxy CONNECT, extra blank line", "HTTP/1.1 200 Connection Established\r\n\r\n\r\nHTTP/2 503\r\n\r\noverloaded", 503, "overloaded", ""},
		{"100 Continue", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 401 Unauthorized\r\n\r\n{}", 401, "{}", ""},
		{"curl -L redirect", "HTTP/1.1 301 Moved Permanently\r\nlocation: https://api.example.com/v1/x\r\n\r\nHTTP/2 429\r\nx-a: b\r\n\r\nslow down", 429, "slow down", "X-A: b"},
		{"proxy, then redirect, then response", "HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 307 Temporary Redirect\r\n\r\nHTTP/2 500\r\n\r\nboom", 500, "boom", ""},
		{"a 200 whose body starts like a status line is one block", "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nHTTP/ is a protocol", 200, "HTTP/ is a protocol", ""},
		{"a lone proxy block is the response", "HTTP/1.1 200 Connection established\r\n\r\n", 200, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Parse(strings.NewReader(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if o.Status != tt.status || string(o.Body) != tt.body {
				t.Fatalf("got %d %q, want %d %q", o.Status, o.Body, tt.status, tt.body)
			}
			if tt.header != "" {
				k, v, _ := strings.Cut(tt.header, ": ")
				if got := o.Header.Get(k); got != v {
					t.Fatalf("header %s = %q, want %q (%v)", k, got, v, o.Header)
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, raw := range []string{"", "# only a comment\n", "HTTP/1.1 abc\r\n\r\n", "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 42\r\n\r\n"} {
		if _, err := Parse(strings.NewReader(raw)); err == nil {
			t.Errorf("%q: no error", raw)
		}
	}
}

// TestProxied429 is issue 24's case: classified as the 429, not as the proxy's 200.
func TestProxied429(t *testing.T) {
	o, err := ParseFor(strings.NewReader("HTTP/1.1 200 Connection established\r\n\r\nHTTP/2 429\r\ncontent-type: application/json\r\n\r\n"+rate429), "anthropic")
	if err != nil {
		t.Fatal(err)
	}
	if c := classify.Classify(o); c.Class != classify.RateLimited || c.Blame != classify.BlameAccount || o.Provider != "anthropic" {
		t.Fatalf("got %s/%s provider %q", c.Class, c.Blame, o.Provider)
	}
}

// TestAnswers: a 2xx body is read as the answer of its dialect.
func TestAnswers(t *testing.T) {
	tests := []struct {
		name, provider, ctype, body string
		content                     int
		finish                      string
		expect, streamErr           bool
	}{
		{"chat completion", "", "application/json", `{"choices":[{"message":{"content":"pong"},"finish_reason":"stop"}]}`, 4, "stop", true, false},
		{"chat, empty choices", "", "application/json", `{"id":"","choices":[]}`, 0, "", true, false},
		{"model list", "", "application/json", `{"object":"list","data":[]}`, 0, "", false, false},
		{"anthropic message", "", "application/json", `{"type":"message","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn"}`, 2, "stop", true, false},
		{"anthropic message, no content", "", "application/json", `{"type":"message","role":"assistant","content":[],"stop_reason":"end_turn"}`, 0, "stop", true, false},
		{"anthropic refusal", "", "application/json", `{"type":"message","content":[],"stop_reason":"refusal"}`, 0, "content_filter", true, false},
		{"responses, failed", "", "application/json", `{"object":"response","status":"failed","error":{"code":"server_error","message":"boom"}}`, 0, "", true, true},
		{"gemini answer", "", "application/json", `{"candidates":[{"content":{"parts":[{"text":"Okay"}]},"finishReason":"STOP"}]}`, 4, "stop", true, false},
		{"gemini thought only", "", "application/json", `{"candidates":[{"content":{"parts":[{"text":"hmm","thought":true}]},"finishReason":"STOP"}]}`, 0, "stop", true, false},
		{"gemini function call", "", "application/json", `{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{}}}]},"finishReason":"STOP"}]}`, 1, "stop", true, false},
		{"gemini inline image", "", "application/json", `{"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"AA=="}}]},"finishReason":"STOP"}]}`, 1, "stop", true, false},
		{"gemini prompt blocked", "", "application/json", `{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":4}}`, 0, "content_filter", true, false},
		{"gemini answer blocked", "", "application/json", `{"candidates":[{"finishReason":"SAFETY","index":0}]}`, 0, "content_filter", true, false},
		{"gemini no content", "", "application/json", `{"candidates":[{"finishReason":"OTHER","index":0}]}`, 0, "other", true, false},
		{"gemini chunks array", "gemini", "application/json", `[{"candidates":[{"content":{"parts":[{"text":"a"}]}}]},{"candidates":[{"content":{"parts":[{"text":"bc"}]},"finishReason":"MAX_TOKENS"}]}]`, 3, "length", true, false},
		{"gemini chunks array with error", "", "application/json", `[{"candidates":[{"content":{"parts":[{"text":"a"}]}}]},{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}]`, 1, "", true, true},
		{"html page", "", "text/html", `<html><title>ok</title></html>`, 0, "", false, false},
		{"chat completion with text after it", "", "application/json", `{"choices":[{"message":{"content":null},"finish_reason":"stop"}]}
  },
  "error": null
}`, 0, "stop", true, false},
		{"ollama chat", "", "application/json", `{"model":"m","message":{"role":"assistant","content":"pong"},"done_reason":"stop","done":true}`, 4, "stop", true, false},
		{"ollama chat, empty", "", "application/json", `{"model":"m","message":{"role":"assistant","content":""},"done_reason":"stop","done":true}`, 0, "stop", true, false},
		{"ollama chat, a tool call", "", "application/json", `{"model":"m","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f"}}]},"done":true}`, 1, "", true, false},
		{"ollama generate", "", "application/json", `{"model":"m","response":"pong","done":true,"done_reason":"stop"}`, 4, "stop", true, false},
		{"ollama model list", "", "application/json", `{"models":[{"name":"m"}]}`, 0, "", false, false},
		{"chat refusal", "", "application/json", `{"choices":[{"message":{"content":null,"refusal":"I can't help with that."},"finish_reason":"stop"}]}`, 0, "content_filter", true, false},
		{"anthropic message relayed without its type", "", "application/json", `{"stop_reason":"refusal","content":[{"type":"thinking","thinking":""}]}`, 0, "content_filter", true, false},
		{"bedrock converse", "", "application/json", `{"output":{"message":{"content":[{"text":"pong"}],"role":"assistant"}},"stopReason":"end_turn"}`, 4, "stop", true, false},
		{"bedrock converse, guardrail", "", "application/json", `{"output":{"message":{"content":[{"text":"Sorry."}],"role":"assistant"}},"stopReason":"guardrail_intervened"}`, 6, "content_filter", true, false},
		{"native generate", "", "application/json", `{"text":"pong","tokens":1,"finish_reason":"stop"}`, 4, "stop", true, false},
		{"native generate, empty, null finish", "", "application/json", `{"text":"","tokens":-24389,"finish_reason":null}`, 0, "", true, false},
		{"cohere v1 chat", "", "application/json", `{"response_id":"r","text":"Hi","generation_id":"g","finish_reason":"COMPLETE"}`, 2, "stop", true, false},
		{"a text field without a finish", "", "application/json", `{"text":"hello"}`, 0, "", false, false},
		{"cohere v1 chat, a tool call", "", "application/json", `{"text":"","tool_calls":[{"name":"f","parameters":{}}],"finish_reason":"COMPLETE"}`, 1, "stop", true, false},
		{"a text object with a finish", "", "application/json", `{"text":{"format":"x"},"finish_reason":"stop"}`, 0, "", false, false},
		{"chat completion object without choices", "", "application/json", `{"id":"c","object":"chat.completion","model":"m","usage":{"completion_tokens":0}}`, 0, "", true, false},
		{"chat, only an inline chain of thought, cut", "", "application/json", `{"choices":[{"message":{"content":"<reasoning>List them.</reasoning>"},"finish_reason":"length"}]}`, 0, "length", true, false},
		{"legacy completion", "", "application/json", `{"object":"text_completion","choices":[{"index":0,"text":"\n\nHello there","logprobs":null,"finish_reason":"length"}]}`, 13, "length", true, false},
		{"legacy completion, empty text", "", "application/json", `{"object":"text_completion","choices":[{"index":0,"text":"","finish_reason":"stop"}]}`, 0, "stop", true, false},
		{"responses refusal part", "", "application/json", `{"object":"response","status":"completed","output":[{"type":"message","content":[{"type":"refusal","refusal":"No."}]}]}`, 0, "content_filter", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := ParseFor(strings.NewReader("HTTP/1.1 200 OK\r\ncontent-type: "+tt.ctype+"\r\n\r\n"+tt.body), tt.provider)
			if err != nil {
				t.Fatal(err)
			}
			if o.Content != tt.content || o.FinishReason != tt.finish || o.ExpectAnswer != tt.expect {
				t.Fatalf("content %d finish %q expect %v; want %d %q %v", o.Content, o.FinishReason, o.ExpectAnswer, tt.content, tt.finish, tt.expect)
			}
			if got := o.Stream != nil && len(o.Stream.ErrorEvent) > 0; got != tt.streamErr {
				t.Fatalf("error record %v, want %v", got, tt.streamErr)
			}
		})
	}
}

// TestStreams: the dialect is recognised from the events, and captures are read as clients read them.
func TestStreams(t *testing.T) {
	tests := []struct {
		name, provider, body string
		terminal             bool
		content              int
		errRecord            string // a substring of the error record, "" for none
		err                  error  // the body error, nil for none
		malformed            bool
	}{
		{"chat", "", "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n", true, 2, "", nil, false},
		{"chat error record then DONE", "", "data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}\n\ndata: [DONE]\n\n", false, 0, "boom", nil, false},
		{"chat, an answer of only whitespace", "", "data: {\"choices\":[{\"delta\":{\"content\":\"\\n\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", true, 0, "", nil, false},
		{"llama.cpp's error field, then DONE", "", "error: {\"code\":400,\"message\":\"the request exceeds the available context size\",\"type\":\"invalid_request_error\"}\n\ndata: [DONE]\n\n", true, 0, "context size", nil, false},
		{"keep-alive comments only", "", ": PING\n\n: PING\n\n", false, 0, "", errKeepAliveOnly, false},
		{"a status comment only", "", ":HTTP_STATUS/200\n\n", false, 0, "", nil, false},
		{"chat, data lines not separated", "", "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\ndata: [DONE]\n", true, 0, "", nil, false},
		{"chat, last record cut off", "", "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: {\"id\":\"x\",\"created\":16885", false, 2, "", io.ErrUnexpectedEOF, false},
		{"chat, malformed complete record", "", "data: {\"choices\":[{\"delta\":\n\n\n", false, 0, "", errors.New("any"), true},
		{"responses failed", "", "event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"x\"}}}\n\n", false, 0, "server_error", nil, false},
		{"responses error event keeps the provider's document", "", "event: response.created\nevent: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"service_unavailable_error\",\"code\":\"server_is_overloaded\",\"message\":\"busy\"}}\n\n", false, 0, "server_is_overloaded", nil, false},
		{"responses completed", "", "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"abc\"}\n\nevent: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"status\":\"completed\"}}\n\n", true, 3, "", nil, false},
		{"anthropic by events", "", "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"m\"}}\n\nevent: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"hey\"}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", true, 3, "", nil, false},
		{"anthropic by provider, only an error", "anthropic", "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n", false, 0, "overloaded_error", nil, false},
		{"gemini chunks", "", "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Okay\"}]}}]}\n\ndata: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\"}]},\"finishReason\":\"STOP\"}]}\n\n", true, 4, "", nil, false},
		{"a record that is its server's own error document", "", "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\ndata: {\"code\":500,\"msg\":\"inference failed\"}\n\ndata: [DONE]\n\n", true, 0, "inference failed", nil, false},
		{"vLLM's object error record", "", "data: {\"object\":\"error\",\"message\":\"too long\",\"type\":\"BadRequestError\",\"code\":400}\n\n", false, 0, "too long", nil, false},
		{"a usage chunk is not an error", "", "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":1}}\n\ndata: [DONE]\n\n", true, 2, "", nil, false},
		{"a bare FastAPI detail instead of a stream", "", "{\"detail\":\"Model is not loaded\"}\n", false, 0, "not loaded", nil, false},
		{"gemini, bare JSON error after the events", "", "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Okay\"}]},\"finishReason\":\"STOP\"}]}\n\n{\n  \"error\": {\n    \"code\": 503,\n    \"message\": \"The model is overloaded.\",\n    \"status\": \"UNAVAILABLE\"\n  }\n}\n", true, 4, "UNAVAILABLE", nil, false},
		// a whole record that is not JSON: an error in its server's own words, else malformed
		{"python repr error record", "", "data: {'error': {'message': 'prompt too long', 'code': None}}\n\ndata: [DONE]\n\n", false, 0, "prompt too long", nil, false},
		{"plain-text error line", "", "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: Internal Server Error\n\n", false, 2, "Internal Server Error", nil, false},
		{"plain text that names no error stays malformed", "", "data: hello there\n\n", false, 0, "", errors.New("any"), true},
		// captures as people save them: a record pretty-printed over bare lines, a cut record
		{"pretty-printed record", "", "data: {\n  \"type\": \"error\",\n  \"error\": {\"type\": \"overloaded_error\"}\n}\n", false, 0, "overloaded_error", nil, false},
		{"cut error record with typographic quotes", "", "data: {\u201cerror\u201d:{\u201cmessage\u201d:\u201cThe server had an error", false, 0, "server had an error", nil, false},
		{"cut answer chunk that says error", "", "data: {\"choices\":[{\"delta\":{\"content\":\"an error", false, 0, "", io.ErrUnexpectedEOF, false},
		// Cohere's native v2 stream: kebab-case event types, message-end is its terminal event
		{"cohere v2 text", "", "event: message-start\ndata: {\"type\":\"message-start\",\"delta\":{\"message\":{\"role\":\"assistant\",\"content\":[]}}}\n\nevent: content-delta\ndata: {\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\"Hello\"}}}}\n\nevent: message-end\ndata: {\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"COMPLETE\"}}\n\n", true, 5, "", nil, false},
		{"cohere v2 tool call only", "", "data: {\"type\":\"tool-call-start\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}}}}\n\ndata: {\"type\":\"tool-call-end\",\"index\":0}\n\ndata: {\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"TOOL_CALL\"}}\n\n", true, 1, "", nil, false},
		{"cohere v2 without message-end", "", "data: {\"type\":\"content-delta\",\"delta\":{\"message\":{\"content\":{\"text\":\"Hi\"}}}}\n\n", false, 2, "", nil, false},
		{"cohere v2 ending in an error", "", "data: {\"type\":\"content-delta\",\"delta\":{\"message\":{\"content\":{\"text\":\"Hi\"}}}}\n\ndata: {\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"ERROR\",\"error\":\"internal failure\"}}\n\n", true, 2, "internal failure", nil, false},
		// a Python server that wrote its backend's bytes with str(): data: b'…'
		{"python bytes literal chunk", "", "data: b'{\"choices\":[{\"delta\":{\"content\":\"it\\'s\"}}]}'\n\ndata: [DONE]\n\n", true, 4, "", nil, false},
		{"python bytes literal error record", "", "data: b'{\"error\":\"Input validation error: prompt is too long\",\"error_type\":\"validation\"}'\n\ndata: [DONE]\n\n", false, 0, "too long", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := ParseFor(strings.NewReader("HTTP/2 200\r\ncontent-type: text/event-stream\r\n\r\n"+tt.body), tt.provider)
			if err != nil {
				t.Fatal(err)
			}
			if o.Stream == nil {
				t.Fatal("no stream facts")
			}
			if o.Stream.Terminal != tt.terminal || o.Content != tt.content {
				t.Fatalf("terminal %v content %d, want %v %d", o.Stream.Terminal, o.Content, tt.terminal, tt.content)
			}
			if rec := string(o.Stream.ErrorEvent); (tt.errRecord == "") != (rec == "") || !strings.Contains(rec, tt.errRecord) {
				t.Fatalf("error record %q, want one with %q", rec, tt.errRecord)
			}
			if (o.Err == nil) != (tt.err == nil) || (errors.Is(tt.err, io.ErrUnexpectedEOF) && !errors.Is(o.Err, io.ErrUnexpectedEOF)) {
				t.Fatalf("body error %v, want %v", o.Err, tt.err)
			}
			if o.Malformed != tt.malformed {
				t.Fatalf("malformed %v, want %v", o.Malformed, tt.malformed)
			}
		})
	}
}

// TestUnbytes: a Python bytes repr is undone; anything else is left as it came.
func TestUnbytes(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`b'{"a":"it\'s"}'`, `{"a":"it's"}`},
		{`b"{\"a\":1}"`, `{"a":1}`},
		{`b'x\\ny\xe2\x82\xac\n'`, "x\\ny€\n"},
		{`b'\q'`, `\q`},
		{`b'\x4'`, `\x4`},
		{`{"b":1}`, `{"b":1}`},
		{`b'unterminated`, `b'unterminated`},
		{`b'`, `b'`},
	} {
		if got := string(unbytes([]byte(tt.in))); got != tt.want {
			t.Errorf("unbytes(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func har(t *testing.T, entries ...map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"log": map[string]any{"version": "1.2", "entries": entries}})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func harEntry(url string, status int, headers map[string]string, text, encoding string) map[string]any {
	var hs []map[string]string
	for k, v := range headers {
		hs = append(hs, map[string]string{"name": k, "value": v})
	}
	return map[string]any{
		"request":  map[string]any{"method": "POST", "url": url},
		"response": map[string]any{"status": status, "headers": hs, "content": map[string]any{"text": text, "encoding": encoding}},
	}
}

func TestParseHAR(t *testing.T) {
	ok := harEntry("https://api.openai.com/v1/chat/completions", 200, map[string]string{"content-type": "application/json"},
		`{"choices":[{"message":{"content":"pong"}}]}`, "")
	quota := harEntry("https://api.anthropic.com/v1/messages?key=sk-secret", 400, map[string]string{"content-type": "application/json", ":status": "400"},
		`{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API."}}`, "")
	b64 := harEntry("https://generativelanguage.googleapis.com/v1beta/models/x:generateContent", 200, map[string]string{"content-type": "application/json"},
		base64.StdEncoding.EncodeToString([]byte(`{"promptFeedback":{"blockReason":"SAFETY"}}`)), "base64")
	blocked := map[string]any{"request": map[string]any{"method": "GET", "url": "https://api.openai.com/v1/models"},
		"response": map[string]any{"status": 0, "headers": []any{}, "content": map[string]any{}}, "_error": "net::ERR_CONNECTION_REFUSED"}
	file := har(t, ok, quota, b64, ok)

	tests := []struct {
		name, file, provider string
		index, wantIndex     int
		class                classify.Class
		wantProvider         string
	}{
		{"default: the last entry that is not healthy", file, "", -1, 2, classify.ContentFiltered, "gemini"},
		{"explicit entry", file, "", 1, 1, classify.QuotaExhausted, "anthropic"},
		{"explicit healthy entry", file, "", 0, 0, classify.OK, "openai"},
		{"provider flag wins over the host", file, "compatible", 1, 1, classify.QuotaExhausted, "compatible"},
		{"all healthy: the last", har(t, ok, ok), "", -1, 1, classify.OK, "openai"},
		{"no response recorded", har(t, ok, blocked), "", -1, 1, classify.ConnectionError, "openai"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := ParseHAR(strings.NewReader(tt.file), tt.index, tt.provider)
			if err != nil {
				t.Fatal(err)
			}
			c := classify.Classify(e.Outcome)
			if e.Index != tt.wantIndex || c.Class != tt.class || e.Provider != tt.wantProvider {
				t.Fatalf("entry %d %s provider %q; want %d %s %q", e.Index, c.Class, e.Provider, tt.wantIndex, tt.class, tt.wantProvider)
			}
			if strings.Contains(e.URL, "sk-secret") || e.Outcome.Header.Get(":status") != "" {
				t.Fatalf("query or pseudo-header kept: %q %v", e.URL, e.Outcome.Header)
			}
		})
	}
	for name, bad := range map[string]string{"not JSON": "{", "no entries": har(t), "entry out of range": file} {
		if _, err := ParseHAR(strings.NewReader(bad), 9, ""); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestHostileStreamsStayLinear: lines of JSON that never close, outside the SSE framing, once
// made the search for a bare error document quadratic (a second per 64 KiB capture).
func TestHostileStreamsStayLinear(t *testing.T) {
	raw := "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n" + strings.Repeat("{\"a\":[\n", 9000)
	start := time.Now()
	o, err := Parse(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	_ = classify.Classify(o)
	if d := time.Since(start); d > 250*time.Millisecond {
		t.Fatalf("took %v", d)
	}
}

// TestNDJSON: Ollama's native stream, one JSON document a line.
func TestNDJSON(t *testing.T) {
	tests := []struct {
		name, body string
		terminal   bool
		content    int
		errRecord  bool
		err, malf  bool
	}{
		{"answer", "{\"message\":{\"content\":\"po\"},\"done\":false}\n{\"message\":{\"content\":\"ng\"},\"done\":false}\n{\"message\":{\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"}\n", true, 4, false, false, false},
		{"error mid-stream", "{\"response\":\"a\",\"done\":false}\n{\"error\":\"an error was encountered while running the model\"}\n", false, 1, true, false, false},
		{"no done line", "{\"response\":\"a\",\"done\":false}\n", false, 1, false, false, false},
		{"cut off", "{\"response\":\"a\",\"done\":false}\n{\"response\":\"b\",\"do", false, 1, false, true, false},
		{"garbage line", "{\"response\":\"a\",\"done\":false}\nnot json\n{\"done\":true}\n", false, 1, false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Parse(strings.NewReader("HTTP/1.1 200 OK\r\ncontent-type: application/x-ndjson\r\n\r\n" + tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if o.Stream == nil || o.Stream.Terminal != tt.terminal || o.Content != tt.content || (len(o.Stream.ErrorEvent) > 0) != tt.errRecord ||
				(o.Err != nil) != tt.err || o.Malformed != tt.malf {
				t.Fatalf("stream %+v content %d err %v malformed %v", o.Stream, o.Content, o.Err, o.Malformed)
			}
		})
	}
	o, _ := Parse(strings.NewReader("HTTP/1.1 200 OK\r\ncontent-type: application/x-ndjson\r\n\r\n{\"response\":\"a\",\"done\":false}\n{\"error\":\"model requires more system memory\"}\n"))
	if c := classify.Classify(o); c.Class != classify.StreamErrorEvent {
		t.Fatalf("got %s", c.Class)
	}
}

// TestLongAnswers: a served stream longer than BodyCap is read to its terminal marker (only the
// rules' view of the body is cut), and one longer than AnswerCap says the reader cut it.
func TestLongAnswers(t *testing.T) {
	chunk := `data: {"choices":[{"index":0,"delta":{"content":"` + strings.Repeat("x", 200) + `"},"finish_reason":null}]}` + "\n\n"
	end := `data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\ndata: [DONE]\n\n"
	head := "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n"
	tests := []struct {
		name    string
		chunks  int
		wantErr bool
	}{
		{"inside BodyCap", 10, false},
		{"past BodyCap", 3 * BodyCap / len(chunk), false},
		{"past AnswerCap", AnswerCap/len(chunk) + 10, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Parse(strings.NewReader(head + strings.Repeat(chunk, tt.chunks) + end))
			if err != nil {
				t.Fatal(err)
			}
			if len(o.Body) > BodyCap {
				t.Errorf("rules see %d bytes, more than BodyCap", len(o.Body))
			}
			if tt.wantErr {
				if !errors.Is(o.Err, errCaptureCut) {
					t.Errorf("Err = %v, want the capture-cut error", o.Err)
				}
				return
			}
			if o.Err != nil || o.Stream == nil || !o.Stream.Terminal || o.FinishReason != "stop" {
				t.Errorf("Err %v, stream %+v, finish %q: want a whole stream", o.Err, o.Stream, o.FinishReason)
			}
			if got := classify.Classify(o); got.Class != classify.OK {
				t.Errorf("class %s, want ok", got.Class)
			}
		})
	}
}

func TestStatedStatus(t *testing.T) {
	for _, c := range []struct {
		body string
		want int
	}{
		{"id:1\nevent:error\n:HTTP_STATUS/400\ndata:{}\n", 400},
		{"id:1\nevent:result\n:HTTP_STATUS/200\ndata:{}\n\nid:2\nevent:error\n:HTTP_STATUS/503\ndata:{}\n", 503},
		{"event:result\n:HTTP_STATUS/200\ndata:{}\n", 0},
		{`data:{"text":"see :HTTP_STATUS/400"}` + "\n", 0}, // not a comment line
		{":HTTP_STATUS/4", 0},
		{"", 0},
	} {
		if got := statedStatus([]byte(c.body)); got != c.want {
			t.Errorf("statedStatus(%q) = %d, want %d", c.body, got, c.want)
		}
	}
}

// A Bedrock response stream's exception frame after the 200 is the stream's error record; a
// frame of the answer is not.
func TestEventStreamException(t *testing.T) {
	head := "HTTP/1.1 200 OK\r\ncontent-type: application/vnd.amazon.eventstream\r\n\r\n"
	o, err := Parse(strings.NewReader(head + `{"message":"Bedrock is unable to process your request."}`))
	if err != nil {
		t.Fatal(err)
	}
	if c := classify.Classify(o); c.Class != classify.StreamErrorEvent {
		t.Fatalf("exception frame: %s, want stream_error_event", c.Class)
	}
	o, err = Parse(strings.NewReader(head + `{"bytes":"eyJ0eXBlIjoibWVzc2FnZV9zdG9wIn0="}`))
	if err != nil {
		t.Fatal(err)
	}
	if o.Stream != nil {
		t.Fatalf("an answer frame read as an error record: %+v", o.Stream)
	}
}

// DashScope's native stream: the answer under "output", finish_reason the string "null" until
// the end, events with or without blank lines between them.
func TestDashScopeNativeStream(t *testing.T) {
	head := "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream;charset=UTF-8\r\n\r\n"
	ev := func(id int, content, finish string) string {
		return fmt.Sprintf("id:%d\nevent:result\n:HTTP_STATUS/200\ndata:{\"output\":{\"choices\":[{\"message\":{\"content\":%q,\"reasoning_content\":\"\",\"role\":\"assistant\"},\"finish_reason\":%q}]}}\n", id, content, finish)
	}
	for _, c := range []struct {
		name, body string
		want       classify.Class
	}{
		{"whole, no blank lines", ev(1, "Hi", "null") + ev(2, " there", "null") + ev(3, "", "stop"), classify.OK},
		{"whole, blank lines", ev(1, "Hi", "null") + "\n" + ev(2, "", "stop") + "\n", classify.OK},
		{"cut before its finish", ev(1, "Hi", "null") + "\n" + ev(2, " there", "null") + "\n", classify.StreamTruncated},
		{"the old text shape", "data:{\"output\":{\"text\":\"Hi\",\"finish_reason\":\"stop\"}}\n\n", classify.OK},
	} {
		t.Run(c.name, func(t *testing.T) {
			o, err := Parse(strings.NewReader(head + c.body))
			if err != nil {
				t.Fatal(err)
			}
			if got := classify.Classify(o); got.Class != c.want {
				t.Fatalf("%s (%s), want %s", got.Class, got.Message, c.want)
			}
		})
	}
}
