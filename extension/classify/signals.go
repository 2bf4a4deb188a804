package classify

import "strings"

// The signal vocabulary (docs/signals.md §6.3): for each meaning, the words any provider may use
// for it, in English and the other languages seen on the wire (Chinese first among them). They
// are matched, lower-cased, against everything an envelope gathered — messages, codes, types,
// statuses, reasons, JSON documents inside strings, arrays of errors, the x-amzn-errortype
// header — so a word counts wherever the provider hid it. A provider's own code appears here only
// when it cannot mean anything else.
//
// Each family is one list; a word belongs to one family. Which family wins when several match is
// the rules' order (rules.go), not the lists'.
type family []string

// in reports whether any of the family's phrases occurs in hay (already lower-cased).
func (f family) in(hay string) bool {
	for _, p := range f {
		if strings.Contains(hay, p) {
			return true
		}
	}
	return false
}

var (
	// edgeBlockWords: a bot or fingerprint check in front of the API refused this client.
	edgeBlockWords = family{"unusual activity", "enable javascript and cookies", "checking your browser"}

	// geoWords: the provider does not serve the caller's country, region or location.
	geoWords = family{"unsupported_country", "country", "territory", "user location", "your location",
		"location is not supported", "location not supported", "your region", "region is not supported",
		"unsupported region", "region not supported", "geo-restrict", "geoblock",
		"国家", "所在地区", "所在的地区", "地区不支持", "不支持的地区", "区域不支持"}

	// gatewayWords: a gateway or proxy could not reach or hear from the service behind it.
	gatewayWords = family{"upstream connect", "no healthy upstream", "upstream request timeout",
		"upstream timed out", "upstream timeout", "upstream prematurely closed", "upstream connection",
		"connection to upstream", "connect to upstream", "reach upstream", "upstream unreachable",
		"upstream is unreachable", "upstream disconnect", "disconnect/reset before headers",
		"failed to get response from provider", "bad gateway", "gateway timeout", "gateway time-out",
		"origin is unreachable", "web server is down", "web server is returning an unknown error",
		"could not establish a tcp connection", "do request failed", "dial tcp", "connection refused",
		"connection reset", "socket hang up", "econnreset", "econnrefused", "etimedout", "i/o timeout",
		"tls handshake timeout", "上游连接", "连接上游", "上游超时", "上游请求失败"}

	// blockedWords: the account, organization or key was disabled, suspended or banned.
	blockedWords = family{"deactivated", "access_terminated", "access was terminated", "terminated due to",
		"organization has been disabled", "organization is disabled", "organization_disabled",
		"account has been disabled", "account is disabled", "account disabled", "account_disabled",
		"suspended", "banned", "violation of terms", "violating our terms", "account has been blocked",
		"account is blocked", "account is frozen", "封禁", "封号", "已被禁用", "已禁用", "冻结"}

	// authWords: the credential itself is missing, wrong, expired, revoked or leaked.
	authWords = family{"invalid_api_key", "api_key_invalid", "incorrect api key", "invalid api key",
		"api key not valid", "invalid x-api-key", "api key is invalid", "api key expired",
		"api key has expired", "invalid key", "reported as leaked", "revoked", "didn't provide an api key",
		"no api key", "missing api key", "api key is missing", "missing bearer", "missing authentication",
		"authentication_error", "authentication error", "authentication failed", "failed to authenticate",
		"unauthenticated", "invalid authentication", "invalid token", "invalid_token", "token is invalid",
		"token has expired", "token expired", "expired token", "ip not authorized",
		"invalid subscription key", "invalid credentials", "invalid_credentials", "bad credentials",
		"鉴权失败", "认证失败", "无效的令牌", "令牌无效", "令牌已过期", "密钥无效", "api key无效"}

	// moneyWords: out of money — credit, balance, budget, billing, a spend limit, an unpaid bill.
	// "billing" alone is not here: OpenAI's and Google's rate-limit texts link to billing pages.
	moneyWords = family{"insufficient_quota", "insufficient quota", "billing_not_active",
		"billing not active", "billing_hard_limit", "billing hard limit", "billing_error", "billing error",
		"billing account", "set up billing", "credit", "balance", "budget has been exceeded",
		"budget_exceeded", "budget exceeded", "exceeded budget", "exceeded your budget", "max budget",
		"over budget", "budget limit", "spend limit", "spending limit", "spend_limit", "spending_limit",
		"payment required", "payment method", "add a payment", "unpaid", "overdue", "arrear", "recharge",
		"top up", "top-up", "purchase more", "add funds", "api usage limits", "extra usage",
		"余额", "欠费", "充值", "额度不足", "额度已用尽", "额度用尽", "资源包", "付费"}

	// quotaWords: a quota ran out — money when nothing says it refills by the minute or day.
	quotaWords = family{"exceeded your current quota", "exceeded current quota", "current quota",
		"quota exceeded", "exceeded quota", "quota_exceeded", "quota has been reached", "quota reached",
		"quota_reached", "quota exhausted", "额度"}

	// windowWords: the limit refills over time — a rate limit, not an empty purse.
	windowWords = family{"per minute", "per_minute", "perminute", "per min", "/min", "per hour",
		"per_hour", "perhour", "per day", "per_day", "perday", "per second", "per_second", "requests_per",
		"tokens_per", "requests per", "tokens per", "rpm", "tpm", "rpd", "tpd", "retry_delay",
		"try again in", "retry after", "resets", "每分钟", "每小时", "每天", "每日", "频率"}

	// rateWords: our own rate or concurrency limit.
	rateWords = family{"rate limit", "rate_limit", "ratelimit", "rate-limit", "rate limited",
		"too many requests", "too many tokens", "throttl", "requests per", "tokens per", "request limit",
		"concurrency", "concurrent", "quota", "resource_exhausted", "resource exhausted",
		"resource has been exhausted", "usage limit", "limit reached", "limit exceeded", "limit_exceeded",
		"速率", "频率", "频繁", "限流", "并发", "请求过多", "请求次数"}

	// capacityWords: the provider is out of capacity, overloaded, busy or still loading a model.
	capacityWords = family{"overloaded", "overload", "over capacity", "at capacity", "no capacity",
		"capacity exceeded", "capacity_exhausted", "capacity exhausted", "insufficient capacity",
		"out of capacity", "high demand", "high traffic", "heavy load", "busy", "queue full",
		"queue is full", "queuefull", "queue_full", "queue_exceeded", "queue exceeded",
		"sufficient resources", "loading model", "model is loading", "currently loading", "not ready",
		"warming up", "no available worker", "slow_down", "service_unavailable_error", "modelnotready",
		"serviceunavailableexception", "繁忙", "访问量过大", "请求量过大", "负载", "饱和", "过载", "拥挤"}

	// contentWords: a safety or moderation filter stopped the prompt or the answer.
	contentWords = family{"content_filter", "content filter", "content_policy", "content policy",
		"content management policy", "responsibleaipolicyviolation", "safety", "moderation", "flagged",
		"usage guidelines", "usage polic", "acceptable use", "violates", "policy violation",
		"inappropriate", "sensitive content", "sensitivecontent", "sensitive_content", "sensitive word",
		"new_sensitive", "harmful", "unsafe", "prohibited_content", "prohibited content", "blockreason",
		"guardrail intervened", "guardrail_intervened", "blocked by guardrail", "guardrail violation",
		"violated guardrail", "jailbreak", "high risk", "datainspection", "data_inspection", "inspection failed",
		"敏感", "违规", "违禁", "不安全", "内容安全", "审核"}

	// contextWords: the prompt (with the answer budget) does not fit the model's context.
	contextWords = family{"context_length", "context length", "context_window", "context window",
		"exceed_context_size", "context size", "context limit", "maximum context", "context overflow",
		"prompt is too long", "prompt too long", "input is too long", "input too long", "too long for",
		"input token count", "maximum number of tokens", "tokens in the prompt", "total number of tokens",
		"reduce the length of the messages", "maximum sequence length", "max_seq_len",
		"exceeds the available context", "maximum input length", "max input length",
		"longer than the model", "tokens to keep", "max_new_tokens` must be", "`inputs` tokens",
		"上下文", "输入过长", "长度超过", "超过最大长度", "超出最大长度"}

	// modelGoneWords: the model or deployment does not exist, is retired or is not deployed here.
	modelGoneWords = family{"model not found", "invalid model", "not a valid model", "unknown model",
		"no such model", "model name is invalid", "model is invalid", "model does not exist",
		"model_not_exist", "decommissioned", "deployment for this resource does not exist",
		"deployment not found", "try pulling it first", "no models loaded", "no endpoints found",
		"inference profile", "at 'modelid' failed", "marked by provider as legacy",
		"模型不存在", "模型未找到", "不支持的模型", "不支持该模型", "模型已下线", "无可用渠道"}
	// notThereWords, said of a model, mean the same.
	notThereWords = family{"not found", "does not exist", "doesn't exist", "not exist", "no longer supported",
		"no longer available", "retired", "not deployed", "not loaded", "unloaded"}
	// modelCodes are codes that name a missing model or deployment.
	modelCodes = family{"model_not_found", "deploymentnotfound", "not_found_error", "model_decommissioned",
		"invalid_model", "model_not_supported", "resourcenotfoundexception", "modelnotfound"}

	// accessWords: the key or project is valid but may not use this model, endpoint or resource.
	// They are read in texts only: codes carry them as "permission" or "AccessDenied" (a pydantic
	// "extra_forbidden" is a schema error).
	accessWords = family{"permission", "not authorized", "unauthorized to", "access denied", "access is denied",
		"accessdenied", "does not have access", "do not have access", "don't have access",
		"doesn't have access", "no access", "not allowed to use", "not allowed to access", "not permitted to", "not permitted for",
		"forbidden", "must be verified", "verify organization", "has not been used in project", "are blocked",
		"virtual network", "firewall", "not activated", "无权", "没有权限", "权限不足", "未开通", "未授权"}

	// invalidWords: the request itself is wrong, whatever the status says.
	invalidWords = family{"can only be accessed over https", "not valid json", "invalid json", "malformed json"}
)

// moneyIn is moneyWords, except that a load balancer is not a balance.
func moneyIn(hay string) bool {
	if !moneyWords.in(hay) {
		return false
	}
	if strings.Contains(hay, "balance") && strings.Contains(hay, "load balanc") {
		return family(moneyWordsNoBalance).in(hay)
	}
	return true
}

var moneyWordsNoBalance = func() []string {
	var out []string
	for _, w := range moneyWords {
		if w != "balance" {
			out = append(out, w)
		}
	}
	return out
}()
