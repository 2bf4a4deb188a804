package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
)

// Webhook posts each event as JSON to URL (CHATGPT_WEBHOOK_URL). Its "text" field is what Slack,
// Mattermost, Rocket.Chat and Teams workflows show; the rest is for machines (README,
// "Notifications", documents the payload).
type Webhook struct {
	URL    string
	Client *http.Client // nil: a client with a 10 s timeout
}

// Payload is the webhook's JSON body.
type Payload struct {
	Text      string          `json:"text"`
	Event     string          `json:"event"` // open, escalate, resolve
	Title     string          `json:"title"`
	Incident  detect.Incident `json:"incident"`
	Location  string          `json:"location,omitempty"`
	RunURL    string          `json:"run_url,omitempty"`
	Simulator string          `json:"simulator,omitempty"`
}

// Name is "webhook".
func (w *Webhook) Name() string { return "webhook" }

// Send posts the event; any answer but 2xx is an error.
func (w *Webhook) Send(ctx context.Context, e Event, run Run, _ *Notice) error {
	body, err := json.Marshal(Payload{Text: Text(e, run), Event: e.Kind, Title: secret.Redact(Title(e), run.Secrets...),
		Incident: e.Incident, Location: run.Location, RunURL: run.URL, Simulator: run.Simulator})
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	return do(client(w.Client), req, nil)
}

const userAgent = "xk6-chatgpt (+https://github.com/xk6-chatgpt/xk6-chatgpt)"

func client(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return &http.Client{Timeout: 10 * time.Second}
}

// do sends req and decodes a 2xx JSON answer into out (nil: ignored). An error answer's body is
// quoted, bounded and redacted (a receiver may echo what it got).
func do(c *http.Client, req *http.Request, out any) error {
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", req.Method, req.URL.Redacted(), err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return fmt.Errorf("%s %s: read: %w", req.Method, req.URL.Redacted(), err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %.200s", req.Method, req.URL.Redacted(), resp.Status, secret.Redact(string(data)))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: decode: %w", req.Method, req.URL.Redacted(), err)
		}
	}
	return nil
}
