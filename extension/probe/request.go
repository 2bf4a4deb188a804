package probe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
)

// Probe payloads: tiny, so a probe costs a handful of tokens (or nothing).
const (
	embeddingInput   = "ping"
	moderationInput  = "ping"
	imagePrompt      = "a small red circle on a white background"
	AnthropicVersion = "2023-06-01" // the anthropic-version header every Messages API call carries
)

// SyntheticHeader marks every probe request as synthetic traffic, so a provider's or a
// gateway's analytics can leave it out (spans say so too: user_agent.synthetic.type "test").
const (
	SyntheticHeader = "X-Synthetic-Monitor"
	SyntheticValue  = "xk6-chatgpt"
)

// requestCache keeps each component's method, URL and encoded body: a target's requests do
// not change, and building them per probe was a visible share of CPU under load.
type requestCache struct {
	mu  sync.Mutex
	eps map[cacheKey]endpoint
}

// cacheKey: a component's request changes only with its model ("auto" moves).
type cacheKey struct {
	c     Component
	model string
}

type endpoint struct {
	method, url string
	body        []byte // nil: no body
}

func (rc *requestCache) get(t *Target, c Component, model string) (endpoint, error) {
	key := cacheKey{c, model}
	if rc != nil {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if ep, ok := rc.eps[key]; ok {
			return ep, nil
		}
	}
	method, url, body, err := t.endpoint(c, model)
	if err != nil {
		return endpoint{}, err
	}
	ep := endpoint{method: method, url: url}
	if body != nil {
		if ep.body, err = json.Marshal(body); err != nil {
			return endpoint{}, fmt.Errorf("encode request: %w", err)
		}
	}
	if rc != nil {
		if rc.eps == nil {
			rc.eps = map[cacheKey]endpoint{}
		}
		rc.eps[key] = ep
	}
	return ep, nil
}

// streamed reports whether component c is read as an event stream.
func streamed(c Component) bool { return c == ChatStream || c == Responses }

// newRequest builds the request of component c to model in the target's dialect.
func newRequest(t *Target, c Component, model string) (*http.Request, error) {
	ep, err := t.cache.get(t, c, model)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(ep.method, ep.url, bytes.NewReader(ep.body))
	if err != nil {
		return nil, errors.New("build request: " + secret.Redact(err.Error(), t.APIKey))
	}
	if ep.body == nil {
		req.Body, req.ContentLength = http.NoBody, 0
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	switch {
	case streamed(c):
		req.Header.Set("Accept", "text/event-stream")
	case c == Web:
		req.Header.Set("Accept", "text/html,application/xhtml+xml")
	default:
		req.Header.Set("Accept", "application/json")
	}
	req.Header.Set("User-Agent", t.UserAgent)
	req.Header.Set(SyntheticHeader, SyntheticValue)
	if t.GroundTruth && streamed(c) {
		req.Header.Set("X-Sim-Stamps", "1") // sim.StampHeader; probe does not import sim
	}
	if c == Web || c == Status || t.APIKey == "" {
		return req, nil // public pages never see the key
	}
	switch t.Provider {
	case Azure:
		req.Header.Set("Api-Key", t.APIKey)
	case Anthropic:
		req.Header.Set("X-Api-Key", t.APIKey)
	default:
		req.Header.Set("Authorization", "Bearer "+t.APIKey)
	}
	if t.Provider == Anthropic {
		req.Header.Set("Anthropic-Version", AnthropicVersion)
	}
	return req, nil
}

// endpoint is the method, URL and JSON body (nil for none) of component c to model.
func (t *Target) endpoint(c Component, model string) (method, target string, body map[string]any, err error) {
	switch c {
	case Web:
		return http.MethodGet, t.WebURL, nil, nil
	case Status:
		return http.MethodGet, t.StatusURL, nil, nil
	case Models:
		return http.MethodGet, t.BaseURL + "/models", nil, nil
	case Chat, ChatStream, Canary:
		prompt := t.Prompt
		if c == Canary {
			prompt = t.Canary.Question
		}
		if t.Provider == Anthropic {
			body = map[string]any{"model": model, "max_tokens": t.maxTokens(model),
				"messages": []map[string]string{{"role": "user", "content": prompt}}}
			if c == ChatStream {
				body["stream"] = true
			}
			return http.MethodPost, t.BaseURL + "/messages", body, nil
		}
		body = t.chatBody(model, prompt, c == ChatStream)
		return http.MethodPost, t.path("chat/completions", model), body, nil
	case Responses:
		body = map[string]any{"model": model, "input": t.Prompt, "stream": true,
			"max_output_tokens": max(t.maxTokens(model), ResponsesMinTokens), "store": false}
		if e := t.effort(model); e != "" && t.Provider == OpenAI {
			body["reasoning"] = map[string]string{"effort": e}
		}
		return http.MethodPost, t.path("responses", model), body, nil
	case Embeddings:
		body = map[string]any{"model": model, "input": embeddingInput}
		return http.MethodPost, t.path("embeddings", model), body, nil
	case Moderations:
		body = map[string]any{"model": model, "input": moderationInput}
		return http.MethodPost, t.path("moderations", model), body, nil
	case Images:
		body = map[string]any{"model": model, "prompt": imagePrompt, "n": 1, "size": "1024x1024", "quality": "low"}
		if model == "dall-e-2" || model == "dall-e-3" {
			body["size"], body["response_format"] = "256x256", "b64_json"
			delete(body, "quality")
		}
		return http.MethodPost, t.path("images/generations", model), body, nil
	}
	return "", "", nil, fmt.Errorf("component %q has no request", c)
}

// chatBody is a chat-completions request in the OpenAI dialect.
func (t *Target) chatBody(model, prompt string, stream bool) map[string]any {
	m := map[string]any{"messages": []map[string]string{{"role": "user", "content": prompt}}}
	if t.Provider != Azure { // Azure takes the model from the deployment in the path
		m["model"] = model
	}
	// OpenAI deprecated max_tokens (reasoning models reject it); compatible servers such as
	// older vLLM, and Gemini's endpoint, know max_tokens.
	if t.Provider == OpenAI || t.Provider == Azure {
		m["max_completion_tokens"] = t.maxTokens(model)
		if e := t.effort(model); e != "" {
			m["reasoning_effort"] = e
		}
	} else {
		m["max_tokens"] = t.maxTokens(model)
	}
	if stream {
		m["stream"] = true
		m["stream_options"] = map[string]bool{"include_usage": true}
	}
	return m
}

// path is the URL of an OpenAI-dialect operation: under the base URL, or for Azure under the
// deployment with the api-version query.
func (t *Target) path(op, model string) string {
	if t.Provider != Azure {
		return t.BaseURL + "/" + op
	}
	return t.BaseURL + "/openai/deployments/" + url.PathEscape(model) + "/" + op + "?api-version=" + url.QueryEscape(t.APIVersion)
}
