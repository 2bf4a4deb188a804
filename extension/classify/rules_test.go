package classify

import (
	"errors"
	"net/http"
	"testing"
)

// TestRules: each meaning wins whatever status, type and envelope carry it (docs/signals.md §6.2).
func TestRules(t *testing.T) {
	json := hdr("Content-Type", "application/json")
	tests := []struct {
		name   string
		status int
		h      http.Header
		body   string
		class  Class
		blame  Blame
	}{
		// money, whatever the status and type
		{"openai billing 400", 400, json, `{"error":{"code":"billing_hard_limit_reached","message":"Billing hard limit has been reached","param":null,"type":"invalid_request_error"}}`, QuotaExhausted, BlameAccount},
		{"anthropic credit 400", 400, json, `{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API."}}`, QuotaExhausted, BlameAccount},
		{"xai credits 403", 403, json, `{"code":"permission-denied","error":"Your team x has either used all available credits or reached its monthly spending limit."}`, QuotaExhausted, BlameAccount},
		{"xai credits 429", 429, json, `{"code":"Some resource has been exhausted","error":"Your team x has either used all available credits or reached its monthly spending limit."}`, QuotaExhausted, BlameAccount},
		{"moonshot 403", 403, json, `{"error":{"message":"Your account is not active, organization exceeded current quota, please check your plan and billing details","type":"exceeded_current_quota_error"}}`, QuotaExhausted, BlameAccount},
		{"litellm budget 429", 429, json, `{"error":{"message":"Budget has been exceeded! Current cost: 10.51, Max budget: 10.00","type":"budget_exceeded","code":"429"}}`, QuotaExhausted, BlameAccount},
		{"zhipu 1113 Chinese", 429, json, `{"error":{"code":"1113","message":"余额不足或无可用资源包,请充值。"}}`, QuotaExhausted, BlameAccount},
		{"minimax balance in a 200", 200, json, `{"base_resp":{"status_code":1008,"status_msg":"insufficient balance"}}`, QuotaExhausted, BlameAccount},
		{"a per-day rate limit with an upsell is a rate limit", 429, json, `{"error":{"message":"Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day","code":429}}`, RateLimited, BlameAccount},
		{"quota per minute is a rate limit", 429, json, `{"error":{"code":429,"message":"You exceeded your current quota, please check your plan and billing details.","status":"RESOURCE_EXHAUSTED","details":[{"violations":[{"quotaId":"GenerateContentInputTokensPerModelPerMinute-FreeTier"}]}]}}`, RateLimited, BlameAccount},

		// capacity versus our limit
		{"gemini model capacity 429", 429, json, `{"error":{"code":429,"message":"No capacity available for model x on the server","status":"RESOURCE_EXHAUSTED","details":[{"reason":"MODEL_CAPACITY_EXHAUSTED"}]}}`, CapacityOverloaded, BlameProvider},
		{"mistral tier capacity 429", 429, json, `{"object":"error","message":"Service tier capacity exceeded for this model.","type":"invalid_request_error","param":null,"code":null}`, CapacityOverloaded, BlameProvider},
		{"groq over capacity as internal_server_error", 503, json, `{"error":{"message":"llama-3.3-70b-versatile is currently over capacity. Please try again and back off exponentially.","type":"internal_server_error"}}`, CapacityOverloaded, BlameProvider},
		{"zhipu busy 429 Chinese", 429, json, `{"error":{"code":"1305","message":"该模型当前访问量过大，请您稍后再试"}}`, CapacityOverloaded, BlameProvider},
		{"a 5xx that says limit reached is capacity", 503, json, `{"message":"Too many connections, please wait before trying again."}`, CapacityOverloaded, BlameProvider},
		{"zhipu rate Chinese", 429, json, `{"error":{"code":"1302","message":"您的账户已达到速率限制，请您控制请求频率"}}`, RateLimited, BlameAccount},
		{"non-standard 429 that names us", 429, json, `{"error":"Rate limit reached. You reached free usage limit (reset hourly)."}`, RateLimited, BlameAccount},
		{"non-standard 429 that names nobody", 429, json, `{"error":"Rate limited by proxy server"}`, RateLimitedAnomalous, BlameProvider},
		{"bedrock throttling in a header", 429, hdr("X-Amzn-Errortype", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/"), `{"message":"Too many tokens, please wait before trying again."}`, RateLimited, BlameAccount},
		{"headers only, a bucket at 0", 429, hdr("Anthropic-Ratelimit-Input-Tokens-Remaining", "0", "Anthropic-Ratelimit-Requests-Remaining", "4000"), ``, RateLimited, BlameAccount},
		{"baidu rate limit in a 200", 200, json, `{"error_code":18,"error_msg":"Open api qps request limit reached"}`, RateLimited, BlameAccount},
		{"one request larger than the bucket", 429, json, `{"error":{"message":"Rate limit reached for model x on tokens per minute (TPM): Limit 7000, Used 0, Requested ~12903.","type":"tokens","code":"rate_limit_exceeded"}}`, RequestInvalid, BlameClient},

		// success that is not
		{"gateway 200 with an upstream error", 200, json, `{"error":{"message":"Upstream error from Nvidia: ResourceExhausted: Worker local total request limit reached (1)","code":502}}`, CapacityOverloaded, BlameProvider},
		{"gateway 200: upstream connection lost", 200, json, `{"error":{"message":"upstream connection reset by peer","type":"upstream_error"}}`, EdgeGatewayError, BlameEdge},
		{"llama.cpp context in a 200", 200, json, `{"error":{"code":400,"message":"the request exceeds the available context size","type":"exceed_context_size_error"}}`, ContextLengthExceeded, BlameClient},

		// where the body hides it
		{"geo as JSON in a string", 400, json, `{"error":{"message":"{\n \"error\": {\n \"code\": 400,\n \"message\": \"User location is not supported for the API use.\",\n \"status\": \"FAILED_PRECONDITION\"\n }\n}\n","code":400,"status":"Bad Request"}}`, GeoBlocked, BlameAccount},
		{"bedrock class only in the header", 403, hdr("X-Amzn-Errortype", "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.bedrock/"), `{"message":"Your account is not authorized to invoke this API operation."}`, PermissionDenied, BlameAccount},
		{"bedrock model not found in the header", 404, hdr("X-Amzn-Errortype", "ResourceNotFoundException"), `{"message":"Access denied. This Model is marked by provider as Legacy"}`, ModelNotFound, BlameClient},
		{"context without the word", 400, json, `{"message":"Input is too long for requested model."}`, ContextLengthExceeded, BlameClient},
		{"context as arithmetic", 400, json, `{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 208310 tokens > 200000 maximum"}}`, ContextLengthExceeded, BlameClient},
		{"output tokens are a parameter, not context", 400, json, `{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: 10000 > 4096, which is the maximum allowed number of output tokens"}}`, RequestInvalid, BlameClient},
		{"moderation as a gateway 403", 403, json, `{"statusCode":403,"message":"Request failed content safety check."}`, ContentFiltered, BlameClient},
		{"moderation as xAI 403", 403, json, `{"code":"The caller does not have permission to execute the specified operation","error":"Content violates usage guidelines. Failed check: SAFETY_CHECK_TYPE_BIO"}`, ContentFiltered, BlameClient},
		{"deployment not deployed", 400, hdr("X-Amzn-Errortype", "ValidationException"), `{"message":"Invocation of model ID x with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model."}`, ModelNotFound, BlameClient},
		{"decommissioned model", 400, json, `{"error":{"message":"The model x has been decommissioned","type":"invalid_request_error","code":"model_decommissioned"}}`, ModelRetired, BlameClient},
		{"no access is permission, even with code model_not_found", 403, json, `{"error":{"message":"Project p does not have access to model m","type":"invalid_request_error","code":"model_not_found"}}`, PermissionDenied, BlameAccount},
		{"a wrong path is the request's", 404, json, `{"detail":"Not Found"}`, RequestInvalid, BlameClient},
		{"plain-text model not found", 404, hdr("Content-Type", "text/plain"), "Model not found gpt-5.5", ModelNotFound, BlameClient},
		{"ban as 403 PERMISSION_DENIED", 403, json, `{"error":{"code":403,"message":"Permission denied: Consumer 'k' has been suspended.","status":"PERMISSION_DENIED"}}`, AccountBlocked, BlameAccount},
		{"leaked key as 403", 403, json, `{"error":{"code":403,"message":"Your API key was reported as leaked.","status":"PERMISSION_DENIED"}}`, AuthInvalid, BlameAccount},
		{"HTTPS only", 403, json, `{"error":{"message":"The OpenAI API can only be accessed over HTTPS.","type":"invalid_request_error"}}`, RequestInvalid, BlameClient},

		// the edge
		{"gateway 400 that could not reach the provider", 400, json, `{"success":false,"result":[],"messages":[],"error":[{"code":2005,"message":"Failed to get response from provider"}]}`, EdgeGatewayError, BlameEdge},
		{"envoy text 503", 503, hdr("Content-Type", "text/plain"), "upstream connect error or disconnect/reset before headers. reset reason: connection failure", EdgeGatewayError, BlameEdge},
		{"origin text 503 behind Cloudflare", 503, hdr("Server", "cloudflare", "Content-Type", "text/plain"), "Service Unavailable", ServerError, BlameProvider},
		{"empty 503 from Cloudflare", 503, hdr("Server", "cloudflare"), "", EdgeGatewayError, BlameEdge},
		{"empty 403 from Cloudflare", 403, hdr("Server", "cloudflare", "Cf-Ray", "x"), "", EdgeBlocked, BlameNetwork},
		{"HTML 403 from a proxy", 403, hdr("Content-Type", "text/html", "Server", "awselb/2.0"), "<html><head><title>403 Forbidden</title></head></html>", EdgeBlocked, BlameNetwork},
		{"HTML 503 at capacity is the provider's", 503, hdr("Content-Type", "text/html", "Server", "cloudflare"), "<html><title>ChatGPT is at capacity right now</title></html>", CapacityOverloaded, BlameProvider},
		{"anthropic 529 through Cloudflare", 529, hdr("Server", "cloudflare", "Request-Id", "req_1"), `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, CapacityOverloaded, BlameProvider},
		{"3xx", 302, hdr("Location", "/x"), "", Unknown, BlameUnknown},
		{"cloudflare's plain 1020", 403, hdr("Server", "cloudflare", "Content-Type", "text/plain"), "error code: 1020", EdgeBlocked, BlameNetwork},
		{"cloudflare's plain 524", 524, hdr("Content-Type", "text/plain"), "error code: 524\n", EdgeGatewayError, BlameEdge},
		{"an error code of five digits is not Cloudflare's", 400, json, `{"error":{"message":"error code: 5200 invalid parameter"}}`, RequestInvalid, BlameClient},

		// round 2: families found on realworld/heldout (v1) after it was scored
		{"a suspension for an unpaid bill is money", 412, json, `{"error":{"message":"Account x is suspended, possibly due to reaching the monthly spending limit or failure to pay past invoices.","code":"PRECONDITION_FAILED"}}`, QuotaExhausted, BlameAccount},
		{"a suspension for abuse stays a block", 403, json, `{"error":{"message":"Your account has been suspended for violation of terms"}}`, AccountBlocked, BlameAccount},
		{"saturation in the text outweighs a money code", 429, json, `{"error":{"message":"当前分组上游负载已饱和，请稍后再试","type":"insufficient_quota","code":"insufficient_quota"}}`, CapacityOverloaded, BlameProvider},
		{"money in the text stays money beside capacity words", 429, json, `{"error":{"message":"Insufficient balance; the service is busy","type":"insufficient_quota"}}`, QuotaExhausted, BlameAccount},
		{"451 is a legal block", 451, json, `{"error":"Unavailable For Legal Reasons"}`, GeoBlocked, BlameAccount},
		{"a secret that was not found is authentication", 404, json, `"We couldn't find a secret with the name \"XAI_API_KEY\"."`, AuthInvalid, BlameAccount},
		{"a bearer extractor that found nothing is authentication", 500, hdr("Content-Type", "text/plain"), "Missing request extension: Extension of type `Authorization<Bearer>` was not found.", AuthInvalid, BlameAccount},
		{"a 404 that names a function (NVIDIA's models)", 404, hdr("Content-Type", "application/problem+json"), `{"status":404,"title":"Not Found","detail":"Function 'x': Not found for account 'y'"}`, ModelNotFound, BlameClient},
		{"a 410 that names a model", 410, json, `{"error":{"message":"The model text-davinci-003 has been deprecated"}}`, ModelRetired, BlameClient},
		{"a model that does not exist is not retired", 404, json, `{"error":{"message":"The model gpt-9o does not exist","type":"invalid_request_error","code":"model_not_found"}}`, ModelNotFound, BlameClient},
		{"a parameter deprecated for a model is not a retired model", 400, json, `{"error":{"message":"max_tokens is deprecated for this model, use max_completion_tokens","type":"invalid_request_error"}}`, RequestInvalid, BlameClient},
		{"an endpoint of a model that is not running", 400, json, `{"error":{"message":"The dedicated endpoint for m is not running. Please visit https://api.together.ai/models to start it.","type":"invalid_request_error"}}`, ModelNotFound, BlameClient},
		{"a model not loaded under a 5xx is the server's", 503, json, `{"error":{"message":"model x is not loaded yet"}}`, ServerError, BlameProvider},
		{"a model that does not exist, even under a 5xx", 500, json, `{"error":{"message":"The model ` + "`x`" + ` does not exist."}}`, ModelNotFound, BlameClient},
		{"code model_not_available", 400, json, `{"error":{"message":"Unable to access non-serverless model m.","type":"invalid_request_error","code":"model_not_available"}}`, ModelNotFound, BlameClient},
		{"a 429 that names its bucket", 429, json, `{"message":"Request was rejected due to rate limiting. Details: TPM limit reached.","data":null}`, RateLimited, BlameAccount},
		{"a 429 whose code names a rate limit", 429, json, `{"status":"failed","error_code":"RATE_LIMITED","text":"Please try again later."}`, RateLimited, BlameAccount},
		{"a rate limit exceeded", 429, json, `{"message":"API rate limit exceeded"}`, RateLimited, BlameAccount},
		{"a 429 that only repeats its reason phrase", 429, hdr("Content-Type", "application/problem+json"), `{"status":429,"title":"Too Many Requests"}`, RateLimitedAnomalous, BlameProvider},
		{"a provider saying it is swamped", 429, json, `{"error":{"message":"We're receiving too many requests at the moment. Please wait a moment and try again.","type":"rate_limit_reached_error"}}`, CapacityOverloaded, BlameProvider},
		{"an upstream rate limit of a gateway's shared pool", 429, json, `{"error":{"message":"Provider returned error","code":429,"metadata":{"raw":"m is temporarily rate-limited upstream. Please retry shortly.","limit_source":"upstream_provider_shared_pool"}}}`, CapacityOverloaded, BlameProvider},
		{"a degraded backend under a 400", 400, hdr("Content-Type", "application/problem+json"), `{"status":400,"title":"Bad Request","detail":"Function id 'x': DEGRADED function cannot be invoked"}`, ServerError, BlameProvider},
		{"a 4xx outweighs a generic server type", 400, json, `{"error":{"message":"m does not support tools","type":"api_error","param":null,"code":null}}`, RequestInvalid, BlameClient},
		{"a server type in a 200 is the server's", 200, json, `{"error":{"message":"boom","type":"api_error"}}`, ServerError, BlameProvider},
		{"408 is the provider's", 408, json, `{"error":{"message":"Request timed out","code":408}}`, ServerError, BlameProvider},
		{"an unlisted 4xx is the request's", 406, json, `{"error":"Not Acceptable"}`, RequestInvalid, BlameClient},
		{"improperly formed, whatever the status", 500, json, `{"error":"CodeWhisperer Error: {\"message\":\"Improperly formed request.\",\"reason\":null}"}`, RequestInvalid, BlameClient},
		{"a parameter error in a 200", 200, json, `{"error_code":336003,"error_msg":"the length of messages must be an odd number"}`, RequestInvalid, BlameClient},
		{"risk control is moderation", 400, json, `{"error":{"message":"Content Exists Risk","type":"invalid_request_error"}}`, ContentFiltered, BlameClient},
		{"a model token limit is the context", 400, json, `{"error":{"message":"Invalid request: Your request exceeded model token limit: 262144 (requested: 269030)","type":"invalid_request_error"}}`, ContextLengthExceeded, BlameClient},
		{"no available channel for a model under a 503 is the model's", 503, json, `{"error":{"message":"当前分组 default 下对于模型 gpt-4o-mini 无可用渠道","type":"v_api_error"}}`, ModelNotFound, BlameClient},
		{"authorization failed under a 403", 403, json, `{"status":403,"title":"Forbidden","detail":"Authorization failed"}`, AuthInvalid, BlameAccount},
		{"an error nested in details of a 200", 200, json, `{"message":"OpenAI API error.","details":{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota"}}}`, QuotaExhausted, BlameAccount},

		// round 3: families found on realworld/heldout2 after it was scored
		{"a gateway's HTTP client that could not send", 503, json, `{"type":"api_error","message":"All attempts failed. Error: error sending request for url (https://api.example.com/v1/chat)"}`, EdgeGatewayError, BlameEdge},
		{"a gateway's DNS failure", 500, json, `{"error":{"message":"getaddrinfo EAI_AGAIN api.openai.com","type":"server_error"}}`, EdgeGatewayError, BlameEdge},
		{"a Cloudflare Worker's error page", 500, hdr("Content-Type", "text/html"), `<div id="cf-error-details"><h1><span class="cf-error-code">1102</span></h1><h2>Worker exceeded resource limits</h2></div>`, EdgeGatewayError, BlameEdge},
		{"a Worker's plain error code", 500, hdr("Content-Type", "text/plain"), "error code: 1101", EdgeGatewayError, BlameEdge},
		{"a front end's own 500 page", 500, hdr("Content-Type", "text/html", "Server", "Google Frontend"), "<html><title>500 Server Error</title></html>", EdgeGatewayError, BlameEdge},
		{"an origin's HTML 500 relayed by Cloudflare stays the provider's", 500, hdr("Content-Type", "text/html", "Server", "cloudflare"), "<html><head><title>Internal Server Error</title></head></html>", ServerError, BlameProvider},
		{"a WAF's refusal", 403, json, `{"code":403,"message":"Request blocked by WAF rule 9001"}`, EdgeBlocked, BlameNetwork},
		{"a restricted organization", 400, json, `{"error":{"message":"Your organization has been restricted.","type":"invalid_request_error"}}`, AccountBlocked, BlameAccount},
		{"a permission code under a 401", 401, json, `{"error":{"code":"AccessDenied","message":"The principal lacks the role for this operation."}}`, PermissionDenied, BlameAccount},
		{"a restricted key's missing scopes under a 401", 401, json, `{"error":{"message":"You have insufficient permissions for this operation. Missing scopes: model.request.","type":"invalid_request_error","param":null,"code":null}}`, PermissionDenied, BlameAccount},
		{"a permission code beside a bad key stays authentication", 401, json, `{"error":{"code":"PermissionDenied","message":"Invalid API key provided."}}`, AuthInvalid, BlameAccount},
		{"authorization failed or not found", 404, json, `{"code":"NotAuthorizedOrNotFound","message":"Authorization failed or requested resource not found."}`, PermissionDenied, BlameAccount},
		{"a model not offered in the account's cloud region", 400, json, `{"message":"Model m is not available in this region. Enable cross-region inference to use it."}`, PermissionDenied, BlameAccount},
		{"a model not offered in the caller's country stays geo", 403, json, `{"error":{"message":"This model is not available in your country or region."}}`, GeoBlocked, BlameAccount},
		{"capacity in a cloud region stays capacity", 503, json, `{"error":{"message":"Insufficient capacity in this region, try a different region."}}`, CapacityOverloaded, BlameProvider},
		{"a key group that only allows other clients", 503, json, `{"error":{"message":"this group only allows the official CLI","type":"api_error"}}`, PermissionDenied, BlameAccount},
		{"an engine that was never loaded", 400, json, `{"message":"Engine is not loaded"}`, ModelNotFound, BlameClient},
		{"a serving endpoint that does not exist", 404, json, `{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Serving endpoint 'churn' does not exist."}`, ModelNotFound, BlameClient},
		{"a model not found, in Chinese", 400, json, `{"error":"所选模型 m 未找到"}`, ModelNotFound, BlameClient},
		{"an API that does not support the model", 400, json, `{"error":{"message":"This API does not support the selected model m."}}`, ModelNotFound, BlameClient},
		{"a type check reported as a 500", 500, json, `{"error":{"message":"Expected 'messages' to be an array","type":"server_error"}}`, RequestInvalid, BlameClient},
		{"a rate limit served as a 403", 403, json, `{"message":"API rate limit exceeded for this key"}`, RateLimited, BlameAccount},
		{"a rate limit served as a 400", 400, json, `{"error":{"message":"Rate limit reached: 60 requests per minute","type":"invalid_request_error"}}`, RateLimited, BlameAccount},
		{"a 402 that asks for a key is authentication", 402, json, `{"error":"Authentication required: invalid API key"}`, AuthInvalid, BlameAccount},
		{"a feature the server was not started with (501)", 501, json, `{"error":{"code":501,"message":"This server does not support embeddings. Start it with --embeddings","type":"not_supported_error"}}`, RequestInvalid, BlameClient},
		{"a 429 whose code only repeats its status", 429, json, `{"error":{"message":"request failed","type":"auth_error","code":"429"}}`, RateLimitedAnomalous, BlameProvider},
		// round 4: families found on realworld/heldout3 after it was scored, in other providers' words
		{"a relay with no channel for the model, in English", 503, json, `{"error":{"message":"No available channel for model claude-x under group vip","type":"new_api_error"}}`, ModelNotFound, BlameClient},
		{"a relay's pool with no account free", 503, json, `{"error":{"message":"No available accounts in the pool","type":"upstream_error"}}`, CapacityOverloaded, BlameProvider},
		{"a relay's pool with no key free, in Chinese", 500, json, `{"error":{"message":"暂无可用密钥，请稍后重试"}}`, CapacityOverloaded, BlameProvider},
		{"a zero free-tier allowance is money", 429, json, `{"error":{"code":429,"message":"Quota exceeded for metric: x/requests, limit: 0, model: m","status":"RESOURCE_EXHAUSTED","details":[{"violations":[{"quotaId":"RequestsPerMinute-FreeTier"}]}]}}`, QuotaExhausted, BlameAccount},
		{"a real per-minute allowance stays a rate limit", 429, json, `{"error":{"code":429,"message":"Quota exceeded for metric: x/requests, limit: 15, model: m","status":"RESOURCE_EXHAUSTED","details":[{"violations":[{"quotaId":"RequestsPerMinute-FreeTier"}]}]}}`, RateLimited, BlameAccount},
		{"a 413 counted in tokens is the prompt's", 413, json, `{"error":{"message":"Input of 40000 tokens is over this tier's payload cap","type":"payload_too_large"}}`, ContextLengthExceeded, BlameClient},
		{"a 413 over a per-minute token bucket stays the request's", 413, json, `{"error":{"message":"Request too large for model m on tokens per minute (TPM): Limit 6000, Requested 9000","type":"tokens"}}`, RequestInvalid, BlameClient},
		{"a bucket at 0 outweighs words of demand", 429, hdr("Content-Type", "application/json", "X-Ratelimit-Remaining-Requests", "0"), `{"error":{"message":"Model busy due to high demand, please slow down"}}`, RateLimited, BlameAccount},
		{"a rate limit hit that names its bucket outweighs demand", 429, json, `{"error":{"message":"Rate limit exceeded due to high demand: 20 requests per minute on free models"}}`, RateLimited, BlameAccount},
		{"a tool call the model got wrong", 400, json, `{"error":{"message":"Failed to parse tool call from model output","type":"invalid_request_error"}}`, ServerError, BlameProvider},
		{"content the model produced invalid", 400, json, `{"error":{"message":"The model produced invalid content. Consider modifying your prompt.","type":"model_error"}}`, ServerError, BlameProvider},
		{"a model not supported, with the list", 400, json, `{"message":"model 'command-x' not supported, supported models are: command-r, command-r-plus"}`, ModelNotFound, BlameClient},
		{"a model that is not supported", 422, json, `{"detail":"Model jina-x is not supported."}`, ModelNotFound, BlameClient},
		{"a feature not supported for a model stays the request's", 400, json, `{"error":{"message":"Streaming is not supported for model o1-pro.","type":"invalid_request_error"}}`, RequestInvalid, BlameClient},
		{"a parameter not supported with a model stays the request's", 400, json, `{"error":{"message":"Model o3 parameter 'temperature' is not supported with this model.","type":"invalid_request_error"}}`, RequestInvalid, BlameClient},
		{"an upstream 400 inside a relay's 500", 500, json, `{"error":{"message":"upstream returned status 400: {\"error\":{\"message\":\"Invalid value for 'temperature'\",\"type\":\"invalid_request_error\",\"code\":400}}","type":"upstream_error"}}`, RequestInvalid, BlameClient},
		{"an upstream 429 inside a relay's 500 is the relay's pool", 500, json, `{"error":"status 429: {\"error\":{\"code\":429,\"message\":\"Resource has been exhausted (e.g. check quota).\",\"status\":\"RESOURCE_EXHAUSTED\"}}"}`, CapacityOverloaded, BlameProvider},
		{"an error document in a string under any name", 400, json, `{"error":{"message":"Provider returned error","code":400,"metadata":{"upstream":"{\"error\":{\"code\":400,\"message\":\"User location is not supported for the API use.\",\"status\":\"FAILED_PRECONDITION\"}}"}}}`, GeoBlocked, BlameAccount},
		{"JSON in a string that is not an error is not read", 400, json, `{"error":{"message":"Invalid 'messages[2].tool_calls'","type":"invalid_request_error","arguments":"{\"country\":\"FR\"}"}}`, RequestInvalid, BlameClient},
		{"hugging face's router: a bare 404 for its provider", 404, hdr("Content-Type", "text/plain", "X-Inference-Provider", "together"), `Not Found`, ModelNotFound, BlameClient},
		{"a bare 404 elsewhere is a wrong path", 404, hdr("Content-Type", "text/plain"), `Not Found`, RequestInvalid, BlameClient},
		{"a backend that cannot be reached", 502, json, `{"message":"Could not reach the backend service, please retry"}`, EdgeGatewayError, BlameEdge},
		{"a relay's request code whose text is not a network failure", 500, json, `{"error":{"message":"build request url failed: unknown api version","type":"one_api_error","code":"do_request_failed"}}`, ServerError, BlameProvider},
		{"a conversation too long", 400, json, `{"error":{"message":"The conversation is too long, please start a new one.","type":"invalid_request_error"}}`, ContextLengthExceeded, BlameClient},
		{"a prompt with too many tokens", 400, json, `{"error":{"message":"Prompt has too many tokens (9000 > 8192)"}}`, ContextLengthExceeded, BlameClient},
		{"money in Spanish", 400, json, `{"error":{"message":"Saldo insuficiente en la cuenta","code":"400"}}`, QuotaExhausted, BlameAccount},
		{"money in Russian", 403, json, `{"error":{"message":"Недостаточно средств на счёте"}}`, QuotaExhausted, BlameAccount},
		{"money in Korean under a 429", 429, json, `{"error":{"message":"잔액이 부족합니다"}}`, QuotaExhausted, BlameAccount},
		{"a saturated server", 503, json, `{"error":{"message":"Server saturated, please retry","type":"server_error"}}`, CapacityOverloaded, BlameProvider},
		{"a blocked prompt code", 400, json, `{"error":{"code":"prompt_blocked","message":"The prompt was rejected."}}`, ContentFiltered, BlameClient},
		{"a model that is not available", 400, json, `{"error":{"message":"The requested model is not available.","type":"invalid_request_error"}}`, ModelNotFound, BlameClient},
		{"a model that is busy is not missing", 429, json, `{"error":{"message":"Model m is currently unavailable.","type":"invalid_request_error"}}`, RateLimitedAnomalous, BlameProvider},
		{"a model not available under a 403 is access", 403, json, `{"error":{"message":"Model m is not available."}}`, PermissionDenied, BlameAccount},
		{"a pool with no instance free", 503, json, `{"error":{"message":"No instances available for model m","code":503}}`, CapacityOverloaded, BlameProvider},
		{"a key whose spend limit is spent", 403, json, `{"error":{"message":"Key limit exceeded (total limit).","code":403}}`, QuotaExhausted, BlameAccount},
		{"a provided key that is invalid, under a 400", 400, json, `{"error":{"message":"The API key you provided is invalid."}}`, AuthInvalid, BlameAccount},
		{"a question too long, in Baidu's words", 400, json, `{"error_code":336007,"error_msg":"the max length of current question is 4800"}`, ContextLengthExceeded, BlameClient},
		{"a service not offered in the caller's area", 403, json, `{"error":{"message":"This service is not available in your area."}}`, GeoBlocked, BlameAccount},
		// round 5: families found on realworld/heldout4 after it was scored, in other providers' words
		{"a relay with no credentials for its upstream", 400, json, `{"error":{"message":"no credentials configured for upstream openai","type":"invalid_request_error"}}`, AuthInvalid, BlameAccount},
		{"a gateway that holds no valid credential", 500, json, `{"detail":"No valid credential found for provider azure"}`, AuthInvalid, BlameAccount},
		{"a token window named without its length", 429, json, `{"message":"Too many tokens processed within the current time window, slow down"}`, RateLimited, BlameAccount},
		{"a 429 over the maximum tokens per time frame is a bucket", 429, json, `{"error":{"message":"Maximum number of tokens allowed in this time frame exceeded"}}`, RateLimited, BlameAccount},
		{"the maximum number of tokens under a 400 stays context", 400, json, `{"error":{"message":"This request exceeds the maximum number of tokens for the model"}}`, ContextLengthExceeded, BlameClient},
		{"cloudflare's 522 relayed as a message", 502, json, `{"error":{"message":"error code: 522","type":"upstream_error"}}`, EdgeGatewayError, BlameEdge},
		{"cloudflare's 524 relayed under a 500", 500, json, `{"detail":"error code: 524"}`, EdgeGatewayError, BlameEdge},
		{"a relayed 503 code stays the origin's", 503, json, `{"error":{"message":"error code: 503","type":"server_error"}}`, ServerError, BlameProvider},
		{"a chat model on the completions endpoint", 404, json, `{"error":{"message":"This is a chat model and not supported in the v1/completions endpoint. Did you mean to use v1/chat/completions?","type":"invalid_request_error","param":"model","code":null}}`, RequestInvalid, BlameClient},
		{"a base model on the chat endpoint", 404, json, `{"error":{"message":"Model m has no chat template; use the /v1/completions endpoint instead","type":"invalid_request_error"}}`, RequestInvalid, BlameClient},
		{"a model served only by another endpoint", 404, json, `{"error":{"message":"This model is only supported in v1/responses and not in v1/chat/completions.","type":"invalid_request_error","param":"model","code":null}}`, RequestInvalid, BlameClient},
		{"a token bucket per unit of time, in Chinese", 429, json, `{"error":{"message":"单位时间内请求的token数超过限制"}}`, RateLimited, BlameAccount},
		{"botocore with no credentials behind a relay", 500, json, `{"error":{"message":"Unable to locate credentials","type":"NoCredentialsError"}}`, AuthInvalid, BlameAccount},
		{"a key the gateway could not locate", 500, json, `{"detail":"Could not locate an API key for this route"}`, AuthInvalid, BlameAccount},
		{"cloudflare's 524 title relayed", 500, json, `{"error":{"message":"api.example.com | 524: A timeout occurred","type":"upstream_error"}}`, EdgeGatewayError, BlameEdge},
		{"cloudflare's 522 title relayed", 502, json, `{"error":{"message":"Upstream returned 522: Connection timed out"}}`, EdgeGatewayError, BlameEdge},
		{"a removed model that suggests others stays not found", 404, json, `{"message":"model 'x' was removed. See the docs for a list of models you can use instead."}`, ModelNotFound, BlameClient},
		{"tencent's 200 with Response.Error", 200, json, `{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"The provided credentials could not be validated."},"RequestId":"x"}}`, AuthInvalid, BlameAccount},
		// round 6: families found on realworld/heldout5 after it was scored, in other words
		{"a restricted key missing a scope under a 401", 401, json, `{"error":{"message":"This API key lacks the required scope model.read. Restricted API keys need it.","type":"invalid_request_error"}}`, PermissionDenied, BlameAccount},
		{"a missing key under a 401 stays auth", 401, json, `{"error":{"message":"Missing API key in the Authorization header"}}`, AuthInvalid, BlameAccount},
		{"token bucket nearly drained, no request size", 429, hdr("Content-Type", "application/json", "X-Ratelimit-Limit-Tokens", "30000", "X-Ratelimit-Remaining-Tokens", "2000", "X-Ratelimit-Remaining-Requests", "499"), `{"error":{"message":"Rate limit reached. Please retry shortly."}}`, RateLimited, BlameAccount},
		{"token bucket mostly full is load shedding", 429, hdr("Content-Type", "application/json", "X-Ratelimit-Limit-Tokens", "30000", "X-Ratelimit-Remaining-Tokens", "29000", "X-Ratelimit-Remaining-Requests", "499"), `{"error":{"message":"Rate limit reached. Please retry shortly."}}`, RateLimited, BlameProvider},
		{"API Gateway's own 504", 504, hdr("Content-Type", "application/json", "X-Amz-Apigw-Id", "abc="), `{"message":"Gateway Timeout"}`, EdgeGatewayError, BlameEdge},
		{"a bare Cloudflare 522", 522, nil, ``, EdgeGatewayError, BlameEdge},
		{"a hosting platform's deployment error", 502, json, `{"error":{"code":"502","message":"An error occurred with your deployment: FUNCTION_INVOCATION_FAILED"}}`, EdgeGatewayError, BlameEdge},
		{"fully loaded, traditional Chinese", 503, json, `{"msg":"伺服器已滿載，請稍後再試"}`, CapacityOverloaded, BlameProvider},
		{"input over the maximum allowed length", 400, json, `{"detail":"Prompt exceeds the maximum allowed length of 8192 tokens"}`, ContextLengthExceeded, BlameClient},
		{"a free tier used up", 403, json, `{"error":{"message":"Your free tier is exhausted for this month; enable paid usage to continue."}}`, QuotaExhausted, BlameAccount},
		{"a relay's 500 over a missing field", 500, json, `{"error":{"message":"messages is required","code":"invalid_request"}}`, RequestInvalid, BlameClient},
		{"a relay's 502 naming the upstream's 422", 502, json, `{"error":{"message":"proxy: upstream answered with status code 422 (Unprocessable Entity)"}}`, RequestInvalid, BlameClient},
		{"a relay's 502 naming the upstream's 503 stays a server error", 502, json, `{"error":{"message":"upstream error: HTTP Error 503: Service Unavailable"}}`, ServerError, BlameProvider},
		{"a rate-limit type over a bare reason", 429, json, `{"error":{"type":"rate_limit_exceeded","message":"rate-limited"}}`, RateLimitedAnomalous, BlameProvider},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Classify(Outcome{Status: tt.status, Header: tt.h, Body: []byte(tt.body)})
			if c.Class != tt.class || c.Blame != tt.blame {
				t.Fatalf("got %s/%s, want %s/%s (%q)", c.Class, c.Blame, tt.class, tt.blame, c.Message)
			}
		})
	}
}

// TestSuccessThatIsNot: 2xx answers with nothing in them, and error records after a 200 whose
// words say the request or the account is at fault.
func TestSuccessThatIsNot(t *testing.T) {
	tests := []struct {
		name  string
		o     Outcome
		class Class
		blame Blame
	}{
		{"whitespace JSON body", Outcome{Status: 200, Header: hdr("Content-Type", "application/json"), Body: []byte("\n\n\n\n")}, EmptyResponse, BlameProvider},
		{"whitespace body judged malformed by a probe", Outcome{Status: 200, Body: []byte(" \n"), Err: errors.New("malformed answer"), Stage: StageBody, Malformed: true}, EmptyResponse, BlameProvider},
		{"empty 204 is fine", Outcome{Status: 204}, OK, BlameNone},
		{"empty model list page", Outcome{Status: 200, Header: hdr("Content-Type", "text/html"), Body: []byte("<html></html>")}, OK, BlameNone},
		{"stream: context overflow is the request's", Outcome{Status: 200, Stream: &StreamFacts{ErrorEvent: []byte(`{"error":{"code":"context_length_exceeded","message":"Your input exceeds the context window of this model."}}`)}}, ContextLengthExceeded, BlameClient},
		{"stream: no credit is the account's", Outcome{Status: 200, Stream: &StreamFacts{ErrorEvent: []byte(`{"error":{"message":"Insufficient balance","type":"insufficient_quota"}}`)}}, QuotaExhausted, BlameAccount},
		{"stream: at capacity stays the provider's", Outcome{Status: 200, Stream: &StreamFacts{ErrorEvent: []byte(`{"error":{"message":"Selected model is at capacity.","type":"invalid_request_error"}}`)}}, StreamErrorEvent, BlameProvider},
		{"a refusal passed through as its provider's finish reason", Outcome{Status: 200, Stream: &StreamFacts{Terminal: true}, ExpectAnswer: true, Content: 12, FinishReason: "SAFETY"}, ContentFiltered, BlameClient},
		{"Zhipu's sensitive finish", Outcome{Status: 200, ExpectAnswer: true, FinishReason: "sensitive"}, ContentFiltered, BlameClient},
		{"a guardrail", Outcome{Status: 200, ExpectAnswer: true, Content: 40, FinishReason: "guardrail_intervened"}, ContentFiltered, BlameClient},
		{"a finish for length is no filter", Outcome{Status: 200, ExpectAnswer: true, Content: 3, FinishReason: "length"}, OK, BlameNone},
		{"a 200 that is only a FastAPI detail", Outcome{Status: 200, Header: hdr("Content-Type", "application/json"), Body: []byte(`{"detail":"n > 1 is not supported"}`)}, RequestInvalid, BlameClient},
		{"a 200 that is only a status and a message", Outcome{Status: 200, Header: hdr("Content-Type", "application/json"), Body: []byte(`{"status":429,"message":"Too many requests"}`)}, RateLimitedAnomalous, BlameProvider},
		{"a 200 crash report", Outcome{Status: 200, Header: hdr("Content-Type", "application/json"), Body: []byte(`{"err":"api","traceback":"Traceback (most recent call last): KeyError: 'api'"}`)}, ServerError, BlameProvider},
		{"a 200 whose only member is a gateway's lost connection", Outcome{Status: 200, Body: []byte(`{"html-message":"Network connection lost."}`)}, EdgeGatewayError, BlameEdge},
		{"a 200 whose message is a reason phrase", Outcome{Status: 200, Body: []byte(`{"detail":"Not Found"}`)}, RequestInvalid, BlameClient},
		{"a 200 that says Unauthorized", Outcome{Status: 200, Body: []byte(`{"message":"Unauthorized","request_id":"r"}`)}, AuthInvalid, BlameAccount},
		{"a 200 with a message and a success status is fine", Outcome{Status: 200, Body: []byte(`{"status":"ok","message":"model loaded"}`)}, OK, BlameNone},
		{"a 200 whose err is 0 is fine", Outcome{Status: 200, Body: []byte(`{"err":0,"message":"success","choices":[]}`)}, OK, BlameNone},
		{"a 200 whose error is false is fine", Outcome{Status: 200, Body: []byte(`{"error":false,"msg":"done"}`)}, OK, BlameNone},
		{"a 200 with a message and other members is fine", Outcome{Status: 200, Body: []byte(`{"message":"hello","model":"x","created":1}`)}, OK, BlameNone},
		{"stream: a bare invalid_request_error stays the provider's", Outcome{Status: 200, Stream: &StreamFacts{ErrorEvent: []byte(`{"error":{"message":"boom","type":"invalid_request_error"}}`)}}, StreamErrorEvent, BlameProvider},
		{"stream: a rejection the stream states as 400 is the request's", Outcome{Status: 200, Stream: &StreamFacts{Status: 400,
			ErrorEvent: []byte(`{"code":"InvalidParameter","message":"Role must be user or assistant"}`)}}, RequestInvalid, BlameClient},
		{"stream: the same words with no stated status stay in-band", Outcome{Status: 200, Stream: &StreamFacts{
			ErrorEvent: []byte(`{"code":"InvalidParameter","message":"Role must be user or assistant"}`)}}, StreamErrorEvent, BlameProvider},
		{"stream: a record that states 403 is a refusal of access", Outcome{Status: 200, Stream: &StreamFacts{
			ErrorEvent: []byte(`{"type":"chat:completion","data":{"error":{"detail":"Model not available for current user level","code":403},"done":true}}`)}}, PermissionDenied, BlameAccount},
		{"stream: a stated 500 stays in-band", Outcome{Status: 200, Stream: &StreamFacts{Status: 500,
			ErrorEvent: []byte(`{"error":{"message":"internal error"}}`)}}, StreamErrorEvent, BlameProvider},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Classify(tt.o)
			if c.Class != tt.class || c.Blame != tt.blame {
				t.Fatalf("got %s/%s, want %s/%s (%q)", c.Class, c.Blame, tt.class, tt.blame, c.Message)
			}
		})
	}
}

// TestHeadroom: the headroom rule reads the bucket the 429 names.
func TestHeadroom(t *testing.T) {
	tests := []struct {
		name string
		h    http.Header
		kind string
		want bool
	}{
		{"every bucket has room", hdr("X-Ratelimit-Remaining-Requests", "9000", "X-Ratelimit-Remaining-Tokens", "100000"), "", true},
		{"tokens at 0", hdr("X-Ratelimit-Remaining-Requests", "199", "X-Ratelimit-Remaining-Tokens", "0"), "tpm", false},
		{"TPM 429 with only the request bucket shown", hdr("X-Ratelimit-Remaining-Requests", "59"), "tpm", false},
		{"TPM 429, token bucket has room", hdr("X-Ratelimit-Remaining-Requests", "59", "X-Ratelimit-Remaining-Tokens", "90000"), "tpm", true},
		{"RPM 429 with only the token bucket shown", hdr("X-Ratelimit-Remaining-Tokens", "90000"), "rpm", false},
		{"anthropic input tokens at 0", hdr("Anthropic-Ratelimit-Requests-Remaining", "4000", "Anthropic-Ratelimit-Input-Tokens-Remaining", "0"), "", false},
		{"no headers", hdr(), "", false},
		{"garbage", hdr("X-Ratelimit-Remaining-Requests", "lots"), "", false},
	}
	for _, tt := range tests {
		if got := headroom(tt.h, tt.kind, 0); got != tt.want {
			t.Errorf("%s: headroom %v, want %v", tt.name, got, tt.want)
		}
	}
	if headroom(hdr("X-Ratelimit-Remaining-Requests", "199", "X-Ratelimit-Remaining-Tokens", "1446"), "tpm", 3082) {
		t.Error("1446 tokens left is no room for a request of 3082")
	}
	if !headroom(hdr("X-Ratelimit-Remaining-Requests", "199", "X-Ratelimit-Remaining-Tokens", "90000"), "tpm", 3082) {
		t.Error("90000 tokens left is room for a request of 3082")
	}
	if got := exhaustedBucket(hdr("X-Ratelimit-Remaining-Requests-Day", "0")); got != "requests-day" {
		t.Errorf("exhausted bucket %q", got)
	}
}

func TestTooLarge(t *testing.T) {
	for msg, want := range map[string]bool{
		"Request too large for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Requested 30601.": true,
		"Rate limit reached ... (TPM): Limit 7000, Used 0, Requested ~12903. Please try again in 50s":               true,
		"Rate limit reached for gpt-4 on tokens per min (TPM): Limit 10000, Used 8554, Requested 3082.":             false,
		"Limit: 1,000,000, Requested: 999,999": false,
		"rate limit of 20,000 input tokens per minute; reduce the maximum tokens requested, or try again later": false,
		"": false,
	} {
		if got := tooLarge(msg); got != want {
			t.Errorf("%q: %v, want %v", msg, got, want)
		}
	}
}
