package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The Anthropic-style Messages API (POST /v1/messages), for probes of the anthropic dialect:
// its JSON message, its named-event stream and its error envelope (docs/signals.md §1.5 and
// §2.4). Scenario faults drawn for the "messages" component are served in Anthropic's shape;
// Cloudflare faults stay Cloudflare's, since they come from the edge in front of either API.

type messagesRequest struct {
	Model     string    `json:"model"`
	MaxTokens int       `json:"max_tokens"`
	Stream    bool      `json:"stream"`
	Messages  []message `json:"messages"`
}

func (s *Server) messages(w http.ResponseWriter, r *http.Request) {
	var req messagesRequest
	if !decodeRequest(w, r, &req) {
		return
	}
	switch {
	case req.Model == "":
		writeAnthropicError(w, 400, "invalid_request_error", "model: Field required")
		return
	case req.MaxTokens <= 0:
		writeAnthropicError(w, 400, "invalid_request_error", "max_tokens: Field required")
		return
	case len(req.Messages) == 0:
		writeAnthropicError(w, 400, "invalid_request_error", "messages: at least one message is required")
		return
	}
	comp, answer, canary := component(req.Messages, "messages")
	fault, factor := s.decide(w.Header(), comp)
	if s.anthropicFault(w, r, fault) {
		return
	}
	rsp := s.plan(&chatRequest{Model: req.Model, MaxTokens: req.MaxTokens, Messages: req.Messages}, factor)
	rsp.fault, rsp.stamps = fault, s.stamps(r)
	rsp.settle(answer, canary)
	rsp.id = "msg_" + strings.TrimPrefix(rsp.id, "chatcmpl-")
	h := w.Header()
	simHeaders(h, rsp)
	h.Set("Request-Id", "req_"+rsp.id[4:])
	h.Set("Anthropic-Ratelimit-Requests-Limit", "4000")
	h.Set("Anthropic-Ratelimit-Requests-Remaining", "3999")
	h.Set("Anthropic-Ratelimit-Requests-Reset", time.Now().UTC().Add(time.Minute).Format(time.RFC3339))
	if req.Stream {
		s.messagesStream(r.Context(), w, rsp)
		return
	}
	if rsp.fault != "" && rsp.fault != "empty_200" { // a stream fault on a plain request: a 500 as Anthropic sends
		writeAnthropicError(w, 500, "api_error", "Internal server error")
		return
	}
	if rsp.fault == "empty_200" {
		rsp.tokens = nil
	}
	if !sleep(r.Context(), rsp.total()) {
		return
	}
	h.Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, rsp.anthropicMessage(strings.Join(rsp.tokens, ""), `"end_turn"`))
}

func (rsp response) anthropicMessage(text, stop string) string {
	content := "[]"
	if text != "" {
		content = `[{"type":"text","text":` + quote(text) + `}]`
	}
	return fmt.Sprintf(`{"id":%q,"type":"message","role":"assistant","model":%s,"content":%s,"stop_reason":%s,"stop_sequence":null,"usage":{"input_tokens":%d,"output_tokens":%d}}`,
		rsp.id, rsp.model, content, stop, rsp.prompt, len(rsp.tokens))
}

// messagesStream writes Anthropic's event sequence: message_start, content_block_start, ping,
// content_block_delta per token, content_block_stop, message_delta (stop reason, usage),
// message_stop.
func (s *Server) messagesStream(ctx context.Context, w http.ResponseWriter, rsp response) {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	rc := http.NewResponseController(w)
	var buf []byte
	send := func(typ, data string) bool {
		buf = rsp.stamp(buf[:0])
		buf = append(buf, "event: "...)
		buf = append(buf, typ...)
		buf = append(buf, "\ndata: "...)
		buf = append(buf, data...)
		buf = append(buf, "\n\n"...)
		_, err := w.Write(buf)
		return err == nil && rc.Flush() == nil
	}
	start := strings.Replace(rsp.anthropicMessage("", "null"), `"output_tokens":`+strconv.Itoa(len(rsp.tokens)), `"output_tokens":1`, 1)
	if !send("message_start", `{"type":"message_start","message":`+start+`}`) ||
		!send("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`) ||
		!send("ping", `{"type": "ping"}`) || !sleep(ctx, rsp.ttft) {
		return
	}
	if !rsp.playTokens(ctx, func(tok string) bool {
		return send("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":`+quote(tok)+`}}`)
	}, func() {
		switch rsp.fault {
		case "stream_truncate":
		case "stream_stall":
			<-ctx.Done()
		default:
			send("error", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`)
		}
	}) {
		return
	}
	n := len(rsp.tokens)
	if rsp.fault == "empty_200" {
		n = 0
	}
	_ = send("content_block_stop", `{"type":"content_block_stop","index":0}`) &&
		send("message_delta", fmt.Sprintf(`{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":%d}}`, n)) &&
		send("message_stop", `{"type":"message_stop"}`)
}

// anthropicFault plays a fault that happens before the response, in Anthropic's shape. It
// reports whether the request is finished.
func (s *Server) anthropicFault(w http.ResponseWriter, r *http.Request, fault string) bool {
	f, ok := httpFaults[fault]
	if !ok || f.edge || fault == "anthropic_529" {
		return s.preResponseFault(w, r, fault)
	}
	status, typ := f.status, ""
	switch fault {
	case "quota":
		status, typ = 402, "billing_error"
	case "overloaded_503", "overloaded_429_legacy", "gemini_503", "llamacpp_loading":
		status, typ = 529, "overloaded_error"
	}
	if typ == "" {
		typ = anthropicErrorType(status)
	}
	msg := http.StatusText(status)
	var env struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal([]byte(f.body), &env) == nil && env.Error.Message != "" {
		msg = env.Error.Message
	}
	if fault == "quota" {
		msg = "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."
	}
	h := w.Header()
	h.Set("Request-Id", "req_sim_"+fault)
	h.Set("X-Sim-Fault", fault)
	h.Set("Cf-Ray", "939c76b12a3f062d-IAD")
	h.Set("Server", "cloudflare")
	if status == 429 || status >= 500 {
		h.Set("X-Should-Retry", "true")
	}
	for _, kv := range f.hdrs {
		if strings.EqualFold(kv[0], "Retry-After") {
			h.Set(kv[0], kv[1])
		}
	}
	writeAnthropicError(w, status, typ, msg)
	return true
}

func anthropicErrorType(status int) string {
	switch status {
	case 400:
		return "invalid_request_error"
	case 401:
		return "authentication_error"
	case 402:
		return "billing_error"
	case 403:
		return "permission_error"
	case 404:
		return "not_found_error"
	case 413:
		return "request_too_large"
	case 429:
		return "rate_limit_error"
	case 529:
		return "overloaded_error"
	}
	if status >= 500 {
		return "api_error"
	}
	return "invalid_request_error"
}

func writeAnthropicError(w http.ResponseWriter, status int, typ, msg string) {
	body := `{"type":"error","error":{"type":` + quote(typ) + `,"message":` + quote(msg) + `},"request_id":"req_sim"}`
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}
