package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
)

// The Realtime API (GET /v1/realtime?model=…, Azure's GA /openai/v1/realtime): a WebSocket that
// opens with session.created, takes conversation.item.create and response.create, and answers
// with the response.* events of a text answer. Faults: HTTP faults refuse the handshake;
// stream_error_record sends an error event, stream_truncate closes with 1011 mid-answer,
// stream_stall goes quiet. With stamps, each event carries "x_sim_t", its write time.

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }} // a test server: any origin

func (s *Server) realtime(w http.ResponseWriter, r *http.Request) {
	model := r.URL.Query().Get("model")
	if model == "" {
		writeError(w, http.StatusBadRequest, "Missing required parameter: 'model'.", "invalid_request_error", "model", "missing_required_parameter")
		return
	}
	if s.retired(model) {
		w.Header().Set("X-Sim-Fault", "model_retired")
		writeError(w, http.StatusNotFound, fmt.Sprintf("The model `%s` has been deprecated, learn more here: https://platform.openai.com/docs/deprecations", model),
			"invalid_request_error", "", "model_not_found")
		return
	}
	fault, factor := s.decide(w.Header(), "realtime")
	if k := scenario.KindOf(fault); k == scenario.HTTP || k == scenario.Transport || k == scenario.Timing {
		if s.preResponseFault(w, r, fault) {
			return
		}
	}
	rsp := s.plan(&chatRequest{Model: model}, factor)
	rsp.fault, rsp.stamps = fault, s.stamps(r)
	h := http.Header{}
	s.headersInto(h, rsp)
	conn, err := upgrader.Upgrade(w, r, h)
	if err != nil {
		return // the upgrader answered the client itself
	}
	defer func() { _ = conn.Close() }()
	conn.SetReadLimit(1 << 20)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go func() { // the client going away ends the session
		<-ctx.Done()
		_ = conn.SetReadDeadline(time.Now())
	}()
	seq := 0
	send := func(typ string, fields map[string]any) bool {
		seq++
		fields["type"], fields["event_id"] = typ, fmt.Sprintf("event_sim%d", seq)
		if rsp.stamps {
			fields["x_sim_t"] = time.Now().UnixNano()
		}
		return conn.WriteJSON(fields) == nil
	}
	session := map[string]any{"id": "sess_sim", "object": "realtime.session", "type": "realtime", "model": model, "output_modalities": []string{"text"}}
	if !send("session.created", map[string]any{"session": session}) {
		return
	}
	for { // wait for response.create (items before it are acknowledged)
		var ev struct {
			Type     string `json:"type"`
			Response struct {
				MaxOutputTokens any `json:"max_output_tokens"`
			} `json:"response"`
		}
		_, msg, err := conn.ReadMessage()
		if err != nil || json.Unmarshal(msg, &ev) != nil {
			return
		}
		if ev.Type == "conversation.item.create" {
			rsp.prompt += 8 // a one-line text item
			if !send("conversation.item.added", map[string]any{"item": map[string]any{"id": "item_user", "type": "message", "role": "user"}}) {
				return
			}
			continue
		}
		if ev.Type == "response.create" {
			if n, ok := ev.Response.MaxOutputTokens.(float64); ok && int(n) > 0 && int(n) < len(rsp.tokens) {
				rsp.tokens, rsp.gaps = rsp.tokens[:int(n)], rsp.gaps[:max(int(n)-1, 0)]
			}
			break
		}
	}
	s.realtimeAnswer(ctx, conn, rsp, send)
}

// realtimeAnswer plays the planned answer as realtime events, or the drawn fault.
func (s *Server) realtimeAnswer(ctx context.Context, conn *websocket.Conn, rsp response, send func(string, map[string]any) bool) {
	ids := map[string]any{"response_id": "resp_sim", "item_id": "item_sim", "output_index": 0, "content_index": 0}
	with := func(extra map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range ids {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	if !send("response.created", map[string]any{"response": map[string]any{"id": "resp_sim", "object": "realtime.response", "status": "in_progress"}}) ||
		!sleep(ctx, rsp.ttft) {
		return
	}
	text := ""
	if !rsp.playTokens(ctx, func(tok string) bool {
		text += tok
		return send("response.output_text.delta", with(map[string]any{"delta": tok}))
	}, func() {
		switch rsp.fault {
		case "stream_error_record", "responses_error_event", "responses_failed":
			send("error", map[string]any{"error": map[string]any{"type": "server_error", "code": "server_error",
				"message": "The server had an error while processing your request. Sorry about that!", "param": nil}})
		case "stream_truncate":
			_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseInternalServerErr, "internal error"), time.Now().Add(time.Second))
		case "stream_stall":
			<-ctx.Done()
		}
	}) {
		return
	}
	usage := map[string]any{"total_tokens": rsp.prompt + len(rsp.tokens), "input_tokens": rsp.prompt, "output_tokens": len(rsp.tokens)}
	_ = send("response.output_text.done", with(map[string]any{"text": text})) &&
		send("response.done", map[string]any{"response": map[string]any{"id": "resp_sim", "object": "realtime.response", "status": "completed", "usage": usage}})
	_, _, _ = conn.ReadMessage() // until the client closes
}
