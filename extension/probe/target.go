package probe

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Component is one probed part of a provider's service.
type Component string

// Components implemented by this package.
const (
	Chat       Component = "chat"        // non-streaming chat completion
	ChatStream Component = "chat_stream" // streamed chat completion (SSE)
	Models     Component = "models"      // token-free control probe
)

// Components lists what can be probed, in display order.
var Components = []Component{Chat, ChatStream, Models}

// ParseComponent validates a component name.
func ParseComponent(s string) (Component, error) {
	for _, c := range Components {
		if string(c) == s {
			return c, nil
		}
	}
	names := make([]string, len(Components))
	for i, c := range Components {
		names[i] = string(c)
	}
	return "", fmt.Errorf("unknown component %q (known: %s)", s, strings.Join(names, ", "))
}

// Timeouts are the phase deadlines. Defaults suit reasoning models, which may think for minutes.
type Timeouts struct {
	Connect    time.Duration // DNS + TCP + TLS
	TTFB       time.Duration // from start to response headers
	FirstToken time.Duration // from start to the first token of a stream
	Stall      time.Duration // longest silence between tokens
	Total      time.Duration // whole probe
}

// DefaultTimeouts: connect 10 s, headers 60 s, first token 60 s, stall 20 s (the 2024-12-04
// pattern stalled for 30 s), total 120 s.
func DefaultTimeouts() Timeouts {
	return Timeouts{Connect: 10 * time.Second, TTFB: 60 * time.Second, FirstToken: 60 * time.Second,
		Stall: 20 * time.Second, Total: 120 * time.Second}
}

// Target is one provider endpoint with credentials. APIKey never leaves this struct except in
// the Authorization header.
type Target struct {
	Provider  string
	Model     string
	BaseURL   string // e.g. https://api.openai.com/v1
	APIKey    string
	Prompt    string
	MaxTokens int
	Timeouts  Timeouts
	UserAgent string
}

// DefaultPrompt asks for a tiny answer so a probe costs a handful of tokens.
const DefaultPrompt = "Reply with the single word: pong"

// DefaultMaxTokens is the smallest limit every current OpenAI model accepts (some reject < 16).
const DefaultMaxTokens = 16

// Validate fills defaults and checks the target; errors name the field.
func (t *Target) Validate() error {
	if t.Provider == "" {
		t.Provider = "openai"
	}
	switch t.Provider {
	case "openai", "compatible":
	default:
		return fmt.Errorf("provider %q is not supported yet (supported: openai, compatible)", t.Provider)
	}
	if t.Model == "" {
		return errors.New("model is required")
	}
	u, err := url.Parse(t.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("baseURL %q is not an http(s) URL", t.BaseURL)
	}
	t.BaseURL = strings.TrimRight(t.BaseURL, "/")
	if t.Prompt == "" {
		t.Prompt = DefaultPrompt
	}
	if t.MaxTokens <= 0 {
		t.MaxTokens = DefaultMaxTokens
	}
	d := DefaultTimeouts()
	for _, p := range []struct {
		v *time.Duration
		d time.Duration
	}{{&t.Timeouts.Connect, d.Connect}, {&t.Timeouts.TTFB, d.TTFB}, {&t.Timeouts.FirstToken, d.FirstToken},
		{&t.Timeouts.Stall, d.Stall}, {&t.Timeouts.Total, d.Total}} {
		if *p.v <= 0 {
			*p.v = p.d
		}
	}
	if t.UserAgent == "" {
		t.UserAgent = "xk6-chatgpt (https://github.com/xk6-chatgpt/xk6-chatgpt)"
	}
	return nil
}
