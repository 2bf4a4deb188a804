package classify

import (
	"net/http"
	"strings"
	"testing"
)

// TestFamilies: each family hears its words wherever they come from, in the languages seen on
// the wire, and not the look-alikes that sit in other meanings' texts.
func TestFamilies(t *testing.T) {
	tests := []struct {
		name string
		f    *family
		yes  []string
		no   []string
	}{
		{"money", moneyWords,
			[]string{"your credit balance is too low", "billing hard limit has been reached", "budget has been exceeded! current cost: 10.5",
				"余额不足或无可用资源包,请充值。", "your account has an overdue balance", "code: arrearage", "insufficient_g1_credits_balance",
				"used all available credits or reached its monthly spending limit", "payment required"},
			[]string{"`max_tokens` must be greater than `thinking.budget_tokens`", "need more tokens? upgrade at console.groq.com/settings/billing",
				"please check your plan and billing details"}},
		{"capacity", capacityWords,
			[]string{"that model is currently overloaded", "no capacity available for model", "model_capacity_exhausted", "is currently over capacity",
				"errorqueuefull", "该模型当前访问量过大，请您稍后再试", "system is too busy now", "loading model", "当前分组上游负载已饱和",
				"we're receiving too many requests at the moment.", "z-ai/glm is temporarily rate-limited upstream", "当前模型负载较高"},
			[]string{"rate limit reached for requests", "负载均衡", "the engine is temporarily unavailable"}},
		{"geo", geoWords,
			[]string{"user location is not supported for the api use.", "unsupported_country_region_territory", "您所在的地区不支持"},
			[]string{"use a correct regional api endpoint for your resource", "model is not supported in region us-east1"}},
		{"country", countryWords,
			[]string{"country, region, or territory not supported", "not available in your country"},
			[]string{"the model you requested is unavailable in your region"}},
		{"cloud region", cloudRegionWords,
			[]string{"to access it, enable cross region inference with aws_us", "the model is not available in this region"},
			[]string{"this model is not available in your region.", "user location is not supported"}},
		{"moderation", contentWords,
			[]string{"output blocked by content filtering policy", "we've limited access to this content for safety reasons", "content violates usage guidelines",
				"request failed content safety check.", "your input was flagged for \"harassment\"", "sensitivecontentdetected", "输入内容包含敏感词",
				"content exists risk", "input content audit failed", "nsfw content detected"},
			[]string{"model names are case-sensitive", "invalid value at 'safety_settings[0].category'", "{'model': 'openguardrails'}",
				"(type.googleapis.com/google.ai.generativelanguage.v1beta.harmcategory), \"harm_category_x\""}},
		{"context", contextWords,
			[]string{"prompt is too long: 208310 tokens > 200000 maximum", "input is too long for requested model.",
				"the input token count (132478) exceeds the maximum number of tokens allowed (131072).",
				"input length and `max_tokens` exceed context limit: 193125 + 21333 > 200000", "please reduce the length of the messages or completion.",
				"`inputs` tokens + `max_new_tokens` must be <= 4096", "请求的上下文长度超出限制", "prompt token count of 150000 exceeds the limit of 128000",
				"the decoder prompt (length 9000) is longer than the maximum model length of 8192",
				"your request exceeded model token limit: 262144 (requested: 269030)", "输入内容过长，请减少 prompt 中的 token 数量后重试",
				"range of input length should be [1, 6000]", "input validation error: `inputs` must have less than 4096 tokens"},
			[]string{"max_tokens: 10000 > 4096, which is the maximum allowed number of output tokens",
				"see docs/extended-thinking#max-tokens-and-context-window-size", "unsupported parameter: 'max_tokens'",
				"max_tokens (100000) exceeds the model's maximum (64000)"}},
		{"model gone", modelGoneWords,
			[]string{"system: invalid model name", "model not found gpt-5.5", "the model `llama-3.1` has been decommissioned",
				"with on-demand throughput isn’t supported. retry your request with the id or arn of an inference profile", "[1211][模型不存在，请检查模型代码。]",
				"the provided model identifier is invalid.", "unsupported model: x"},
			[]string{"project `proj_x` does not have access to model `gpt-4o-mini`", "unsupported parameter: 'max_tokens' is not supported with this model.",
				"当前分组 default 下对于模型 gpt-4 无可用渠道"}},
		{"access", accessWords,
			[]string{"the caller does not have permission", "you don't have access to the model with the specified model id.",
				"your organization must be verified to stream this model", "access denied due to virtual network/firewall rules."},
			[]string{"extra inputs are not permitted", "system messages are not allowed"}},
		{"blocked", blockedWords,
			[]string{"this organization has been disabled.", "consumer 'api_key:x' has been suspended.", "disabled in this account for violation of terms of\n\t\tservice"},
			[]string{"generative language api has not been used in project 1 before or it is disabled.", "该模型已禁用"}},
		{"auth", authWords,
			[]string{"invalid x-api-key", "your api key was reported as leaked.", "oauth token has expired.", "无效的令牌", "code: invalidapikey",
				"invalid credential", "authfailure.signaturefailure", "the security token included in the request is expired",
				"身份验证失败", "method doesn't allow unregistered callers"},
			[]string{"access to the chat endpoint is denied. please ensure you're using the correct credentials."}},
		{"gateway", gatewayWords,
			[]string{"failed to get response from provider", "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
				"no healthy upstream", "do request failed: post \"https://x\": dial tcp 1.2.3.4:443: i/o timeout", "apig.0201 backend timeout"},
			[]string{"upstream error from nvidia: resourceexhausted: worker local total request limit reached (1)", "litellm.apiconnectionerror: bedrockexception",
				"error code: 5200 invalid parameter"}},
		{"model output fault", outputFaultWords,
			[]string{"code: tool_use_failed", "failed to call a function. please adjust your prompt.", "the model produced invalid content."},
			[]string{"invalid 'messages[2].tool_calls': missing required parameter", "tools are not supported with this model"}},
		{"none available", noneAvailableWords,
			[]string{"no available grok account", "当前分组 default 下对于模型 x 无可用渠道", "暂无可用密钥"},
			[]string{"the model is not available", "no availability zone"}},
		{"money, other languages", moneyWords,
			[]string{"saldo insuficiente", "недостаточно средств на счёте", "잔액이 부족합니다", "クレジットが不足しています", "积分不足"},
			[]string{"load balancer unavailable", "budget_tokens must be less than max_tokens"}},
		{"gateway, unreachable", gatewayWords,
			[]string{"the api is unreachable, please contact the api provider", "could not reach the backend service"},
			[]string{"get request url failed: invalid_request", "code: do_request_failed"}},
		{"gateway, API gateways", gatewayWords,
			[]string{"endpoint request timed out", "failure to get a peer from the ring-balancer",
				"an invalid response was received from the upstream server"}, nil},
		{"money, a suspension for an unpaid bill", moneyWords,
			[]string{"suspended, possibly due to reaching the monthly spending limit or failure to pay past invoices", "trial has expired", "code: resourceunavailable.inarrears"},
			[]string{"your account has been suspended for violation of terms"}},
		{"authorization", authzWords,
			[]string{"authorization failed", "authorization failed or requested resource not found."},
			[]string{"missing authorization header"}},
		{"credential", credentialWords,
			[]string{"we couldn't find a secret with the name \"xai_api_key\"", "authorization<headers::common::authorization::bearer>", "api_key"},
			[]string{"max_tokens", "rate limit reached for tokens per min"}},
		{"absent", absentWords,
			[]string{"was not found", "missing api key", "is required", "couldn't find"},
			[]string{"found without tool_result"}},
		{"fault", faultWords,
			[]string{"degraded function cannot be invoked", "internal server error"},
			[]string{"invalid request", "<400> internalerror.algo.invalidparameter: the content field's type should be"}},
		{"limit hit", limitHitWords,
			[]string{"api rate limit exceeded", "rate limit reached for rpm"},
			[]string{"rate limited by proxy server"}},
		{"param", paramWords,
			[]string{"invalid params, messages is empty", "the length of messages must be an odd number", "参数错误"},
			[]string{"insufficient balance", "rate limit exceeded"}},
		{"bucket", bucketWords,
			[]string{"tpm limit reached", "open api qps request limit reached", "requests per second limit exceeded", "今日调用次数已达上限"},
			[]string{"too many requests in 1 hour. try again later.", "rate limited by proxy server"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range tt.yes {
				if !tt.f.in(s) {
					t.Errorf("does not hear %q", s)
				}
			}
			for _, s := range tt.no {
				if tt.f.in(s) {
					t.Errorf("hears %q", s)
				}
			}
		})
	}
	for hay, want := range map[string]bool{
		"no healthy upstream: the load balancer has no backends": false,
		"insufficient balance; load balancer retried":            true,
		"your account balance is insufficient":                   true,
	} {
		if got := moneyIn(vocab.scan(hay), hay); got != want {
			t.Errorf("moneyIn(%q) = %v", hay, got)
		}
	}
}

// TestVocabulary: one bit per family, states that fit the table's uint16, and a scan that agrees
// with a plain substring search for every phrase.
func TestVocabulary(t *testing.T) {
	if len(families) > 64 {
		t.Fatalf("%d families, more than a uint64 has bits", len(families))
	}
	if n := len(vocab.out); n >= 1<<15 {
		t.Fatalf("%d automaton states do not fit the table's 15 bits", n)
	}
	t.Logf("vocabulary: %d families, %d states, %d byte classes, %d KiB of transitions", len(families), len(vocab.out), vocab.nclass, 2*len(vocab.delta)>>10)
	for _, f := range families {
		for _, w := range f.words {
			if w != strings.ToLower(w) {
				t.Errorf("%q is not lower case", w)
			}
			hay := "xx " + w + " yy"
			if vocab.scan(hay)&f.bit == 0 {
				t.Errorf("scan misses %q", w)
			}
			var want uint64
			for _, g := range families {
				for _, v := range g.words {
					if strings.Contains(hay, v) {
						want |= g.bit
					}
				}
			}
			if got := vocab.scan(hay); got != want {
				t.Errorf("scan(%q) = %b, substring search says %b", hay, got, want)
			}
		}
	}
}

// TestEnvelope: every place a message or a code can hide.
func TestEnvelope(t *testing.T) {
	tests := []struct {
		name, body string
		ok2xx      bool
		found      bool
		message    string
		codes      []string // each must be among the codes
		words      []string // each must be in the haystack
		status     int
		standard   bool
	}{
		{"openai", `{"error":{"message":"m","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`, false, true, "m",
			[]string{"invalid_request_error", "invalid_api_key"}, nil, 0, true},
		{"anthropic wrapper", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, false, true, "Overloaded",
			[]string{"overloaded_error"}, nil, 0, true},
		{"gemini details and errors", `{"error":{"code":429,"message":"m","status":"RESOURCE_EXHAUSTED","errors":[{"reason":"rateLimitExceeded"}],"details":[{"reason":"MODEL_CAPACITY_EXHAUSTED"},{"violations":[{"quotaId":"PerMinute"}]},{"retryDelay":"26s"}]}}`,
			false, true, "m", []string{"429", "RESOURCE_EXHAUSTED", "rateLimitExceeded", "MODEL_CAPACITY_EXHAUSTED", "PerMinute", "retry_delay"}, nil, 429, true},
		{"JSON in a string", `{"error":{"message":"{\n \"error\": {\n \"code\": 400,\n \"message\": \"User location is not supported.\",\n \"status\": \"FAILED_PRECONDITION\"\n }\n}\n","code":400,"status":"Bad Request"}}`,
			false, true, "User location is not supported.", []string{"FAILED_PRECONDITION"}, nil, 400, true},
		{"JSON after a prefix", `{"status":false,"error":{"message":"Invalid response code 403, {\"detail\":\"Unusual activity has been detected\"}","type":"invalid_request_error"}}`,
			true, true, "Unusual activity has been detected", []string{"invalid_request_error"}, []string{"unusual activity"}, 0, true},
		{"JSON then trailing text", `{"error":{"message":"{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"inner\"}}. Received Model Group=x","type":"None","code":"400"}}`,
			false, true, "inner", []string{"invalid_request_error"}, nil, 400, true},
		{"vllm flat", `{"object":"error","message":"m","type":"BadRequestError","param":null,"code":400}`, false, true, "m", []string{"BadRequestError"}, nil, 400, true},
		{"xai flat", `{"code":"permission-denied","error":"Your team has used all available credits"}`, false, true, "Your team has used all available credits",
			[]string{"permission-denied"}, nil, 0, true},
		{"azure no wrapper", `{"code":"403","message":"A Virtual Network is configured"}`, false, true, "A Virtual Network is configured", []string{"403"}, nil, 403, true},
		{"fastapi detail", `{"detail":"Not Found"}`, false, true, "Not Found", nil, nil, 0, false},
		{"pydantic detail list", `{"detail":[{"type":"extra_forbidden","loc":["body","store"],"msg":"Extra inputs are not permitted","input":"SECRET PROMPT"}]}`,
			false, true, "Extra inputs are not permitted", []string{"extra_forbidden"}, nil, 0, true},
		{"problem json", `{"type":"https://developers.cloudflare.com/x","title":"Error 522: Connection timed out","status":522,"detail":"origin unreachable"}`,
			false, true, "Error 522: Connection timed out", nil, []string{"origin unreachable"}, 522, false},
		{"gateway error array", `{"success":false,"result":[],"messages":[],"error":[{"code":2005,"message":"Failed to get response from provider"}]}`,
			true, true, "Failed to get response from provider", []string{"2005"}, nil, 0, true},
		{"minimax base_resp in a 200", `{"id":"x","base_resp":{"status_code":1008,"status_msg":"insufficient balance"}}`, true, true, "insufficient balance", []string{"1008"}, nil, 0, true},
		{"baidu error_code in a 200", `{"error_code":18,"error_msg":"Open api qps request limit reached"}`, true, true, "Open api qps request limit reached", []string{"18"}, nil, 0, true},
		{"code and msg, no answer, in a 200", `{"code":30001,"msg":"Sorry, your account balance is insufficient","data":null}`, true, true, "Sorry, your account balance is insufficient", nil, nil, 0, true},
		{"code 0 with data is an answer", `{"code":0,"msg":"success","data":{"x":1}}`, true, false, "", nil, nil, 0, false},
		{"a Responses object with error null is an answer", `{"object":"response","status":"completed","error":null}`, true, false, "", nil, nil, 0, false},
		{"openrouter metadata.raw", `{"error":{"message":"Provider returned error","code":429,"metadata":{"raw":"{\"error\":{\"message\":\"upstream is rate limited\"}}","provider_name":"X"}}}`,
			false, true, "upstream is rate limited", nil, []string{"provider returned error"}, 429, true},
		{"error string", `{"error":"slow down"}`, false, true, "slow down", nil, nil, 0, false},
		{"status string", `{"status": "come back later"}`, false, true, "come back later", nil, nil, 0, false},
		{"array", `[{"error":{"code":400,"message":"m","status":"INVALID_ARGUMENT"}}]`, false, true, "m", []string{"INVALID_ARGUMENT"}, nil, 400, true},
		{"cut-off document", `{"error":{"message":"litellm.APIConnectionError: BedrockException - {\"message\":\"Model access is denied due to IAM user`, false, true,
			"", nil, []string{"model access is denied"}, 0, false},
		{"not JSON at all", "Model not found gpt-5.5\n", false, true, "Model not found gpt-5.5", nil, []string{"model not found"}, 0, false},
		{"cut document that starts mid-way", "\"error\": {\n\"code\": 429,\n\"message\": \"Resource has been exhausted\",\n\"reason\": \"INSUFFICIENT_G1_CREDITS_BALANCE\"", false, true,
			"Resource has been exhausted", nil, []string{"credits_balance"}, 0, false},
		{"empty", "  \n", false, false, "", nil, nil, 0, false},
		{"an error nested in details, in a 200", `{"message":"OpenAI API error.","details":{"error":{"message":"You exceeded your current quota","type":"insufficient_quota"}}}`,
			true, true, "OpenAI API error.", []string{"insufficient_quota"}, []string{"exceeded your current quota"}, 0, true},
		{"a nested error beside an answer is not the body's", `{"choices":[{"message":{"content":"hi"}}],"metadata":{"error":{"message":"x"}}}`,
			true, false, "", nil, nil, 0, false},
		{"JSend status error in a 200", `{"status":"error","message":"Insufficient balance"}`, true, true, "Insufficient balance", []string{"error"}, nil, 0, false},
		{"ok false in a 200", `{"ok":false,"error_message":"boom"}`, true, true, "boom", nil, nil, 0, false},
		{"tencent Response.Error in a 200", `{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"The provided credentials could not be validated."},"RequestId":"x"}}`,
			true, true, "The provided credentials could not be validated.", []string{"AuthFailure.SignatureFailure"}, nil, 0, true},
		{"apigee fault", `{"fault":{"faultstring":"Rate limit quota violation","detail":{"errorcode":"policies.ratelimit.QuotaViolation"}}}`,
			false, true, "Rate limit quota violation", []string{"policies.ratelimit.QuotaViolation"}, nil, 0, true},
		{"errcode and errmsg in a 200", `{"errcode":40001,"errmsg":"invalid credential"}`, true, true, "invalid credential", []string{"40001"}, nil, 0, true},
		{"azure apim statusCode", `{"statusCode":429,"message":"Rate limit is exceeded. Try again in 5 seconds."}`, false, true, "Rate limit is exceeded. Try again in 5 seconds.",
			[]string{"429"}, nil, 429, true},
		{"graphql extensions", `{"errors":[{"message":"m","extensions":{"code":"UNAUTHENTICATED"}}]}`, false, true, "m", []string{"UNAUTHENTICATED"}, nil, 0, true},
		{"top-level text", `{"status":"failed","error_code":"RATE_LIMITED","text":"Query rate limit exceeded."}`, false, true, "Query rate limit exceeded.",
			[]string{"RATE_LIMITED", "failed"}, nil, 0, true},
		{"an answer's text is not read", `{"text":"hello","finish_reason":"COMPLETE"}`, true, false, "", nil, nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := parseEnvelope([]byte(tt.body), tt.ok2xx)
			if e.found != tt.found || (tt.message != "" && e.message != tt.message) || e.bodyStatus != tt.status || e.standard != tt.standard {
				t.Fatalf("found %v message %q status %d standard %v; want %v %q %d %v", e.found, e.message, e.bodyStatus, e.standard,
					tt.found, tt.message, tt.status, tt.standard)
			}
			for _, c := range tt.codes {
				if !e.k(c) {
					t.Errorf("code %q missing from %q", c, e.codes[:e.ncodes])
				}
			}
			for _, w := range tt.words {
				if !strings.Contains(e.text(), w) {
					t.Errorf("%q not in %q", w, e.text())
				}
			}
			if strings.Contains(e.text(), "secret prompt") {
				t.Error("the echoed input was read as a message")
			}
		})
	}
	e := envelope{}
	e.headerCodes(http.Header{"X-Amzn-Errortype": {"ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/"}})
	if !e.k("ThrottlingException") || !strings.Contains(e.text(), "throttlingexception") {
		t.Errorf("x-amzn-errortype not read: %q", e.codes[:e.ncodes])
	}
}

// TestBoundedHaystack: a hostile body cannot grow the haystack past its cap.
func TestBoundedHaystack(t *testing.T) {
	body := `{"error":{"message":"` + strings.Repeat("overloaded ", 10000) + `","errors":[` +
		strings.Repeat(`{"reason":"r","message":"`+strings.Repeat("x", 2000)+`"},`, 50) + `{}]}}`
	e := parseEnvelope([]byte(body), false)
	if len(e.text()) > 2*hayCap+8 || len(e.message) > MaxMessage+len("…") {
		t.Fatalf("haystack %d bytes, message %d", len(e.text()), len(e.message))
	}
}
