package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

type responsesRequest struct {
	Model           string          `json:"model"`
	Stream          bool            `json:"stream"`
	MaxOutputTokens int             `json:"max_output_tokens"`
	Input           json.RawMessage `json:"input"`
}

// responses serves POST /v1/responses: a response object, or with stream=true the named-event
// stream of docs/signals.md §2.3 (response.created … response.completed).
func (s *Server) responses(w http.ResponseWriter, r *http.Request) {
	var req responsesRequest
	if !decodeRequest(w, r, &req) {
		return
	}
	if req.Model == "" {
		writeError(w, http.StatusBadRequest, "Missing required parameter: 'model'.", "invalid_request_error", "model", "missing_required_parameter")
		return
	}
	msgs := []message{{Role: "user", Content: req.Input}}
	rsp, ok := s.begin(w, r, &chatRequest{Model: req.Model, MaxTokens: req.MaxOutputTokens, Messages: msgs}, "responses")
	if !ok {
		return
	}
	rsp.id = "resp_" + strings.TrimPrefix(rsp.id, "chatcmpl-")
	if !req.Stream {
		if rsp.playWithoutStream(w) || !sleep(r.Context(), rsp.total()) {
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, rsp.responseObject("completed", strings.Join(rsp.tokens, "")))
		return
	}
	s.responsesStream(r.Context(), w, rsp)
}

func (rsp response) total() (d time.Duration) {
	d = rsp.ttft
	for _, g := range rsp.gaps {
		d += g
	}
	return d
}

// responseObject renders the response resource in the given status.
func (rsp response) responseObject(status, text string) string {
	usage := "" // optional, and not nullable in OpenAI's document: absent until the response completes
	if status == "completed" {
		usage = fmt.Sprintf(`,"usage":{"input_tokens":%d,"input_tokens_details":{"cached_tokens":0,"cache_write_tokens":0},"output_tokens":%d,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":%d}`,
			rsp.prompt, len(rsp.tokens), rsp.prompt+len(rsp.tokens))
	}
	output := "[]"
	if text != "" || status == "completed" {
		output = fmt.Sprintf(`[{"id":"msg_sim","type":"message","status":%q,"role":"assistant","content":[{"type":"output_text","text":%s,"annotations":[],"logprobs":[]}]}]`,
			status, quote(text))
	}
	// the fields OpenAI's document requires of every response object, at the values a plain request gets
	return fmt.Sprintf(`{"id":%q,"object":"response","created_at":%d,"status":%q,"model":%s,"output":%s%s,`+
		`"error":null,"incomplete_details":null,"instructions":null,"metadata":{},"parallel_tool_calls":true,`+
		`"temperature":1,"top_p":1,"tool_choice":"auto","tools":[]}`,
		rsp.id, rsp.created, status, rsp.model, output, usage)
}

func (s *Server) responsesStream(ctx context.Context, w http.ResponseWriter, rsp response) {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	rc := http.NewResponseController(w)
	seq := 0
	var buf []byte
	send := func(typ, fields string) bool {
		buf = fmt.Appendf(rsp.stamp(buf[:0]), "event: %s\ndata: {\"type\":%q,\"sequence_number\":%d%s}\n\n", typ, typ, seq, fields)
		seq++
		_, err := w.Write(buf)
		return err == nil && rc.Flush() == nil
	}
	if !send("response.created", `,"response":`+rsp.responseObject("in_progress", "")) ||
		!send("response.in_progress", `,"response":`+rsp.responseObject("in_progress", "")) ||
		!send("response.output_item.added", `,"output_index":0,"item":{"id":"msg_sim","type":"message","status":"in_progress","role":"assistant","content":[]}`) ||
		!send("response.content_part.added", `,"item_id":"msg_sim","output_index":0,"content_index":0,"part":{"type":"output_text","text":"","annotations":[],"logprobs":[]}`) ||
		!sleep(ctx, rsp.ttft) {
		return
	}
	var text strings.Builder
	if !rsp.playTokens(ctx, func(tok string) bool {
		text.WriteString(tok)
		return send("response.output_text.delta", fmt.Sprintf(`,"item_id":"msg_sim","output_index":0,"content_index":0,"delta":%s,"logprobs":[]`, quote(tok)))
	}, func() {
		switch rsp.fault {
		case "responses_failed", "stream_error_record":
			failed := strings.Replace(rsp.responseObject("failed", text.String()), `"error":null`,
				`"error":{"code":"server_error","message":"The model failed to generate a response."}`, 1)
			send("response.failed", `,"response":`+failed)
		case "responses_error_event":
			send("error", `,"code":"server_error","message":"The server had an error while processing your request.","param":null`)
		case "stream_stall":
			<-ctx.Done()
		} // stream_truncate: EOF without a terminal event
	}) {
		return
	}
	t := quote(text.String())
	_ = send("response.output_text.done", `,"item_id":"msg_sim","output_index":0,"content_index":0,"text":`+t+`,"logprobs":[]`) &&
		send("response.content_part.done", `,"item_id":"msg_sim","output_index":0,"content_index":0,"part":{"type":"output_text","text":`+t+`,"annotations":[],"logprobs":[]}`) &&
		send("response.output_item.done", `,"output_index":0,"item":{"id":"msg_sim","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":`+t+`,"annotations":[],"logprobs":[]}]}`) &&
		send("response.completed", `,"response":`+rsp.responseObject("completed", text.String()))
}
