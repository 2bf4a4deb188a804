package sim

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
)

// answer is what the simulated model says, one token per entry.
var answer = []string{"Pong", ".", " The", " service", " is", " up", " and", " answering", " normally", " today", "."}

type chatRequest struct {
	Model               string `json:"model"`
	Stream              bool   `json:"stream"`
	MaxTokens           int    `json:"max_tokens"`
	MaxCompletionTokens int    `json:"max_completion_tokens"`
	ReasoningEffort     string `json:"reasoning_effort"`
	StreamOptions       struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	Messages []message `json:"messages"`
}

// message is one chat message, in the shape both the OpenAI and the Anthropic API take.
type message struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// maxRequest bounds request bodies; probes send a few hundred bytes.
const maxRequest = 1 << 20

// response is one planned answer: what to send and when.
type response struct {
	id      string
	model   string // JSON-quoted
	created int64
	ttft    time.Duration
	gaps    []time.Duration // before each token after the first
	tokens  []string
	prompt  int
	fault   string // stream or timing fault to act out, "" for none
	truth   string // a fault that changes only the answer (wrong_answer), for X-Sim-Fault
	stamps  bool   // precede each SSE event with its write time (see stamp)
	// reasoning is how many of tokens, first, are the model's thinking (reasoning.go); length
	// says the answer budget ran out.
	reasoning int
	length    bool
}

func (s *Server) plan(req *chatRequest, factor float64) response {
	n := s.cfg.Baseline.OutputTokens
	if limit := max(req.MaxTokens, req.MaxCompletionTokens); limit > 0 && limit < n {
		n = limit
	}
	rsp := response{id: "chatcmpl-" + s.requestID()[4:], created: time.Now().Unix(), tokens: make([]string, n)}
	for i := range rsp.tokens {
		rsp.tokens[i] = answer[i%len(answer)]
	}
	m, _ := json.Marshal(req.Model)
	rsp.model = string(m)
	rsp.gaps = make([]time.Duration, max(n-1, 0))
	s.draw(func(r *rand.Rand) {
		rsp.ttft = time.Duration(float64(s.cfg.Baseline.TTFT.Sample(r)) * factor)
		for i := range rsp.gaps {
			rsp.gaps[i] = time.Duration(float64(s.cfg.Baseline.ITL.Sample(r)) * factor)
		}
	})
	for _, msg := range req.Messages {
		rsp.prompt += 4 + len(msg.Content)/4 // roughly what a tokenizer gives for short English text
	}
	return rsp
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	var req chatRequest
	if !decodeRequest(w, r, &req) {
		return
	}
	if req.Model == "" {
		writeError(w, http.StatusBadRequest, "you must provide a model parameter", "invalid_request_error", "model", "")
		return
	}
	component := "chat"
	if req.Stream {
		component = "chat_stream"
	}
	rsp, ok := s.begin(w, r, &req, component)
	if !ok {
		return
	}
	s.think(&req, &rsp)
	if req.Stream {
		s.stream(w, r, rsp, req.StreamOptions.IncludeUsage)
		return
	}
	if rsp.playWithoutStream(w) {
		return
	}
	if !sleep(r.Context(), rsp.total()) {
		return
	}
	text, _ := json.Marshal(strings.Join(rsp.answerText(), ""))
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id":%q,"object":"chat.completion","created":%d,"model":%s,"choices":[{"index":0,"message":{"role":"assistant","content":%s,"refusal":null},"logprobs":null,"finish_reason":%s}],"usage":%s,"service_tier":"default","system_fingerprint":"fp_sim"}`,
		rsp.id, rsp.created, rsp.model, text, rsp.finish(), rsp.usage())
}

// stream writes the SSE answer like the real API: a role-only chunk at once, content chunks on
// the planned schedule, a finish chunk, the usage chunk when asked for, then [DONE].
func (s *Server) stream(w http.ResponseWriter, r *http.Request, rsp response, usage bool) {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	rc := http.NewResponseController(w)
	ctx := r.Context()
	buf := make([]byte, 0, 512)
	send := func(delta, finish, usageJSON string) bool {
		buf = rsp.stamp(buf[:0])
		buf = append(buf, `data: {"id":"`...)
		buf = append(buf, rsp.id...)
		buf = append(buf, `","object":"chat.completion.chunk","created":`...)
		buf = strconv.AppendInt(buf, rsp.created, 10)
		buf = append(buf, `,"model":`...)
		buf = append(buf, rsp.model...)
		buf = append(buf, `,"service_tier":"default","system_fingerprint":"fp_sim","choices":[`...)
		if usageJSON == "" {
			buf = append(buf, `{"index":0,"delta":`...)
			buf = append(buf, delta...)
			buf = append(buf, `,"logprobs":null,"finish_reason":`...)
			buf = append(buf, finish...)
			buf = append(buf, `}`...)
		}
		buf = append(buf, `],"usage":`...)
		if usageJSON == "" {
			buf = append(buf, `null`...)
		} else {
			buf = append(buf, usageJSON...)
		}
		buf = append(buf, "}\n\n"...)
		if _, err := w.Write(buf); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send(`{"role":"assistant","content":"","refusal":null}`, "null", "") || !sleep(ctx, rsp.ttft) {
		return
	}
	i := 0
	if !rsp.playTokens(ctx, func(tok string) bool { i++; return send(rsp.delta(i-1, tok), "null", "") },
		func() { streamFault(ctx, w, rc, rsp.fault) }) {
		return
	}
	if !send(`{}`, rsp.finish(), "") {
		return
	}
	if usage && !send("", "", rsp.usage()) {
		return
	}
	_, _ = w.Write(append(rsp.stamp(buf[:0]), "data: [DONE]\n\n"...))
	_ = rc.Flush()
}

// begin opens an answer for component: it plays a fault that happens before the response,
// else plans the tokens (with the phase's latency factor) and writes the origin headers. It
// reports false when the request is already finished.
func (s *Server) begin(w http.ResponseWriter, r *http.Request, req *chatRequest, plain string) (response, bool) {
	comp, answer, canary := component(req.Messages, plain)
	fault, factor := s.decide(w.Header(), comp)
	if s.preResponseFault(w, r, fault) {
		return response{}, false
	}
	rsp := s.plan(req, factor)
	rsp.fault, rsp.stamps = fault, s.stamps(r)
	rsp.settle(answer, canary)
	s.headers(w, rsp)
	return rsp, true
}

// playWithoutStream acts out a stream fault drawn for a non-streaming request: empty_200 empties
// the answer; the others become a 200 carrying an error object, so x-sim-fault stays true. It
// reports whether the response is finished.
func (rsp *response) playWithoutStream(w http.ResponseWriter) bool {
	switch rsp.fault {
	case "":
		return false
	case "empty_200":
		rsp.tokens = []string{""}
		return false
	}
	_, _ = io.WriteString(w, `{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error"}}`)
	return true
}

// playTokens paces the planned tokens (the first is due at once: the caller waited for the
// first token after its preamble), stops early for empty_200, and acts out a stream fault with
// fault after scenario.StreamFaultAfter tokens. It reports whether the stream goes on to its normal ending.
func (rsp *response) playTokens(ctx context.Context, emit func(tok string) bool, fault func()) bool {
	for i, tok := range rsp.tokens {
		if i > 0 && !sleep(ctx, rsp.gaps[i-1]) {
			return false
		}
		switch {
		case rsp.fault == "empty_200":
			return true
		case i == scenario.StreamFaultAfter && rsp.fault != "":
			fault()
			return false
		case !emit(tok):
			return false
		}
	}
	return true
}

// preResponseFault acts out faults that happen before any response body: error responses,
// transport cuts and a stalled first byte. It reports whether the request is finished.
func (s *Server) preResponseFault(w http.ResponseWriter, r *http.Request, fault string) bool {
	switch fault {
	case "":
		return false
	case "conn_refused", "dns_fail", "tls_fail":
		resetConnection(w)
		return true
	case "ttfb_stall": // the 2024-12-04 pattern: 30 s before the first byte, then a normal answer
		return !sleep(r.Context(), 30*time.Second)
	}
	return s.writeFault(w, fault)
}

// streamFault ends a stream the way fault id describes.
func streamFault(ctx context.Context, w http.ResponseWriter, rc *http.ResponseController, fault string) {
	switch fault {
	case "stream_truncate": // the handler returns: EOF with no [DONE]
	case "stream_stall":
		<-ctx.Done()
	case "responses_error_event", "responses_failed":
		_, _ = io.WriteString(w, "event: error\ndata: {\"type\":\"error\",\"code\":\"server_error\",\"message\":\"The model failed to generate a response.\",\"param\":null,\"sequence_number\":4}\n\n")
	default: // stream_error_record and HTTP faults drawn mid-stream
		_, _ = io.WriteString(w, "data: {\"error\": {\"message\": \"The server had an error while processing your request. Sorry about that!\", \"type\": \"server_error\"}}\n\n")
	}
	_ = rc.Flush()
}

// headers are the origin headers the real API sends on every response.
func (s *Server) headers(w http.ResponseWriter, rsp response) {
	h := w.Header()
	s.headersInto(h, rsp)
	h.Set("X-Request-Id", s.requestID())
}

func (s *Server) headersInto(h http.Header, rsp response) {
	h.Set("X-Request-Id", "req_sim")
	h.Set("Openai-Processing-Ms", strconv.FormatInt(rsp.ttft.Milliseconds(), 10))
	h.Set("Openai-Version", "2020-10-01")
	h.Set("X-Ratelimit-Limit-Requests", "10000")
	h.Set("X-Ratelimit-Remaining-Requests", "9999")
	h.Set("X-Ratelimit-Reset-Requests", "6ms")
	h.Set("X-Ratelimit-Limit-Tokens", "10000000")
	h.Set("X-Ratelimit-Remaining-Tokens", "9999980")
	h.Set("X-Ratelimit-Reset-Tokens", "0s")
	simHeaders(h, rsp)
}

// simHeaders are the simulator's ground truth for the response, in any dialect.
func simHeaders(h http.Header, rsp response) {
	h.Set("X-Sim-Fault", cmp.Or(rsp.fault, rsp.truth, "none"))
	h.Set("X-Sim-Ttft-Ms", strconv.FormatFloat(float64(rsp.ttft)/float64(time.Millisecond), 'f', 3, 64))
}

func (s *Server) models(w http.ResponseWriter, r *http.Request) {
	done, factor := s.jsonFault(w, r, "models")
	if done || !sleep(r.Context(), s.pageLatency(factor)) { // a list, not a model run: a page's latency
		return
	}
	s.headers(w, response{})
	w.Header().Set("Content-Type", "application/json")
	var b strings.Builder
	b.WriteString(`{"object":"list","data":[`)
	for i, m := range s.cfg.Models {
		if i > 0 {
			b.WriteByte(',')
		}
		q, _ := json.Marshal(m)
		shutdown := "null"
		if d := s.shutdownDate(m); d != "" {
			shutdown = `"` + d + `"`
		}
		fmt.Fprintf(&b, `{"id":%s,"object":"model","created":1686935002,"owned_by":"system","shutdown_date":%s}`, q, shutdown)
	}
	b.WriteString(`]}`)
	_, _ = io.WriteString(w, b.String())
}

func (s *Server) root(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"message":"Welcome to the OpenAI API! Documentation is available at https://platform.openai.com/docs/api-reference"}`)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path), "invalid_request_error", "", "")
}

// writeError sends the OpenAI error envelope.
func writeError(w http.ResponseWriter, status int, message, typ, param, code string) {
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	body, _ := json.Marshal(map[string]any{"error": map[string]any{
		"message": message, "type": typ, "param": null(param), "code": null(code),
	}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
