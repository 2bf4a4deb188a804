package probe

import (
	"strings"
	"sync"
	"sync/atomic"
)

// Policy is what the token governor knows of a model: the smallest answer budget it accepts,
// the cheapest reasoning effort it takes, and its list prices.
type Policy struct {
	MinTokens  int     // smallest max_tokens worth sending (reasoning tokens count against it)
	Effort     string  // cheapest reasoning effort the model accepts; "" sends none
	InputPerM  float64 // USD per million input tokens
	OutputPerM float64
	PerImage   float64 // USD per generated image (low quality, 1024x1024)
	Priced     bool    // the prices are known
}

// DefaultMinTokens is the budget for models not in the table: the smallest limit every current
// chat model accepts (some reject fewer than 16).
const DefaultMinTokens = 16

// ResponsesMinTokens is the Responses API's floor for max_output_tokens, whatever the model.
const ResponsesMinTokens = 16

// policies are matched by longest model-name prefix. Prices are list prices in USD per million
// tokens (standard tier) as published by each provider in 2025–2026, last checked on
// lifecycle.Checked (when each model shuts down is in package lifecycle). OpenAI's chat models answer
// "pong" or "42" in one or two tokens, so 5 is plenty and keeps the default monitor under $1 a
// month (README); reasoning minimums leave room for the few reasoning tokens the cheapest effort
// still spends.
var policies = map[string]Policy{
	"gpt-4o-mini":            {MinTokens: 5, InputPerM: 0.15, OutputPerM: 0.60},
	"gpt-4o":                 {MinTokens: 5, InputPerM: 2.50, OutputPerM: 10},
	"gpt-4.1-nano":           {MinTokens: 5, InputPerM: 0.10, OutputPerM: 0.40},
	"gpt-4.1-mini":           {MinTokens: 5, InputPerM: 0.40, OutputPerM: 1.60},
	"gpt-4.1":                {MinTokens: 5, InputPerM: 2, OutputPerM: 8},
	"gpt-5-nano":             {MinTokens: 64, Effort: "minimal", InputPerM: 0.05, OutputPerM: 0.40},
	"gpt-5-mini":             {MinTokens: 64, Effort: "minimal", InputPerM: 0.25, OutputPerM: 2},
	"gpt-5-pro":              {MinTokens: 1024, InputPerM: 15, OutputPerM: 120}, // high effort only
	"gpt-5":                  {MinTokens: 64, Effort: "minimal", InputPerM: 1.25, OutputPerM: 10},
	"gpt-5.1":                {Effort: "none", InputPerM: 1.25, OutputPerM: 10},
	"gpt-5.2":                {Effort: "none", InputPerM: 1.75, OutputPerM: 14},
	"gpt-5.4-nano":           {Effort: "none", InputPerM: 0.20, OutputPerM: 1.25},
	"gpt-5.4-mini":           {Effort: "none", InputPerM: 0.75, OutputPerM: 4.50},
	"gpt-5.4":                {Effort: "none", InputPerM: 2.50, OutputPerM: 15},
	"gpt-5.5":                {Effort: "none", InputPerM: 5, OutputPerM: 30},
	"gpt-realtime-mini":      {InputPerM: 0.60, OutputPerM: 2.40}, // text tokens
	"gpt-realtime":           {InputPerM: 4, OutputPerM: 16},
	"o1":                     {MinTokens: 256, Effort: "low", InputPerM: 15, OutputPerM: 60},
	"o3-mini":                {MinTokens: 256, Effort: "low", InputPerM: 1.10, OutputPerM: 4.40},
	"o3":                     {MinTokens: 256, Effort: "low", InputPerM: 2, OutputPerM: 8},
	"o4-mini":                {MinTokens: 256, Effort: "low", InputPerM: 1.10, OutputPerM: 4.40},
	"text-embedding-3-small": {InputPerM: 0.02},
	"text-embedding-3-large": {InputPerM: 0.13},
	"omni-moderation":        {}, // free
	"text-moderation":        {},
	"gpt-image-2":            {PerImage: 0.008, InputPerM: 5}, // low 1024x1024: 272 image tokens at $30/M
	"gpt-image-1-mini":       {PerImage: 0.005, InputPerM: 2},
	"gpt-image-1":            {PerImage: 0.011, InputPerM: 5},
	"dall-e-2":               {PerImage: 0.016},
	"claude-3-5-haiku":       {InputPerM: 0.80, OutputPerM: 4},
	"claude-haiku-4-5":       {InputPerM: 1, OutputPerM: 5},
	"claude-sonnet-4":        {InputPerM: 3, OutputPerM: 15},
	"claude-opus-4":          {InputPerM: 15, OutputPerM: 75},
	"gemini-2.0-flash":       {InputPerM: 0.10, OutputPerM: 0.40},
	"gemini-2.5-flash-lite":  {InputPerM: 0.10, OutputPerM: 0.40},
	"gemini-2.5-flash":       {InputPerM: 0.30, OutputPerM: 2.50},
	"gemini-2.5-pro":         {MinTokens: 128, InputPerM: 1.25, OutputPerM: 10},
	"gemini-embedding-001":   {InputPerM: 0.15},
}

// PolicyFor returns the policy of the longest known prefix of model ("gpt-4o-mini-2024-07-18"
// is gpt-4o-mini). Unknown models get the defaults and no prices.
func PolicyFor(model string) Policy {
	if p, ok := policyMemo.Load(model); ok {
		return p.(Policy)
	}
	p := policyOf(model)
	if policyMemoLen.Add(1) <= maxPolicyMemo {
		policyMemo.Store(model, p)
	}
	return p
}

// policyMemo remembers PolicyFor by model name: the prefix scan of the whole table ran several
// times per probe (answer budget, effort, price, the gate's estimate), a visible share of the
// extension's CPU under load (extension/loadbench). Bounded, since the names of a server's
// model list reach it too.
var (
	policyMemo    sync.Map
	policyMemoLen atomic.Int64
)

const maxPolicyMemo = 1024

func policyOf(model string) Policy {
	best := ""
	for k := range policies {
		if strings.HasPrefix(model, k) && len(k) > len(best) &&
			(len(model) == len(k) || model[len(k)] == '-' || model[len(k)] == '.' || model[len(k)] == ':') {
			best = k
		}
	}
	p, ok := policies[best]
	if !ok {
		return Policy{MinTokens: DefaultMinTokens}
	}
	p.Priced = true
	if p.MinTokens == 0 {
		p.MinTokens = DefaultMinTokens
	}
	return p
}

// maxTokens is the answer budget sent for model: the configured one, raised to the model's minimum.
func (t *Target) maxTokens(model string) int {
	return max(t.MaxTokens, PolicyFor(model).MinTokens)
}

// effort is the reasoning effort sent for model ("" for none).
func (t *Target) effort(model string) string {
	switch t.Effort {
	case "off":
		return ""
	case "":
		return PolicyFor(model).Effort
	}
	return t.Effort
}

// Cost is what a probe's usage costs at list prices; false when the model's prices are unknown.
func Cost(model string, u Usage, images int) (float64, bool) {
	p := PolicyFor(model)
	if !p.Priced {
		return 0, false
	}
	return (float64(u.Input)*p.InputPerM+float64(u.Output)*p.OutputPerM)/1e6 + float64(images)*p.PerImage, true
}

// Estimate is the most a probe of c can cost before it is sent: its prompt at a generous
// tokens-per-byte rate and the whole answer budget. The spend cap compares this, so a run never
// ends above its cap.
func (t *Target) Estimate(c Component) float64 {
	model := t.ModelOf(c)
	var u Usage
	images := 0
	switch c {
	case Models, Web, Status, Moderations:
		return 0
	case Embeddings:
		u.Input = len(embeddingInput)/2 + 8
	case Images:
		u.Input, images = len(imagePrompt)/2+8, 1
	case Canary:
		u = Usage{Input: len(t.Canary.Question)/2 + 16, Output: t.maxTokens(model)}
	case Responses:
		u = Usage{Input: len(t.Prompt)/2 + 16, Output: max(t.maxTokens(model), ResponsesMinTokens)}
	default:
		u = Usage{Input: len(t.Prompt)/2 + 16, Output: t.maxTokens(model)}
	}
	cost, _ := Cost(model, u, images)
	return cost
}

// Pool is the rate-limit pool of component c: the model whose tokens it spends, or, for the
// free control probes (model list, moderations, web, status), the component itself.
func (t *Target) Pool(c Component) string {
	switch c {
	case Models, Moderations, Web, Status:
		return string(c)
	}
	return "model:" + t.ModelOf(c)
}

// ModelOf is the model (Azure: deployment) the request of component c names now: "auto" is
// what the target's ModelBook picks at this moment.
func (t *Target) ModelOf(c Component) string {
	m := t.ModelFor[c]
	if m == "" {
		m = t.Model
	}
	if m == AutoModel && t.Book != nil {
		if p := t.Book.Pick(kindOf(c)); p != "" {
			return p
		}
	}
	return m
}
