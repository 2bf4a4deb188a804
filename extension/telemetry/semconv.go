package telemetry

import (
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
	"embeddings": "embeddings", "images": "generate_content",
}
