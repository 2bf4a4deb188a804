package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// The Realtime API (wss://api.openai.com/v1/realtime, GA): one WebSocket per probe. The probe
// waits for session.created, sends one text item and response.create, and reads events until
// response.done. Timings: connect is the WebSocket handshake, TTFB the session, TTFT the first
// text delta, total response.done.

// realtimeURL is the WebSocket URL of the realtime component: OpenAI's /realtime?model=, or
// Azure's GA path /openai/v1/realtime?model={deployment}.
func (t *Target) realtimeURL(model string) (string, error) {
	base := t.BaseURL + "/realtime"
	if t.Provider == Azure {
		base = t.BaseURL + "/openai/v1/realtime"
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("realtime URL: %w", err)
	}
	switch u.Scheme {
	case "https":
		u.Scheme = "wss"
	case "http":
		u.Scheme = "ws"
	}
	u.RawQuery = url.Values{"model": {model}}.Encode()
	return u.String(), nil
}

// realtimeEvent is what the probe reads of a server event.
type realtimeEvent struct {
	Type     string          `json:"type"`
	Delta    string          `json:"delta"`
	Error    json.RawMessage `json:"error"`
	Response *struct {
		Status string `json:"status"`
		Usage  *struct {
			Input  int `json:"input_tokens"`
			Output int `json:"output_tokens"`
		} `json:"usage"`
		StatusDetails json.RawMessage `json:"status_details"`
	} `json:"response"`
	SimStamp int64 `json:"x_sim_t"` // a stamping simulator's write time (GroundTruth only)
}

// maxRealtimeMessage bounds one server event (a text probe's are a few hundred bytes).
const maxRealtimeMessage = 1 << 20

// runRealtime performs one realtime probe; o and r are filled as runProbe's HTTP path fills them.
func (p *run) runRealtime(ctx context.Context, t *Target, model string, o *classify.Outcome, r *Result) {
	wsURL, err := t.realtimeURL(model)
	if err != nil {
		o.Err, o.Stage = err, classify.StageConnect
		return
	}
	h := http.Header{}
	h.Set("User-Agent", t.UserAgent)
	h.Set(SyntheticHeader, SyntheticValue)
	if t.GroundTruth {
		h.Set("X-Sim-Stamps", "1")
	}
	if t.APIKey != "" {
		if t.Provider == Azure {
			h.Set("Api-Key", t.APIKey)
		} else {
			h.Set("Authorization", "Bearer "+t.APIKey)
		}
	}
	d := websocket.Dialer{HandshakeTimeout: t.Timeouts.Connect + t.Timeouts.TTFB, Proxy: http.ProxyFromEnvironment,
		NetDialContext: (&net.Dialer{Timeout: t.Timeouts.Connect}).DialContext}
	p.mu.Lock()
	p.connStart = p.start
	p.mu.Unlock()
	conn, resp, err := d.DialContext(ctx, wsURL, h)
	if resp != nil {
		p.headersAt(time.Now())
		o.Status, o.Header, o.Stage = resp.StatusCode, resp.Header, classify.StageBody
		r.Status, r.RequestID, r.SimFault = resp.StatusCode, firstHeader(resp.Header, "X-Request-Id", "Apim-Request-Id"), resp.Header.Get("X-Sim-Fault")
		if resp.Body != nil {
			o.Body, _ = io.ReadAll(io.LimitReader(resp.Body, ErrorBodyCap))
			_ = resp.Body.Close()
		}
	}
	if err != nil {
		if resp == nil || resp.StatusCode == http.StatusSwitchingProtocols {
			o.Err, o.Stage, o.Status = err, p.stage(), 0
		}
		return // a refused handshake is classified by its status and body
	}
	defer func() { _ = conn.Close() }()
	p.mu.Lock()
	p.connDone = time.Now()
	p.mu.Unlock()
	conn.SetReadLimit(maxRealtimeMessage)
	stop := context.AfterFunc(ctx, func() { _ = conn.NetConn().Close() }) // deadlines and the caller end the read
	defer stop()
	o.Status, o.Stream = http.StatusOK, &classify.StreamFacts{}
	var answer strings.Builder
	var first, last time.Time
	var gaps, maxGap time.Duration
	tokens := 0
	defer func() {
		r.Timings.TTFT, r.Timings.TTFA = ms(p.start, first), ms(p.start, first)
		if tokens > 1 {
			r.Timings.ITL = float64(gaps) / float64(tokens-1) / float64(time.Millisecond)
			r.Timings.ITLMax = float64(maxGap) / float64(time.Millisecond)
		}
		if r.Usage.Output == 0 && tokens > 0 {
			r.Usage.Output, r.TokensEstimated = tokens, true
		}
	}()
	sent := false
	for {
		// the first-token deadline until the first delta, then the stall window between deltas
		deadline := p.start.Add(t.Timeouts.FirstToken)
		if !last.IsZero() {
			deadline = last.Add(t.Timeouts.Stall)
		}
		_ = conn.SetReadDeadline(deadline)
		_, msg, err := conn.ReadMessage()
		at := time.Now()
		if err != nil {
			var ce *websocket.CloseError
			var ne net.Error
			switch {
			case errors.As(err, &ce):
				p.closed(ce, o, r)
			case errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil:
				p.cancel(errStalled)
				o.Err = err
			default:
				o.Err = err
			}
			return
		}
		r.BytesIn += int64(len(msg))
		var ev realtimeEvent
		if json.Unmarshal(msg, &ev) != nil {
			o.Err, o.Malformed = errors.New("realtime: an event that is not JSON"), true
			break
		}
		switch ev.Type {
		case "session.created":
			if !sent {
				p.mu.Lock()
				p.firstByte = at // the session is the realtime API's first answer
				p.mu.Unlock()
				if err := p.sendRealtime(conn, t, model); err != nil {
					o.Err = err
					return
				}
				sent = true
			}
		case "response.output_text.delta", "response.text.delta", "response.output_audio_transcript.delta":
			if ev.Delta == "" {
				continue
			}
			if first.IsZero() {
				first = at
				if ev.SimStamp > 0 {
					r.TrueTTFT = float64(ev.SimStamp-p.start.UnixNano()) / float64(time.Millisecond)
				}
			} else {
				gaps += at.Sub(last)
				maxGap = max(maxGap, at.Sub(last))
			}
			last = at
			tokens++
			if answer.Len() < 4096 {
				answer.WriteString(ev.Delta)
			}
			o.Content += len(ev.Delta)
		case "error":
			o.Stream.ErrorEvent = msg
			return
		case "response.done":
			o.Stream.Terminal = true
			if rs := ev.Response; rs != nil {
				if rs.Usage != nil {
					r.Usage = Usage{Input: rs.Usage.Input, Output: rs.Usage.Output}
				}
				if rs.Status == "failed" {
					o.Stream.ErrorEvent = bytes.Clone(rs.StatusDetails)
					if len(o.Stream.ErrorEvent) == 0 {
						o.Stream.ErrorEvent = []byte(`{"error":{"message":"response failed"}}`)
					}
				}
				o.FinishReason = rs.Status
			}
			r.FinishReason = o.FinishReason
			if t.RecordContent {
				r.Answer = answer.String()
			}
			_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
			return
		}
	}
}

// sendRealtime asks for one short text answer.
func (p *run) sendRealtime(conn *websocket.Conn, t *Target, model string) error {
	item := map[string]any{"type": "conversation.item.create", "item": map[string]any{"type": "message", "role": "user",
		"content": []map[string]string{{"type": "input_text", "text": t.Prompt}}}}
	create := map[string]any{"type": "response.create", "response": map[string]any{"output_modalities": []string{"text"},
		"max_output_tokens": t.maxTokens(model)}}
	for _, m := range []any{item, create} {
		if err := conn.WriteJSON(m); err != nil {
			return fmt.Errorf("realtime: send: %w", err)
		}
	}
	return nil
}

// closed judges a close frame that came before response.done: the server's reason, read as an
// error, when it names one (1008 policy violations carry the key, quota or model problem), else
// a cut answer.
func (p *run) closed(ce *websocket.CloseError, o *classify.Outcome, r *Result) {
	reason, _ := json.Marshal(map[string]any{"error": map[string]any{"message": ce.Text, "code": fmt.Sprint(ce.Code)}})
	switch ce.Code {
	case websocket.ClosePolicyViolation, websocket.CloseInternalServerErr, websocket.CloseTryAgainLater, websocket.CloseServiceRestart:
		o.Stream.ErrorEvent = reason
	default: // normal or going away before the answer finished: the answer was cut short
		o.Err = fmt.Errorf("realtime: closed with %d %q before response.done", ce.Code, ce.Text)
	}
	r.ProviderCode = fmt.Sprint(ce.Code)
}
