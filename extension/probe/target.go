package probe

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
)

// Component is one probed part of a provider's service.
type Component string

// Components implemented by this package. Each has its own request and success rule.
const (
	Chat        Component = "chat"        // non-streaming chat completion
	ChatStream  Component = "chat_stream" // streamed chat completion (SSE)
	Responses   Component = "responses"   // streamed Responses API
	Models      Component = "models"      // token-free control probe
	Embeddings  Component = "embeddings"  // one tiny embedding
	Moderations Component = "moderations" // free moderation model
	Images      Component = "images"      // one low-quality image: costs money, opt in
	Web         Component = "web"         // the ChatGPT web front door: app page or edge error
	Status      Component = "status"      // the official status page answers (parsing is statuspage's)
	Canary      Component = "canary"      // a question of known answer: wrong_answer when wrong
	Realtime    Component = "realtime"    // the Realtime API over a WebSocket: session, one text answer
)

// Components lists what can be probed, in display order.
var Components = []Component{Chat, ChatStream, Responses, Models, Embeddings, Moderations, Images, Web, Status, Canary, Realtime}

// ParseComponent validates a component name.
func ParseComponent(s string) (Component, error) {
	for _, c := range Components {
		if string(c) == s {
			return c, nil
		}
	}
	return "", fmt.Errorf("unknown component %q (known: %s)", s, joinNames(Components))
}

func joinNames[T ~string](list []T) string {
	names := make([]string, len(list))
	for i, c := range list {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}

// Providers: one API dialect each.
const (
	OpenAI     = "openai"
	Azure      = "azure"      // api-key header, deployments, api-version
	Anthropic  = "anthropic"  // Messages API and its events
	Gemini     = "gemini"     // Google's OpenAI-compatible endpoint
	Compatible = "compatible" // vLLM, llama.cpp, Ollama, gateways
)

// Providers lists the supported providers.
var Providers = []string{OpenAI, Azure, Anthropic, Gemini, Compatible}

// supported is what each provider's API offers; web and status are plain pages any target may
// check. Compatible servers and gateways offer what they proxy, so everything is allowed.
var supported = map[string][]Component{
	OpenAI:     Components,
	Azure:      {Chat, ChatStream, Embeddings, Images, Web, Status, Canary, Realtime},
	Anthropic:  {Chat, ChatStream, Models, Web, Status, Canary},
	Gemini:     {Chat, ChatStream, Models, Embeddings, Web, Status, Canary},
	Compatible: Components,
}

// Supports reports whether the target's provider has component c, with an error naming what it has.
func (t *Target) Supports(c Component) error {
	if slices.Contains(supported[t.Provider], c) {
		return nil
	}
	return fmt.Errorf("provider %s has no %s component (it has: %s)", t.Provider, c, joinNames(supported[t.Provider]))
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

// CanaryCheck is a question whose answer is known; a different answer is a wrong_answer failure.
type CanaryCheck struct {
	Question string
	Answer   string // expected, matched case-insensitively as a whole word
}

// DefaultCanary is arithmetic every chat model gets right in a couple of tokens.
var DefaultCanary = CanaryCheck{Question: "What is 17 + 25? Reply with the number only.", Answer: "42"}

// Target is one provider endpoint with credentials. APIKey never leaves this struct except in
// the provider's auth header, and never goes to the web or status pages.
type Target struct {
	Provider   string
	Model      string
	BaseURL    string               // e.g. https://api.openai.com/v1; Azure: https://{resource}.openai.azure.com
	APIKey     string               // Bearer for openai, gemini and compatible; api-key for azure; x-api-key for anthropic
	APIVersion string               // azure only
	ModelFor   map[Component]string // models (Azure: deployments) for embeddings, moderations, images
	Prompt     string
	MaxTokens  int    // 0: the model's budget (see Policy)
	Effort     string // reasoning effort; "" picks the cheapest the model accepts, "off" sends none
	Canary     CanaryCheck
	WebURL     string // the web front door; default by provider
	StatusURL  string // the official status page; default by provider
	Timeouts   Timeouts
	UserAgent  string
	// RecordContent keeps the answer text (bounded) so spans can carry prompt and completion;
	// off by default: traces should not hold what people ask models.
	RecordContent bool
	// GroundTruth asks a stamping simulator (sim.StampHeader) for write stamps, so each stream
	// also yields TrueTTFT: for measuring the monitor's own accuracy, never for real providers.
	GroundTruth bool
	// SLO, when set, makes every result say whether it was good (chatgpt_goodput).
	SLO *SLO
	// Book is what the run learned of the target's models (shutdown dates, retirements) and
	// what "auto" stands for; shared by the VUs of one target. Validate makes one if nil.
	Book *ModelBook
	// Secrets are the run's secrets (every target's key, of every provider): redacted, with
	// APIKey, from every result, whatever server sent them (sanitize.go).
	Secrets *secret.Set

	cache *requestCache // encoded request bodies, set by Validate
}

// DefaultPrompt asks for a tiny answer so a probe costs a handful of tokens.
const DefaultPrompt = "Reply with the single word: pong"

// DefaultAzureAPIVersion is Azure OpenAI's GA data-plane version with max_completion_tokens.
const DefaultAzureAPIVersion = "2024-10-21"

// DefaultUserAgent identifies the monitor to providers, as k6 identifies itself.
const DefaultUserAgent = "xk6-chatgpt (+https://github.com/xk6-chatgpt/xk6-chatgpt)"

// defaultModelFor are the cheapest models of the non-chat components (OpenAI names).
var defaultModelFor = map[Component]string{
	Embeddings:  "text-embedding-3-small",
	Moderations: "omni-moderation-latest",
	Images:      "gpt-image-2", // gpt-image-1-mini and gpt-image-1.5 shut down on 2026-12-01
	Realtime:    "gpt-realtime-mini",
}

// Pages are the public web and status pages of a provider.
type Pages struct{ Web, Status string }

// Endpoint is a provider's environment variables (its key, its base URL), its public API URL
// ("" when the user must give one) and its cheap default model.
type Endpoint struct{ KeyEnv, BaseEnv, URL, Model string }

// Endpoints are every provider's: what the k6 module and `k6 x chatgpt check` read.
var Endpoints = map[string]Endpoint{
	OpenAI:     {"OPENAI_API_KEY", "OPENAI_BASE_URL", "https://api.openai.com/v1", AutoModel},
	Compatible: {"OPENAI_API_KEY", "OPENAI_BASE_URL", "", AutoModel},
	// an Azure deployment is named by its owner and retired on Azure's own calendar: no "auto"
	Azure:     {"AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "", "gpt-5.4-nano"},
	Anthropic: {"ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "https://api.anthropic.com/v1", "claude-haiku-4-5"},
	Gemini:    {"GEMINI_API_KEY", "GEMINI_BASE_URL", "https://generativelanguage.googleapis.com/v1beta/openai", "gemini-2.5-flash-lite"},
}

// DefaultPages by provider. A default status source is the provider's own machine-readable
// feed, or none (docs/configuration.md, "Status pages"): Azure OpenAI publishes only an RSS
// feed of all of Azure and has no web front door of its own (chatgpt.com and OpenAI's page are
// another service), and the Gemini API's status page (aistudio.google.com/status) is an app
// with no feed, so both need statusURL set to use the status component. Compatible servers
// have neither.
var DefaultPages = map[string]Pages{
	OpenAI: {"https://chatgpt.com/", "https://status.openai.com/api/v2/summary.json"},
	// status.claude.com answers bots with a CloudFront challenge; the Statuspage origin serves the same page.
	Anthropic: {"https://claude.ai/", "https://anthropic.statuspage.io/api/v2/summary.json"},
	Gemini:    {"https://gemini.google.com/", ""},
}

// Validate fills defaults and checks the target; errors name the field. A target changed after
// Validate must be validated again: requests are built once per component.
func (t *Target) Validate() error {
	if t.Provider == "" {
		t.Provider = OpenAI
	}
	if !slices.Contains(Providers, t.Provider) {
		return fmt.Errorf("provider %q is not supported (supported: %s)", t.Provider, strings.Join(Providers, ", "))
	}
	if t.Model == "" {
		return errors.New("model is required")
	}
	if t.Book == nil {
		t.Book = NewModelBook(t.Provider)
	}
	if err := httpURL("baseURL", t.BaseURL); err != nil {
		return err
	}
	t.BaseURL = strings.TrimRight(t.BaseURL, "/")
	if t.Provider == Azure {
		t.BaseURL = strings.TrimSuffix(t.BaseURL, "/openai")
		if t.APIVersion == "" {
			t.APIVersion = DefaultAzureAPIVersion
		}
	}
	for c, m := range defaultModelFor {
		if c == Embeddings && t.Provider == Gemini {
			m = "gemini-embedding-001"
		}
		if t.ModelFor[c] == "" {
			if t.ModelFor == nil {
				t.ModelFor = map[Component]string{}
			}
			t.ModelFor[c] = m
		}
	}
	if t.Prompt == "" {
		t.Prompt = DefaultPrompt
	}
	if t.Canary.Question == "" {
		t.Canary = DefaultCanary
	} else if strings.TrimSpace(t.Canary.Answer) == "" {
		return errors.New("canary.answer is required with canary.question")
	}
	if t.MaxTokens < 0 {
		return fmt.Errorf("maxTokens must be positive, got %d", t.MaxTokens)
	}
	switch t.Effort {
	case "", "off", "none", "minimal", "low", "medium", "high":
	default:
		return fmt.Errorf("reasoningEffort %q is not one of off, none, minimal, low, medium, high", t.Effort)
	}
	p := DefaultPages[t.Provider]
	if t.WebURL == "" {
		t.WebURL = p.Web
	}
	if t.StatusURL == "" {
		t.StatusURL = p.Status
	}
	for _, u := range []struct{ name, v string }{{"webURL", t.WebURL}, {"statusURL", t.StatusURL}} {
		if u.v != "" {
			if err := httpURL(u.name, u.v); err != nil {
				return err
			}
		}
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
		t.UserAgent = DefaultUserAgent
	}
	t.cache = &requestCache{}
	return nil
}

// CheckComponents validates a component list against the provider and the configured pages.
func (t *Target) CheckComponents(cs []Component) error {
	for _, c := range cs {
		if err := t.Supports(c); err != nil {
			return err
		}
		if c == Web && t.WebURL == "" {
			return fmt.Errorf("component web needs webURL: provider %s has no web front door by default", t.Provider)
		}
		if c == Status && t.StatusURL == "" {
			return fmt.Errorf("component status needs statusURL: provider %s has no machine-readable official status feed by default (docs/configuration.md)", t.Provider)
		}
	}
	return nil
}

func httpURL(name, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s %q is not an http(s) URL", name, secretFreeURL(s))
	}
	return nil
}

// secretFreeURL drops the query (keys sometimes travel as ?key=) and user info from a URL for
// error messages.
func secretFreeURL(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, "@"); i >= 0 {
		if j := strings.Index(s, "://"); j >= 0 && j < i {
			s = s[:j+3] + s[i+1:]
		}
	}
	return s
}
