package classify

import (
	"math"
	"strings"
)

// The signal vocabulary (docs/signals.md §6.3): for each meaning, the words any provider may use
// for it, in English and the other languages seen on the wire (Chinese first among them). They
// are matched, lower-cased, against everything an envelope gathered — messages, codes, types,
// statuses, reasons, JSON documents inside strings, arrays of errors, the x-amzn-errortype
// header — so a word counts wherever the provider hid it. A provider's own code appears here only
// when it cannot mean anything else.
//
// Each family is one list; a word belongs to one family. Which family wins when several match is
// the rules' order (rules.go), not the lists'.
type family struct {
	bit   uint64   // this family's bit in a scan's result
	words []string // lower-case phrases
}

// families registers every family in declaration order; vocab is all of them compiled into one
// automaton, so a haystack is read once however many words there are.
var (
	families []*family
	vocab    *matcher
)

// words declares a family.
func words(ws ...string) *family {
	f := &family{bit: 1 << len(families), words: ws}
	families = append(families, f)
	return f
}

func init() { vocab = compile(families) }

// in reports whether any of the family's phrases occurs in hay (already lower-cased).
func (f *family) in(hay string) bool { return vocab.scan(hay)&f.bit != 0 }

// first is where the earliest of the family's phrases occurs in hay (already lower-cased),
// len(hay) if none: for the few rules that weigh which of two families a text says first.
func (f *family) first(hay string) int {
	at := len(hay)
	for _, w := range f.words {
		if i := strings.Index(hay[:at], w); i >= 0 {
			at = i
		}
	}
	return at
}

var (
	// edgeBlockWords: a bot or fingerprint check in front of the API refused this client.
	edgeBlockWords = words("unusual activity", "unusual traffic", "enable javascript and cookies", "checking your browser",
		"security checkpoint", "ddos protection by", "incapsula incident", "waf", "web application firewall",
		"bot protection", "bot detection", "captcha")

	// geoWords: the provider does not serve the caller's country, region or location.
	geoWords = words("unsupported_country", "unsupportedcountry", "unsupportedregion", "locationnotsupport", "user location", "your location",
		"location is not supported", "location not supported", "your region", "region is not supported",
		"unsupported region", "unsupported_region", "region not supported", "region_not_supported",
		"location_not_supported", "your area", "geo-restrict", "geo_restrict", "georestrict", "geoblock", "sanctioned", "embargo",
		"所在地区", "所在的地区", "所在区域", "地区不支持", "不支持的地区", "区域不支持", "地區")
	// unavailableWords: something is not offered (read with cloudRegionWords).
	unavailableWords = words("unavailable", "not available", "isn't available", "not supported", "不可用", "不支持")
	// countryWords name the caller's country itself: with them, a region is never a cloud region.
	countryWords = words("country", "countries", "territory", "territories", "国家", "國家")
	// cloudRegionWords: the model is not offered in the cloud region the account or deployment
	// lives in ("enable cross region inference", "not available in this region") — an account
	// setting, not the caller's location.
	cloudRegionWords = words("cross region", "cross-region", "crossregion", "in this region", "different region",
		"another region", "跨区域", "跨地域")

	// gatewayWords: a gateway or proxy could not reach or hear from the service behind it.
	gatewayWords = words("upstream connect", "no healthy upstream", "upstream request timeout",
		"upstream timed out", "upstream timeout", "upstream prematurely closed", "upstream connection",
		"connection to upstream", "connect to upstream", "reach upstream", "upstream unreachable",
		"upstream is unreachable", "upstream disconnect", "disconnect/reset before headers",
		"failed to get response from provider", "bad gateway", "gateway timeout", "gateway time-out",
		"origin is unreachable", "web server is down", "web server is returning an unknown error",
		"could not establish a tcp connection", "dial tcp", "connection refused",
		"connection reset", "socket hang up", "econnreset", "econnrefused", "etimedout", "i/o timeout",
		"tls handshake timeout", "backend timeout", "backend connection", "error reading from remote server",
		"received an invalid response from upstream", "invalid response from upstream", "endpoint request timed out",
		"communicating with endpoint", "application failed to respond", "function_invocation_timeout",
		"invalid response was received from the upstream", "upstream server is timing out", "failure to get a peer",
		"failed to connect to", "could not connect to", "unable to connect to", "cannot connect to", "server connection error",
		"name resolution failed", "error sending request", "error trying to connect", "connection closed before message completed",
		"network connection lost", "connection lost", "fetch failed", "getaddrinfo", "eai_again", "no such host",
		"network is unreachable", "host is unreachable", "no route to host", "und_err_connect", "worker threw exception",
		"worker exceeded", "function_invocation_failed", "deployment failed while serving", "an error occurred with your deployment", "awaiting headers",
		"awaiting response headers", "broken pipe", "is unreachable", "not reachable", "unable to reach",
		"could not reach", "couldn't reach", "cannot reach", "can't reach", "failed to reach",
		"ssl handshake failed", "tls handshake failed",
		// what HTTP client libraries say when a proxy built on them cannot reach its upstream (httpx,
		// aiohttp, requests, Python's http.client)
		"all connection attempts failed", "connecterror", "server disconnected", "remote end closed connection",
		"remotedisconnected",
		"上游连接", "连接上游", "上游超时", "上游请求失败", "连接超时", "连接被拒绝", "连接重置", "无法连接")

	// blockedWords: the account, organization or key was disabled, suspended or banned.
	blockedWords = words("deactivated", "access_terminated", "access was terminated", "terminated due to",
		"organization has been disabled", "organization is disabled", "organization_disabled",
		"account has been disabled", "account is disabled", "account disabled", "account_disabled", "accountdisabled",
		"organizationdisabled",
		"suspended", "banned", "violation of terms", "account has been terminated", "account terminated",
		"account was terminated", "violating our terms", "account has been blocked",
		"account is blocked", "account is frozen", "temporarily blocked", "resource has been blocked",
		"account is inactive", "account inactive", "account_inactive", "account has been locked", "account is locked",
		"account locked", "organization has been restricted", "organization is restricted", "organization_restricted",
		"organization restricted", "account has been restricted", "account is restricted", "account_restricted",
		"account restricted", "账号受限", "账户受限", "账号已被限制", "账户已被限制", "封禁", "封号", "被封", "账号已禁用", "账户已禁用", "账号已被禁用",
		"账户已被禁用", "用户已被禁用", "冻结", "账号异常", "账户异常", "凍結")

	// authWords: the credential itself is missing, wrong, expired, revoked or leaked.
	authWords = words("invalid_api_key", "invalidapikey", "api_key_invalid", "incorrect api key", "invalid api key",
		"api key not valid", "invalid x-api-key", "api key is invalid", "api key expired",
		"api key has expired", "invalid key", "reported as leaked", "revoked", "didn't provide an api key",
		"no api key", "missing api key", "api key is missing", "missing bearer", "missing authentication",
		"authentication_error", "authentication error", "authenticationerror", "authentication failed", "failed to auth",
		"failed_to_auth", "authentication is invalid", "authentication invalid",
		"unauthenticated", "invalid authentication", "invalid token", "invalid_token", "token is invalid",
		"token has expired", "token expired", "expired token", "token invalid", "token not valid",
		"key has been disabled", "key is disabled", "ip not authorized",
		"auth token is missing", "access token is missing", "bearer token is missing", "missing access token",
		"missing auth token", "missing bearer token",
		// the key is not allowed from the caller's IP (an allow-list on the key)
		"ip whitelist", "ip allowlist", "ip白名单", "ip地址没有", "ip地址不在",
		"invalid subscription key", "invalid credential", "invalid_credential", "bad credentials",
		"invalid api-key", "invalid apikey", "invalid api token", "api key is not valid",
		"api key is incorrect", "token is not valid", "token is expired", "invalid jwt", "jwt expired", "jwt malformed", "jwt is invalid", "jwt has expired",
		"key has been deleted", "key was deleted", "invalid access token", "invalid auth token",
		"invalid bearer", "wrong api key", "key you provided is invalid", "key provided is invalid", "invalid_key", "incorrect api-key", "api key provided is invalid", "unknown api key",
		"invalid authorization", "missing authorization",
		"not authenticated", "could not validate credentials", "credentials were not provided", "no auth credentials",
		"invalid signature", "signature does not match", "signaturedoesnotmatch", "signature expired",
		"security token included in the request is", "signature we calculated does not match", "invalidsignature",
		"unrecognizedclient", "expiredtoken", "authfailure", "unregistered caller", "login fail",
		"no credentials", "no credential for", "no valid credential", "without credentials", "no stored credential",
		"nocredentialserror", "unable to locate credentials", "登录失败",
		"鉴权失败", "认证失败", "身份验证失败", "未认证", "无效的令牌", "令牌无效", "令牌已过期", "令牌已被禁用", "密钥无效", "密钥错误",
		"api key无效", "api key错误", "apikey错误", "无效的api", "key无效", "无效的key", "key已过期", "签名错误", "签名无效", "認証",
		"密钥不正确", "令牌不正确", "key不正确", "令牌已失效", "密钥已失效", "token已过期", "token过期", "token无效", "无效的token")

	// moneyWords: out of money — credit, balance, budget, billing, a spend limit, an unpaid bill.
	// "billing" alone is not here: OpenAI's and Google's rate-limit texts link to billing pages.
	moneyWords = words("insufficient_quota", "insufficient quota", "insufficientquota", "billing_not_active",
		"billing not active", "billing_hard_limit", "billing hard limit", "billing_error", "billing error",
		"billing account", "set up billing", "credit", "budget has been exceeded",
		"budget_exceeded", "budget exceeded", "exceeded budget", "exceeded your budget", "max budget",
		"over budget", "budget limit", "spend limit", "spending limit", "spend_limit", "spending_limit",
		"payment required", "payment method", "add a payment", "unpaid", "overdue", "arrear", "recharge",
		"top up", "top-up", "purchase more", "add funds", "api usage limits", "extra usage",
		"insufficient funds", "insufficient_funds", "past due", "unpaid invoice", "past invoices",
		"trial has expired", "trial expired", "trial has ended", "trial ended", "subscription has expired",
		"subscription expired", "no active subscription", "subscription is not active", "subscription is inactive",
		"resourcepack", "chargeresource", "余额", "欠费", "充值", "额度不足", "额度已用尽", "额度用尽", "资源包", "套餐已", "套餐到期", "套餐过期",
		"餘額", "欠費", "額度不足", "残高", "预算不足", "超出预算", "超过预算", "预算已", "积分不足", "点数不足", "费用不足",
		"out of funds", "not enough funds", "payment failed", "payment_failed", "card was declined", "card declined",
		"billing issue", "billing problem", "budget reached", "budget has been reached", "reached your budget",
		"budget_limit", "spend cap", "spending cap", "key limit exceeded", "saldo insuficiente", "sin saldo", "crédito insuficiente",
		"set inference limit", "safe experience mode", // Volcengine Ark: a cap the account set on itself
		"solde insuffisant", "crédit insuffisant", "guthaben", "достаточно средств", "пополните баланс", "잔액", "크레딧", "クレジット")

	// rateLimitWords name a rate limit outright: with bucketWords or refillWords they outweigh moneyWords, which
	// then are an upsell ("Rate limit exceeded: free-models-per-day. Add credits to unlock more").
	rateLimitWords = words("rate limit", "rate_limit", "ratelimit", "rate-limit", "rate limited")

	// quotaWords: a quota ran out — money when nothing says it refills by the minute or day.
	quotaWords = words("exceeded your current quota", "exceeded current quota", "current quota", "exceeded_current_quota",
		"quota exceeded", "exceeded quota", "quota_exceeded", "quota has been reached", "quota reached",
		"quota_reached", "quota exhausted", "quotaexceeded", "exceeded your quota", "out of quota",
		"quota has been exhausted", "quota is exhausted", "quota was exhausted", "quota is insufficient", "no remaining quota",
		"quota is not enough", "quota not enough", "not enough quota", "insufficient_user_quota", "insufficient user quota",
		// a monthly allowance of calls refills only with the plan's month
		"calls / month", "calls/month", "calls per month", "calls a month",
		"free quota", "free tier has been exhausted", "free tier of the model has been exhausted", "free tier is exhausted",
		"free tier exhausted", "monthly limit", "monthly quota", "monthly usage limit", "额度", "額度", "配额不足", "配额已用", "配额用尽", "配额耗尽")

	// bucketWords name a rate-limit bucket (a window and what it counts): with refillWords they
	// say the limit refills over time — a rate limit, not an empty purse. A 429 that names its
	// bucket ("TPM limit reached") is our own limit even without a standard envelope.
	bucketWords = words("per minute", "per_minute", "perminute", "per min", "/min", "per hour",
		"per_hour", "perhour", "per day", "per_day", "perday", "per second", "per_second", "requests_per",
		"tokens_per", "requests per", "tokens per", "rpm", "tpm", "rpd", "tpd", "qps", "qpm",
		"per-minute", "per-hour", "per-day", "/ minute", "/ hour", "/ day", "daily",
		"time frame", "timeframe", "time window", "time period", "rolling window", "sliding window", "单位时间", "时间窗口",
		"每分钟", "每小时", "每天", "每日", "每秒", "今日", "频率", "頻率",
		"cooling down", "cooldown", "cool down", "冷却") // a cooldown is a window the caller waits out
	// bucketCodeWords: a code that names the caller's per-second/minute/day bucket (THROTTLING.userQPSLimit)
	bucketCodeWords = words("qps", "qpm", "rpm", "tpm", "rpd", "tpd")
	refillWords     = words("retry_delay", "try again in", "retry after", "resets")

	// rateWords: our own rate or concurrency limit.
	rateWords = words("rate limit", "rate_limit", "ratelimit", "rate-limit", "rate limited",
		"too many requests", "toomanyrequests", "too many tokens", "too many connections", "too many messages", "throttl",
		"requests per", "tokens per", "request limit",
		"increased too quickly", "limit_burst_rate", // a ramp the caller made too steep (DashScope's burst limit)
		"concurrency", "concurrent", "quota", "resource_exhausted", "resource exhausted",
		"resource has been exhausted", "usage limit", "limit reached", "limit exceeded", "limit_exceeded", "limitexceeded",
		"速率", "频率", "频繁", "限流", "并发", "请求过多", "请求次数", "调用次数", "已达上限", "达到上限", "使用上限", "限额", "並發", "頻繁", "請求過多")

	// gateWords: the title of a full-page capacity gate served with a 200 ("ChatGPT is at capacity
	// right now", docs/signals.md §3): narrower than capacityWords, since any page has a title.
	gateWords = words("at capacity", "over capacity", "exceptionally high demand", "overloaded")

	// capacityWords: the provider is out of capacity, overloaded, busy or still loading a model.
	capacityWords = words("overloaded", "overload", "over capacity", "at capacity", "no capacity",
		"capacity exceeded", "capacity_exhausted", "capacity exhausted", "insufficient capacity",
		"out of capacity", "high demand", "high traffic", "heavy load", "busy", "queue full",
		"queue is full", "queuefull", "queue_full", "queue_exceeded", "queue exceeded",
		"sufficient resources", "loading model", "model is loading", "currently loading", "not ready",
		"scaling up", "starting up", "cold start", "available capacity", "not enough capacity", "capacity constraint",
		"warming up", "no available worker", "slow_down", "service_unavailable_error", "modelnotready",
		"serviceunavailableexception", "receiving too many requests", "receiving a high volume", "receiving more requests",
		"high volume of requests", "experiencing high", "experiencing heavy", "heavy traffic", "capacity reached",
		"capacity temporarily", "exceeded capacity", "rate-limited upstream", "rate limited upstream", "upstream rate limit", "upstream rate-limit", "shared pool",
		"繁忙", "访问量过大", "请求量过大", "负载已", "负载过高", "负载较高", "负载过重", "高负载", "饱和", "过载",
		"saturated", "saturation", "too much traffic", "model capacity", "no more data centers", "no instances available",
		"no instance available", "no workers available", "no servers available", "no replicas available", "no gpus available",
		"no accounts available", "no keys available", "no slots available", "capacity problem", "no slot available",
		"no free slot", "sobrecarga", "surchargé", "перегруж", "과부하",
		"拥挤", "排队", "算力不足", "满载", "滿載", "過載", "過負荷", "混雑")

	// contentWords: a safety or moderation filter stopped the prompt or the answer.
	contentWords = words("content_filter", "content filter", "contentfilter", "content_policy", "content policy", "contentpolicy",
		"content management policy", "responsibleaipolicyviolation", "safety system", "safety reason",
		"safety filter", "safety check", "safety_check", "safety polic", "safety guideline", "safety violation",
		"content safety", "moderation", "flagged",
		"usage guidelines", "usage polic", "acceptable use", "violates", "policy violation",
		"inappropriate", "sensitive content", "sensitivecontent", "sensitive_content", "sensitive word",
		"new_sensitive", "harmful", "unsafe", "prohibited_content", "prohibited content", "blockreason",
		"guardrail intervened", "guardrail_intervened", "blocked by guardrail", "guardrail violation",
		"violated guardrail", "jailbreak", "high risk", "datainspection", "data_inspection", "inspection failed",
		"exists risk", "content risk", "risk control", "risky", "risk detected", "policy_violation", "safety_violation",
		"nsfw content", "toxic content", "audit failed", "content audit", "content is not compliant", "content not compliant",
		"non-compliant content", "noncompliant content", "due to safety", "safety concerns", "prompt was blocked",
		"response was blocked", "output was blocked", "input was blocked", "content_blocked", "prompt_blocked",
		"input_blocked", "output_blocked", "blocked by content",
		"敏感", "违规", "违禁", "不安全", "内容安全", "审核", "风控", "风险", "不合规", "違規", "審核")

	// contextWords: the prompt (with the answer budget) does not fit the model's context.
	contextWords = words("context_length", "context length", "context_window", "context window",
		"exceed_context_size", "context size", "input is too large", "input too large", "maximum input tokens",
		"max input tokens", "context limit", "maximum context", "context overflow",
		"prompt is too long", "prompt too long", "input is too long", "input too long", "too long for",
		"input token count", "prompt token count", "maximum number of tokens", "maximum model length", "max_model_len", "tokens in the prompt", "total number of tokens",
		"reduce the length of the messages", "sequence length", "max_seq_len", "prompt is too large", "prompt too large",
		"contextlength", "contextwindow",
		"exceeds the available context", "maximum input length", "max input length", "exceeds the maximum allowed length",
		"longer than the model", "tokens to keep", "max_new_tokens` must be", "`inputs` tokens",
		"`inputs` must have less than", "model token limit", "model's token limit", "too many input tokens", "input length should", "input length exceed",
		"prompt length exceed", "maximum prompt length", "max prompt length", "length of messages exceed",
		"shorter or fewer inputs", "input tokens exceed", "exceeded max_prompt_tokens", "prompt tokens exceed", "prompt exceeds", "exceeds the context",
		"exceeds context", "too many prompt tokens", "too_many_prompt_tokens", "prompt has too many tokens",
		"contains too many tokens", "messages is too long", "messages are too long", "messages too long",
		"length of all messages", "conversation is too long", "conversation too long", "exceeds the maximum input",
		"input token limit", "prompt token limit", "tokens too long", "max length of current question", "最大输入长度", "token数量超", "コンテキスト長", "컨텍스트 길이", "输入长度超", "输入的长度超", "token数超", "tokens超",
		"上下文", "输入过长", "长度超过", "超过最大长度", "超出最大长度", "内容过长", "文本过长", "提示词过长", "消息过长", "超长")

	// modelGoneWords: the model or deployment does not exist, is retired or is not deployed here.
	modelGoneWords = words("model not found", "invalid model", "not a valid model", "unknown model",
		"no such model", "model name is invalid", "model is invalid", "model does not exist",
		"model_not_exist", "decommissioned", "deployment for this resource does not exist",
		"deployment not found", "try pulling it first", "no models loaded", "no endpoints found for",
		"inference profile", "at 'modelid' failed", "marked by provider as legacy",
		"unsupported model", "model not supported", "model is not supported", "not a supported model",
		"unrecognized model", "model not recognized", "no model named", "model is not valid", "model id is invalid",
		"model id is not valid", "model name is not valid", "model has been deprecated", "model is deprecated",
		"model was deprecated", "model has been removed", "model was removed", "model identifier is invalid",
		"invalid model identifier", "not support the selected model", "not support this model", "not support the requested model",
		"not support the model", "not support model", "supported models are", "supported models:",
		"supported models include", "available models are", "available models:", "valid models are", "valid models:",
		"list of supported models", "list of available models", "model_name_invalid", "invalid_model_name",
		"unavailable model:", "支持的模型有", "支持的模型列表", "可用模型列表",
		"模型不存在", "无效的模型", "模型无效", "模型名称无效", "模型名称错误", "不支持所选模型", "不支持此模型", "不支持当前模型", "不支持模型", "不支持所请求的模型", "模型未找到", "不支持的模型", "不支持该模型", "模型已下线", "找不到模型", "未找到模型", "模型已停用")
	// notThereWords, said of a model, mean the same; notServingWords too, except under a 5xx,
	// where a model that is not loaded or not running is the server's trouble.
	notThereWords = words("not found", "does not exist", "doesn't exist", "not exist", "no longer supported",
		"no longer available", "retired", "not deployed", "discontinued", "couldn't find", "could not find", "unable to find",
		"不存在", "未找到", "找不到", "已下线", "已停用")
	notServingWords = words("not loaded", "unloaded", "not running")
	// notOfferedWords: the model asked for is not offered here — under a 4xx other than 403 (access)
	// or 429 (load), and without words of load or a later retry
	notOfferedWords = words("model not available", "model is not available")
	// modelCodes are codes that name a missing model or deployment.
	modelCodes = words("model_not_found", "deploymentnotfound", "model_decommissioned",
		"invalid_model", "invalidmodel", "model_not_supported", "modelnotsupported", "resourcenotfoundexception", "modelnotfound",
		"model_not_available", "unavailable_model",
		"model_price_error") // new-api: the gateway has no price for the model, so it does not serve it

	// accessWords: the key or project is valid but may not use this model, endpoint or resource.
	// They are read in texts only: codes carry them as "permission" or "AccessDenied" (a pydantic
	// "extra_forbidden" is a schema error).
	accessWords = words("permission", "not authorized", "unauthorized to", "access denied", "access is denied", "only allows",
		"not allowed for your", "not allowed for this account", "not allowed for this key",
		// an account setting excludes every provider of the model (OpenRouter)
		"your data policy", "your privacy settings", "no allowed providers",
		// a plan that does not cover the model
		"does not include access", "not yet include access", "doesn't include access", "does not include the model",
		"仅允许", "只允许",
		"accessdenied", "does not have access", "do not have access", "don't have access",
		"doesn't have access", "no access", "not allowed to use", "not allowed to access", "not permitted to", "not permitted for",
		"forbidden", "must be verified", "verify organization",
		// a credential bound to one client, or an account that must first accept new terms
		"only authorized for", "only be used with", "need to accept", "must accept", "have to accept", "has not been used in project", "are blocked",
		"virtual network", "firewall", "not activated", "not entitled", "entitlement", "insufficient scope",
		"insufficient_scope", "missing scope", "无权", "没有权限", "权限不足", "权限", "未开通", "未授权", "權限")

	// grantWords: what an identity that signed in may not do — a missing permission, scope or
	// access. Under a 401 they outweigh the status (OpenAI's restricted keys: "You have
	// insufficient permissions for this operation. Missing scopes: model.request").
	grantWords = words("permission", "does not have access", "do not have access", "doesn't have access",
		"don't have access", "missing scope", "insufficient scope", "insufficient_scope", "scope", "权限")

	// authzWords: authorization (not authentication) failed. Alone it is read as a rejected
	// credential (NVIDIA's 403 "Authorization failed"); merged with "or … not found" (OCI's 404
	// that will not say which) it is a permission the key lacks.
	authzWords = words("authorization failed", "authorization failure", "authorizationfailed")

	// scopeWords: a text about a key's scopes ("Missing scopes: api.responses.write … a restricted
	// API key") names what is missing from a valid key, not a missing key.
	scopeWords = words("scope")

	// oursWords: a 429 whose text names the caller's own limit ("you reached your free usage
	// limit") is ours even without a standard envelope; one that names nobody is load shedding.
	oursWords = words("you ", "you'", "your", "account", "organization", "api key", "user", "this ip", "您", "你的", "账户", "账号")

	// clientBoundWords: a subscription or credential that may only be used from certain clients
	// ("only available for Coding Agents such as …"): a permission of the caller's client, even
	// under a code that reads as a ban (Kimi's access_terminated_error)
	clientBoundWords = words("only available for", "only authorized for", "only be used with")

	// accessCodes are codes that name a permission refusal (PERMISSION_DENIED, permission_error,
	// AccessDeniedException, xAI's "permission-denied").
	accessCodes = words("permission", "accessdenied", "access_denied", "unauthorizedoperation", "accessdisabled")

	// credentialWords and absentWords: a credential (API key, bearer token, a stored secret) that
	// is missing or was not found — "We couldn't find a secret named XAI_API_KEY", an extractor
	// that found no Authorization<Bearer> header — is an authentication failure, whatever the
	// status (404, 500) says.
	credentialWords = words("api key", "api_key", "apikey", "api-key", "secret", "credential", "bearer",
		"access token", "access_token", "auth token", "authorization header", "密钥", "令牌")
	// requiredWords: a field the request must carry is missing.
	requiredWords = words("is required", "are required")
	absentWords   = words("missing", "not provided", "not set", "not configured", "is required", "are required",
		"was not found", "not found", "couldn't find", "could not find", "cannot find", "can't find", "unable to find",
		"does not exist", "unable to locate", "could not locate", "缺少", "未提供", "未设置", "未配置", "不存在")

	// outputFaultWords: the model's own output failed the server's checks (an invalid tool call
	// it generated, content it could not parse) — the request was fine; a retry may succeed.
	outputFaultWords = words("tool_use_failed", "failed_generation", "failed to call a function", "tool call validation failed",
		"model produced invalid", "produced invalid content", "model generated invalid", "generated an invalid",
		"failed to parse tool call", "failed to parse the tool call", "error parsing tool call", "could not parse the model output",
		"failed to parse the model output", "malformed_function_call", "malformed function call",
		"model generated too many", "generated too many tool", "generated too many function") // "Model generated too many tool calls. Please retry the request."

	// deadlineWords: the operation ran out of time (gRPC DEADLINE_EXCEEDED, Google's "Deadline
	// expired before operation could complete"): a failure, not a lack of capacity, even under UNAVAILABLE
	deadlineWords = words("deadline expired", "deadline exceeded", "deadline_exceeded")
	// loadFailWords: a model server failed to load the model (not "loading model", still busy)
	loadFailWords = words("error loading model", "failed to load model", "failed to load the model",
		"process has terminated")
	// unrunnableWords: the server has the model but cannot run its architecture (an Ollama build
	// older than the model: "error loading model: unknown model architecture: 'mllama'") — a
	// model that exists, whatever "unknown model" says
	unrunnableWords = words("model architecture", "unknown architecture", "unsupported architecture")
	// unsetModelWords: the request named no model at all (a client that sent None, null or
	// undefined, or a body the server never parsed): the request is wrong, not the model missing
	unsetModelWords = words("model=none", "model=null", "model=undefined", "model: none", "model: null",
		"model: undefined", "model 'undefined'", "model \"undefined\"", "model `undefined`", "model undefined",
		"no model id", "no model specified", "no model provided", "no model was specified", "no model was provided",
		"model not specified", "model was not specified", "model is not specified")
	// noneAvailableWords with poolWords: a relay's pool of upstream accounts, keys, channels or
	// workers has nothing free ("no available Grok account", 无可用渠道) — its capacity, unless a
	// model is named with a channel (channelWords): then the relay serves no such model.
	noneAvailableWords = words("no available", "none available", "no usable", "nothing available", "无可用", "没有可用", "暂无可用")
	poolWords          = words("account", "key", "token", "worker", "server", "instance", "node", "replica", "gpu", "slot",
		"channel", "账号", "账户", "密钥", "节点", "实例", "渠道")
	// channelWords: a relay's route for a model ("no available accounts supporting model x" says
	// no account is configured for it)
	channelWords = words("channel", "渠道", "route", "路由", "supporting model", "supports model", "support model",
		"supporting the model", "supports the model", "support the model")

	// faultWords: the provider says it failed (a degraded or unhealthy backend, an internal error)
	// even when the status is a 4xx.
	faultWords = words("degraded", "unhealthy", "internal server error", "internal error")
	// consequenceWords: what the request would cause, not what the server is ("missing
	// thought_signature may lead to degraded model performance"): fault words only after them do
	// not count (faultStated)
	consequenceWords = words("may lead to", "can lead to", "could lead to", "might lead to", "will lead to",
		"may result in", "can result in", "could result in", "may cause", "can cause", "could cause")

	// paramWords: a parameter is wrong — what places an error document a 2xx carries (Baidu and
	// MiniMax answer parameter errors with a 200) among the request's faults.
	paramWords = words("invalid parameter", "invalid_parameter", "invalidparameter", "invalid param", "invalid argument",
		"invalid value", "missing required", "is required", "must be", "unsupported parameter", "unknown parameter",
		"not supported", "unsupported value",
		"参数错误", "参数不合法", "参数非法", "参数无效", "缺少参数", "缺少必要", "参数校验")

	// limitHitWords: with a rate-limit phrase, a limit that was exceeded or reached ("API rate limit
	// exceeded") — a limit, not load shedding.
	limitHitWords = words("exceeded", "reached", "hit your", "hit the")

	// invalidWords: the request itself is wrong, whatever the status says.
	// Type checks of the request's JSON ("Expected 'content' to be a string or an array") belong
	// here too: a server that reports one as a 500 still rejected the request's shape.
	invalidWords = words("can only be accessed over https", "not valid json", "invalid json", "malformed json",
		"improperly formed", "malformed request", "request is malformed", "badly formed",
		"to be a string", "to be an array", "to be an object", "to be a number", "to be an integer", "to be a boolean",
		"to be one of", "is not of type", "expected a string", "expected an array", "expected an object",
		"must be a string", "must be an array", "must be an object", "must be a number", "must be an integer",
		// a server's JSON library rejecting the request's types ("type must be string, but is null"), and
		// options the server cannot combine ("Cannot use tools with stream")
		"type must be", "failed to parse tools", "cannot use tools with", "cannot be used with", "can't be used with",
		// a request sent to the wrong endpoint for this model, with the right one named (Fireworks'
		// 404 "please use /completions API instead", OpenAI's "Did you mean to use v1/chat/completions?")
		"api instead", "endpoint instead", "route instead", "please use /", "use the /", "did you mean to use v1",
		"did you mean to use /", "not supported in the v1/", "not supported in v1/", "only supported in v1/",
		"only supported in the v1/", "only supported on v1/")
)

// balanceWords and loadBalancerWords: a balance is money, a load balancer is not.
var (
	balanceWords      = words("balance")
	loadBalancerWords = words("load balanc")
)

// Single phrases some rules read on their own.
var (
	edgeTitleWords      = words("access denied", "just a moment", "attention required") // block and challenge page titles
	tryLaterWords       = words("try again later")
	modelWord           = words("model", "engine", "deployment", "endpoint with name", "serving endpoint", "inference endpoint", "serverless endpoint", "模型")
	modelNouns          = words("model", "deployment", "engine", "function") // what a 404 names when it is a model's
	resourceExhaustWord = words("resourceexhausted")
	tokenWord           = words("token") // a 413 measured in tokens: the prompt, not the body, is too long
)

// moneyIn reports money in a scan's bits: a money word, or a balance that is not only a load
// balancer's (then hay is counted).
func moneyIn(bits uint64, hay string) bool {
	switch {
	case bits&moneyWords.bit != 0:
		return true
	case bits&balanceWords.bit == 0:
		return false
	case bits&loadBalancerWords.bit == 0:
		return true
	}
	return strings.Count(hay, "balance") > strings.Count(hay, "load balanc")
}

// matcher is an Aho-Corasick automaton over the vocabulary, with a dense transition table over
// the bytes the phrases use (every other byte is one class): reading a haystack costs one table
// step per byte and returns the bits of every family with a phrase in it.
type matcher struct {
	class  [256]uint8
	nclass int
	// delta[state*nclass+class] is the next state, its high bit set when phrases end there (the
	// scan reads out only on a match); 7 thousand states fit in 15 bits (TestVocabulary).
	delta []uint16
	out   []uint64 // state → bits of the phrases ending here (or at a suffix of it)
}

// compile builds the automaton (TestVocabulary checks it against a plain substring search).
func compile(fams []*family) *matcher {
	m := &matcher{nclass: 1}
	for _, f := range fams {
		for _, w := range f.words {
			for i := 0; i < len(w); i++ {
				if m.class[w[i]] == 0 && m.nclass <= math.MaxUint8 { // 256 byte values: never more classes
					m.class[w[i]] = uint8(m.nclass) // #nosec G115 -- bounded just above
					m.nclass++
				}
			}
		}
	}
	type node struct {
		next map[uint8]int
		out  uint64
	}
	trie := []node{{next: map[uint8]int{}}}
	for _, f := range fams {
		for _, w := range f.words {
			s := 0
			for i := 0; i < len(w); i++ {
				c := m.class[w[i]]
				n, ok := trie[s].next[c]
				if !ok {
					n = len(trie)
					trie = append(trie, node{next: map[uint8]int{}})
					trie[s].next[c] = n
				}
				s = n
			}
			trie[s].out |= f.bit
		}
	}
	next := make([]int, len(trie)*m.nclass) // state*nclass + class → state
	m.out = make([]uint64, len(trie))
	fail := make([]int, len(trie))
	queue := []int{0}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		m.out[s] = trie[s].out | m.out[fail[s]]
		for c := 0; c < m.nclass; c++ {
			n, ok := trie[s].next[uint8(c)]
			switch {
			case ok:
				if s != 0 {
					fail[n] = next[fail[s]*m.nclass+c]
				}
				next[s*m.nclass+c] = n
				queue = append(queue, n)
			case s != 0:
				next[s*m.nclass+c] = next[fail[s]*m.nclass+c]
			}
		}
	}
	m.delta = make([]uint16, len(next))
	for i, n := range next {
		m.delta[i] = uint16(n & 0x7fff)
		if m.out[n] != 0 {
			m.delta[i] |= 0x8000
		}
	}
	return m
}

// scan returns the bits of every family with a phrase in hay.
func (m *matcher) scan(hay string) uint64 {
	var bits uint64
	s := 0
	for i := 0; i < len(hay); i++ {
		v := m.delta[s*m.nclass+int(m.class[hay[i]])]
		s = int(v & 0x7fff)
		if v&0x8000 != 0 {
			bits |= m.out[s]
		}
	}
	return bits
}
