package telemetry

import (
	"strings"

	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
)

// The span vocabulary in one place: OpenTelemetry GenAI and HTTP semantic conventions (v1.41.0,
// the version otel v1.44.0 — k6's — ships), then our own chatgpt.* names. A rename in a future
// semconv release is a change to this file only.
var (
	attrOperation      = semconv.GenAIOperationNameKey
	attrProvider       = semconv.GenAIProviderNameKey
	attrRequestModel   = semconv.GenAIRequestModelKey
	attrMaxTokens      = semconv.GenAIRequestMaxTokensKey
	attrStream         = semconv.GenAIRequestStreamKey
	attrResponseModel  = semconv.GenAIResponseModelKey
	attrFinishReasons  = semconv.GenAIResponseFinishReasonsKey
	attrInputTokens    = semconv.GenAIUsageInputTokensKey
	attrOutputTokens   = semconv.GenAIUsageOutputTokensKey
	attrFirstChunk     = semconv.GenAIResponseTimeToFirstChunkKey // seconds
	attrInputMessages  = semconv.GenAIInputMessagesKey
	attrOutputMessages = semconv.GenAIOutputMessagesKey
	attrServerAddress  = semconv.ServerAddressKey
	attrServerPort     = semconv.ServerPortKey
	attrHTTPStatus     = semconv.HTTPResponseStatusCodeKey
	attrErrorType      = semconv.ErrorTypeKey
	// user_agent.synthetic.type "test": the probe is synthetic traffic (with the request header
	// probe.SyntheticHeader), so a provider's or a gateway's analytics can leave it out
	attrSynthetic = semconv.UserAgentSyntheticTypeKey

	// v1.42 (GenAI conventions in development, June 2026): token usage per modality; a probe's
	// prompt and answer are all text
	attrTextInputTokens  = attribute.Key("gen_ai.usage.text.input_tokens")
	attrTextOutputTokens = attribute.Key("gen_ai.usage.text.output_tokens")

	attrComponent = attribute.Key("chatgpt.component")
	attrClass     = attribute.Key("chatgpt.class")
	attrBlame     = attribute.Key("chatgpt.blame")
	attrAdvice    = attribute.Key("chatgpt.advice")
	attrState     = attribute.Key("chatgpt.state")
	attrCostUSD   = attribute.Key("chatgpt.cost_usd")
)

// responseHeader is the semconv attribute for a captured response header.
func responseHeader(name string) attribute.Key { return attribute.Key("http.response.header." + name) }

// providerNames maps our providers to gen_ai.provider.name values.
var providerNames = map[string]string{
	"openai":    "openai",
	"azure":     "azure.ai.openai",
	"anthropic": "anthropic",
	"gemini":    "gcp.gemini",
}

// operations maps components to gen_ai.operation.name; the others are not GenAI operations.
var operations = map[string]string{
	"chat": "chat", "chat_stream": "chat", "canary": "chat", "responses": "chat",
	"embeddings": "embeddings", "images": "generate_content", "realtime": "chat",
}

// Schema URLs of the two GenAI vocabularies a span can follow.
const (
	SchemaV141    = semconv.SchemaURL // https://opentelemetry.io/schemas/1.41.0
	SchemaGenAI42 = "https://opentelemetry.io/schemas/gen-ai-dev/1.42.0-dev"
)

// Semconv says which GenAI conventions spans follow, as OTEL_SEMCONV_STABILITY_OPT_IN asks in
// the way OpenTelemetry migrates a domain: by default the v1.41 names; with
// gen_ai_latest_experimental the v1.42 (development) names; with gen_ai_latest_experimental/dup
// both, so dashboards can move over before the old names go.
type Semconv struct{ Old, New bool }

// ParseSemconv reads OTEL_SEMCONV_STABILITY_OPT_IN (a comma-separated list; other domains'
// entries, such as http, are not ours and are ignored).
func ParseSemconv(optIn string) Semconv {
	s := Semconv{Old: true}
	for _, v := range strings.Split(optIn, ",") {
		switch strings.TrimSpace(v) {
		case "gen_ai_latest_experimental":
			if !s.New { // /dup anywhere in the list wins
				s = Semconv{New: true}
			}
		case "gen_ai_latest_experimental/dup":
			s = Semconv{Old: true, New: true}
		}
	}
	return s
}

// SchemaURL is the schema of the spans' names: the newest vocabulary they carry.
func (s Semconv) SchemaURL() string {
	if s.New {
		return SchemaGenAI42
	}
	return SchemaV141
}
