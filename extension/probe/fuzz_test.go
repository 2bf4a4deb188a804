package probe

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
)

// fuzzTimeouts are short: a fuzzed server that stalls costs an execution its deadline.
var fuzzTimeouts = Timeouts{Connect: 100 * time.Millisecond, TTFB: 150 * time.Millisecond, FirstToken: 150 * time.Millisecond,
	Stall: 60 * time.Millisecond, Total: 250 * time.Millisecond}

// fuzzComponents are what a fuzzed probe asks for (the provider decides the dialect).
var fuzzComponents = []Component{Chat, ChatStream, Responses, Canary, Models, Embeddings, Moderations, Images, Status, Web}

// FuzzProbe: a whole probe against a server whose answer the fuzzer writes — status, header
// lines, body, how the body is cut into writes and the pauses between them, or, raw, every byte
// after the request — with "KEY" and "KYB" in it standing for the target's key and another
// target's. Whatever it sends, the probe ends within its total deadline, in a known class,
// and no text of its result holds a key, a control character or more than its bound.
func FuzzProbe(f *testing.F) {
	for _, s := range []struct {
		comp, prov uint8
		status     uint16
		raw        bool
		head       string
		body       string
		plan       []byte
	}{
		{0, 0, 200, false, "Content-Type: application/json", answerJSON, nil},
		{1, 0, 200, false, "Content-Type: text/event-stream", sseBody("\n"), []byte{40, 1, 40, 2}},
		{1, 4, 200, false, "Content-Type: text/event-stream", sseBody("\r"), []byte{7, 0, 7, 3, 7, 0}},
		{1, 2, 200, false, "Content-Type: text/event-stream", "event: message_start\ndata: " + msgStart + "\n\nevent: content_block_delta\ndata: " + msgDelta + "\n\ndata: " + msgStop + "\n\n", nil},
		{2, 0, 200, false, "Content-Type: text/event-stream", "event: response.output_text.delta\ndata: " + respDelta + "\n\ndata: " + respCompleted + "\n\n", nil},
		{3, 0, 200, false, "Content-Type: application/json\nX-Request-Id: Bearer KEY", `{"choices":[{"message":{"content":"KYB KEY"}}]}`, nil},
		{0, 0, 401, false, "Content-Type: application/json", `{"error":{"message":"Incorrect API key provided: KEY","code":"invalid_api_key"}}`, nil},
		{0, 0, 429, false, "Retry-After: 99999999999999999999999\nRetry-After-Ms: -5", `{"error":{"message":"Rate limit reached","type":"requests"}}`, nil},
		{0, 0, 200, false, "Content-Type: application/json\nContent-Length: 5000000000", `{"choices":[`, nil},
		{0, 0, 200, false, "Transfer-Encoding: chunked", "zz\r\nKEY\r\n", nil},
		{1, 0, 200, false, "Content-Type: text/event-stream\nTransfer-Encoding: chunked", "7\r\ndata: K\r\n", []byte{3, 5}},
		{1, 0, 200, false, "Content-Type: text/event-stream", sseBody("\n"), []byte{70, 0, 70, 3, 3}}, // stalls, then holds
		{0, 0, 200, false, "Content-Type: application/json", `{"choices":`, []byte{3}},                // silence after a part
		{0, 0, 0, true, "HTTP/1.1 103 Early Hints\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", "", nil},
		{0, 0, 0, true, "\x00\x00\x00\x04\x00\x00\x00\x00\x00", "", nil},
		{8, 0, 200, false, "Content-Type: application/json", `{"page":{"name":"KEY"},"status":{"indicator":"none"},"components":[]}`, nil},
		{9, 0, 200, false, "Content-Type: text/html", "<html><title>KEY</title></html>", nil},
	} {
		f.Add(s.comp, s.prov, s.status, s.raw, s.head, []byte(s.body), s.plan)
	}
	f.Fuzz(func(t *testing.T, comp, prov uint8, status uint16, raw bool, head string, body, plan []byte) {
		t.Parallel() // the committed corpus holds many that wait out a deadline: run it side by side
		tg := &Target{Provider: Providers[int(prov)%len(Providers)], Model: "gpt-4o-mini", APIKey: ownKey, Timeouts: fuzzTimeouts,
			BaseURL: "http://fuzz.invalid/v1", WebURL: "http://fuzz.invalid/", StatusURL: "http://fuzz.invalid/status.json", Secrets: &secret.Set{}}
		tg.Secrets.Add(otherKey)
		if err := tg.Validate(); err != nil {
			t.Fatal(err)
		}
		c := fuzzComponents[int(comp)%len(fuzzComponents)]
		if tg.Supports(c) != nil {
			c = Chat
		}
		echo := strings.NewReplacer("KEY", ownKey, "KYB", otherKey)
		wire := echo.Replace(head)
		if !raw {
			wire = fmt.Sprintf("HTTP/1.1 %03d X\r\n%s\r\n\r\n", status%1000, strings.ReplaceAll(wire, "\n", "\r\n"))
		}
		tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			client, server := net.Pipe()
			go serveFuzz(server, []byte(wire), []byte(echo.Replace(string(body))), plan)
			return client, nil
		}}
		defer tr.CloseIdleConnections()
		start := time.Now()
		r := Run(context.Background(), tr, tg, c)
		// A probe waiting on the server would take the server's 10 s; the slack absorbs a loaded
		// machine (fuzz workers on shared cores descheduled for seconds: 2b47f8548e3185a0 took
		// 2.8 s once in fuzzing, never more than 1 s in 1,500 runs of it alone).
		if took := time.Since(start); took > tg.Timeouts.Total+5*time.Second {
			t.Fatalf("took %v", took)
		}
		if !slices.Contains(classify.Classes, r.Class) {
			t.Fatalf("class %q", r.Class)
		}
		for _, l := range leaks(r) {
			t.Fatal(l)
		}
		for name, s := range texts(r) {
			if !utf8.ValidString(s) || len(s) > stream4K+maxMessage {
				t.Fatalf("%s: %d bytes, valid UTF-8 %v", name, len(s), utf8.ValidString(s))
			}
			if name != "Answer" && strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				t.Fatalf("%s holds a control character: %q", name, s)
			}
		}
	})
}

// stream4K is stream.MaxText, the bound of a kept answer.
const stream4K = 4 << 10

// Pauses the fuzzer picks from: none, short, and longer than the stall deadline; and how long
// the connection stays open, silent, after the last byte: past the total deadline at most.
var (
	fuzzPauses = [4]time.Duration{0, time.Millisecond, 5 * time.Millisecond, 80 * time.Millisecond}
	fuzzHolds  = [4]time.Duration{0, 0, 100 * time.Millisecond, 300 * time.Millisecond}
)

// serveFuzz reads one request from c and answers it with head, then body in the pieces plan
// gives (a length and a pause per pair), then holds the connection as a last odd byte of plan
// says, and closes.
func serveFuzz(c net.Conn, head, body, plan []byte) {
	defer func() { _ = c.Close() }()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second)) // far past any deadline of the probe: a probe waiting on the server shows
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err != nil {
		return
	}
	go func() { _, _ = io.Copy(io.Discard, req.Body) }() // net.Pipe is unbuffered: drain while answering
	if _, err := c.Write(head); err != nil {
		return
	}
	for i := 0; len(body) > 0; i += 2 {
		n := len(body)
		if i+1 < len(plan) {
			n = min(n, int(plan[i])+1)
			time.Sleep(fuzzPauses[plan[i+1]%4])
		}
		if _, err := c.Write(body[:n]); err != nil {
			return
		}
		body = body[n:]
	}
	if len(plan)%2 == 1 {
		time.Sleep(fuzzHolds[plan[len(plan)-1]%4])
	}
}

const answerJSON = `{"choices":[{"message":{"content":"pong"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":1}}`

func sseBody(eol string) string {
	return strings.ReplaceAll(roleChunk+"\n\n"+contentChunk+"\n\n"+finishChunk+"\n\ndata: [DONE]\n\n", "\n", eol)
}
