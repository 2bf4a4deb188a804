package classify

import (
	"bytes"
	"cmp"
	"net/http"
	"strings"
	"sync"
)

// htmlScan bounds the search for an HTML page's title, and blockScan the search for Cloudflare's
// block markers in the body: both sit near the top (the title identifies most block pages on its
// own), and scanning a capped 64 KiB body on every probe is waste.
const (
	htmlScan  = 16 << 10
	blockScan = 8 << 10
)

// Classify applies the rules of docs/signals.md §6.2 in order; the first match wins.
func Classify(o Outcome) Classification {
	c := retired(o, classify(o))
	c.Message = bound(c.Message)
	return c
}

func classify(o Outcome) Classification {
	h := o.Header
	if h == nil {
		h = http.Header{}
	}
	if o.Err != nil && (o.Status == 0 || o.Stage != StageBody) {
		return transport(o)
	}
	html := isHTML(h, o.Body)
	ok2xx := o.Status >= 200 && o.Status < 300
	var env envelope
	switch {
	case html && (!ok2xx || capacityGate(o.Body)):
		env = envelope{found: true, message: htmlTitle(o.Body)}
		env.addHay(env.message)
	case !html && (!ok2xx || o.Stream == nil):
		env = parseEnvelope(o.Body, ok2xx)
	}
	if !ok2xx || env.found {
		env.headerCodes(h)
	}
	if o.Status >= 300 || (ok2xx && env.found && o.Stream == nil) {
		return withAdvice(httpError(o, h, &env, html))
	}
	if o.Status < 200 {
		return withAdvice(Classification{Class: Unknown, Blame: BlameUnknown, Message: "unexpected status"})
	}
	return withAdvice(success(o))
}

// httpError applies the HTTP rules of docs/signals.md §6.2 to a failed response, or to a 2xx
// that carries an error document (judged as the status the document states, if any).
func httpError(o Outcome, h http.Header, env *envelope, html bool) Classification {
	st := o.Status
	if st >= 200 && st < 300 && env.bodyStatus != 0 {
		st = env.bodyStatus
	}
	if st >= 200 && st < 300 {
		st = cmp.Or(reasonStatus(env.message), st) // {"detail":"Not Found"} in a 200 states its status in words
	}
	if st == 500 && reasonPhrase(env.message) == "not implemented" {
		st = 501 // a relay's 500 over "not implemented": this route does not do what was asked
	}
	relay := st >= 500 || st == 429 // a relay's own failure or its give-up after retries
	if relay && rejected(env.relayStatus) {
		st, env.statusRelayed = env.relayStatus, true // a relay's 500 around the upstream's "status 400: {…}": the request was wrong
	} else if n := statusInWords(env.message); relay && rejected(n) {
		st, env.statusRelayed = n, true // …or around "upstream error: HTTP Error 400: Bad Request"
	}
	c := Classification{ProviderCode: firstNonEmpty(env.code, env.typ, env.status), Message: env.message}
	set := func(cl Class, b Blame, retry bool) Classification {
		c.Class, c.Blame, c.Retryable = cl, b, retry
		if retry {
			c.RetryAfter = retryAfter(h, env.message)
			c.RetryAfterMs = c.RetryAfter.Milliseconds()
		}
		return c
	}
	cl, b := meaning(st, h, env, html, o.Body)
	switch cl {
	case RateLimited:
		c.RateLimitKind = rateLimitKind(env, h)
		c = set(RateLimited, b, c.RateLimitKind != "rpd" && c.RateLimitKind != "tpd")
		if c.RetryAfter == 0 {
			c.RetryAfter = resetAfter(h)
			c.RetryAfterMs = c.RetryAfter.Milliseconds()
		}
		return c
	case EdgeGatewayError, CapacityOverloaded, RateLimitedAnomalous, ServerError:
		return set(cl, b, true)
	case RequestInvalid:
		return set(cl, b, st == 409)
	}
	return set(cl, b, false)
}

// meaning is the rule list of docs/signals.md §6.2: the first match wins. st is the status the
// response (or the document it carries) states; every family of words is read from the
// envelope's haystack, so it counts whatever field, nesting level or header it came from.
func meaning(st int, h http.Header, env *envelope, html bool, body []byte) (Class, Blame) {
	codeBits, textBits := env.bits()
	all := codeBits | textBits
	m := func(f *family) bool { return all&f.bit != 0 }
	inText := func(f *family) bool { return textBits&f.bit != 0 }
	inCodes := func(f *family) bool { return codeBits&f.bit != 0 }
	k := env.k
	cdn := strings.EqualFold(h.Get("Server"), "cloudflare")
	origin := h.Get("X-Request-Id") != "" || h.Get("Openai-Processing-Ms") != "" ||
		h.Get("X-Envoy-Upstream-Service-Time") != "" || h.Get("Request-Id") != "" || h.Get("Apim-Request-Id") != ""
	blank := len(bytes.TrimSpace(body)) == 0
	// Cloudflare's plain "error code: 1020" (or 524) to a client that is not a browser
	cfCode := cloudflareCode(body)
	window := m(bucketWords) || m(refillWords)
	switch {
	case st >= 200 && st < 300 && m(rateWords): // a 200 carrying a rate-limit document (Baidu's error_code 18)
		st = 429
	case (st == 400 || st == 403) && !html && inText(rateLimitWords) && (inText(limitHitWords) || window):
		st = 429 // "API rate limit exceeded" served as a 400 or 403 is still a rate limit
	}
	money := moneyIn(all, env.text())
	capacity := m(capacityWords) || st == 529 ||
		// Google's legacy backendError reason under UNAVAILABLE is a failing backend, not load
		(k("UNAVAILABLE") && !inText(deadlineWords) && !k("backendError")) || k("unavailable_error") ||
		(k("RESOURCE_EXHAUSTED") && (k("rateLimitExceeded") || m(tryLaterWords))) ||
		(st >= 500 && (m(rateWords) || m(resourceExhaustWord))) ||
		(inText(noneAvailableWords) && inText(poolWords)) // a relay's pool has no account, key or worker free
	// a relay that gave up on the upstream's rejection ("All 2 attempts failed. Last error: HTTP 400")
	// says overloaded of itself: the rejection is the cause
	capacity = capacity && !env.statusRelayed &&
		!inText(loadFailWords) // a model that failed to load is a fault, not a model still loading
	// A 429 with a bucket at 0 in its headers, or a text that names a rate limit hit and its
	// bucket, is the caller's own limit even when it blames demand ("High demand for x:free -
	// limited to 1 requests per minute"): a provider's load does not empty one caller's bucket.
	ours429 := st == 429 && (exhaustedBucket(h) != "" ||
		(inText(rateLimitWords) && inText(limitHitWords) && inText(bucketWords)))

	switch {
	// The edge, before anything the origin could have said.
	case (st == 403 || st == 429) && h.Get("Cf-Mitigated") != "",
		html && (st == 403 || st == 405 || st == 429 || st == 503) && (m(edgeTitleWords) || edgeBlockPage(body)), // Alibaba Cloud's WAF blocks with a 405
		m(edgeBlockWords), cfCode >= 1000 && cfCode < 2000 && !cloudflareOriginCode(cfCode):
		return EdgeBlocked, BlameNetwork
	case inText(cloudRegionWords) && !m(countryWords) && !m(capacityWords) && (m(geoWords) || inText(unavailableWords)):
		// the model is not offered in the account's cloud region: a setting of the account
		return PermissionDenied, BlameAccount
	case m(geoWords) || m(countryWords) || k("request_forbidden") || st == 451: // 451: unavailable for legal reasons
		return GeoBlocked, BlameAccount
	case st == 403 && (html || (blank && cdn && !origin)): // API origins answer 403 in JSON
		return EdgeBlocked, BlameNetwork
	case edgeStatus(st) && !capacity && (strings.HasPrefix(env.typ, "cf_") || html ||
		(cdn && !origin && blank) || (st != 503 && !origin && blank)), // a bare 502, 504 or Cloudflare 52x is a proxy's
		st >= 500 && apiGateway(h) && reasonStatus(env.message) >= 500, // AWS API Gateway's own {"message":"Service Unavailable"}
		st >= 500 && !capacity && html && edgePage(h, body),
		m(gatewayWords), edgeStatus(cfCode), cloudflareOriginCode(cfCode),
		cfMessage(env.message): // a relay that wrapped Cloudflare's plain "error code: 524" in its own JSON
		return EdgeGatewayError, BlameEdge

	// The account: blocked, unauthenticated, out of money. A suspension for an unpaid bill or a
	// spend limit is money; a text that says the provider is saturated outweighs a money code
	// (gateways put insufficient_quota on every refusal).
	case m(blockedWords) && inText(clientBoundWords): // a ban code over "only available for Coding Agents": the client
		return PermissionDenied, BlameAccount
	case m(blockedWords) && !money && !(m(quotaWords) && !window): // "suspended … exceeded_current_quota": unpaid
		return AccountBlocked, BlameAccount
	case inText(capacityWords) && money && !moneyIn(textBits, env.textHay.b.String()):
		return CapacityOverloaded, BlameProvider
	case (money && !(m(rateLimitWords) && window)) || (st == 402 && !m(authWords)) || (m(quotaWords) && !window),
		m(quotaWords) && zeroAllowance(env.textHay.b.String()): // "limit: 0": no wait makes room, only a plan does
		return QuotaExhausted, BlameAccount
	case st == 401 && (inCodes(accessCodes) || inText(grantWords)) && !m(authWords) &&
		!(inText(credentialWords) && inText(absentWords) && !inText(scopeWords)):
		// Azure's 401 PermissionDenied, a restricted key's missing scopes: the caller signed in
		// and lacks a role or scope
		return PermissionDenied, BlameAccount
	case st == 401 || m(authWords) || (m(authzWords) && !inText(notThereWords)):
		return AuthInvalid, BlameAccount

	// What the request asked for.
	case m(contentWords):
		return ContentFiltered, BlameClient
	case m(contextWords) && !(st == 429 && window), // a 429 over "tokens allowed within a time frame" is a bucket
		st == 413 && inText(tokenWord) && !window: // a payload limit counted in tokens (not a per-minute bucket)
		return ContextLengthExceeded, BlameClient
	case tooLarge(env.message):
		return RequestInvalid, BlameClient // one request bigger than the whole bucket never fits
	case inText(unsetModelWords) && !inText(notThereWords):
		return RequestInvalid, BlameClient // "Invalid model name passed in model=None": no model was sent
	case (m(modelGoneWords) && !inText(unrunnableWords)) || (st != 403 && m(modelWord) && (inText(notThereWords) || (st < 500 && inText(notServingWords)))),
		st < 500 && st != 403 && modelUnsupported(env.textHay.b.String()), // a 403's "not available" is access
		st < 500 && st != 403 && st != 429 && inText(notOfferedWords) && !m(capacityWords) && !m(tryLaterWords),
		inText(noneAvailableWords) && inText(channelWords) && inText(modelWord) && !window:
		// the relay has no channel (deployment) for the model asked for: 当前分组 x 下对于模型 y 无可用渠道
		// the text (not merely a code, which OpenAI also sends when a project lacks access) says
		// the model or deployment does not exist, is retired or is not deployed; under a 5xx a
		// model that is "not loaded" or "not running" is the server's trouble
		return ModelNotFound, BlameClient
	case inText(accessWords) || inCodes(accessCodes) || k("forbidden") || m(authzWords):
		return PermissionDenied, BlameAccount
	case inText(credentialWords) && inText(absentWords):
		return AuthInvalid, BlameAccount // a key, token or secret that is missing or was not found
	case st < 500 && m(outputFaultWords): // the model's output failed (Groq's tool_use_failed): the request was fine
		return ServerError, BlameProvider
	case m(invalidWords):
		return RequestInvalid, BlameClient
	case (st != 403 && inCodes(modelCodes)) || ((st == 404 || st == 410 || k("not_found_error")) && m(modelNouns)),
		st == 404 && h.Get("X-Inference-Provider") != "" && reasonStatus(env.message) == 404:
		// Hugging Face's router names the inference provider it picked for the model; its bare
		// "Not Found" then says that provider does not serve the model
		return ModelNotFound, BlameClient
	case st == 403:
		return PermissionDenied, BlameAccount

	// Load: the provider's, or ours.
	case capacity && !ours429:
		return CapacityOverloaded, BlameProvider
	case st == 429 && rateLimitedByUs(h, env, m, inText, inCodes):
		need, _ := numberAfter(env.message, "requested")
		if headroom(h, rateLimitKind(env, h), float64(need)) { // the bucket it names has room: load shedding
			return RateLimited, BlameProvider
		}
		return RateLimited, BlameAccount
	case st == 429:
		return RateLimitedAnomalous, BlameProvider

	// The provider failed; else the request was wrong. A 4xx status outweighs a generic server
	// code (Ollama types every error api_error), but not a text that says the backend failed.
	case st >= 400 && st < 500 && faultStated(env.textHay.b.String(), inText), st == 408, st == 424, st == 499,
		inText(loadFailWords) && !inText(paramWords):
		// a server that failed to load a model it has (LM Studio answers 400 "Failed to load model
		// … Error loading model") failed itself, once nothing above says the model is gone, barred
		// or the request wrong
		return ServerError, BlameProvider
	case st == 501 && !inText(faultWords), // Not Implemented: this server does not do what the request asks
		st >= 500 && k("invalid_request") && inText(requiredWords) && !inText(faultWords):
		// a relay's 500 coded invalid_request over "contents is required": a field the request lacks
		return RequestInvalid, BlameClient
	case st >= 500 || (st < 400 && (k("server_error") || k("api_error") || k("INTERNAL") || k("internal_error") ||
		k("internal_server_error") || k("InternalServerException") || k("ModelTimeoutException") || k("ModelErrorException"))):
		return ServerError, BlameProvider
	case (st >= 400 && st < 500) || k("invalid_request_error") || k("INVALID_ARGUMENT") || k("ValidationException") ||
		inText(paramWords):
		return RequestInvalid, BlameClient
	case st >= 200 && st < 300: // a 2xx carrying an error document we could not place
		return ServerError, BlameProvider
	}
	return Unknown, BlameUnknown
}

// faultStated: the text says the backend failed (t(fault)), and not only as what something
// would cause ("may lead to degraded model performance"): a fault word before the first
// consequence word is a state.
func faultStated(hay string, inText func(*family) bool) bool {
	if !inText(faultWords) {
		return false
	}
	return !inText(consequenceWords) || faultWords.first(hay) < consequenceWords.first(hay)
}

// rejected: a status that says the request itself was wrong. Only these carry over from a
// relayed document: an upstream 401 or 429 inside a relay's 500 is the relay's key or pool.
func rejected(st int) bool { return st == 400 || st == 404 || st == 413 || st == 422 }

// reasonPhrase is a short message as a reason phrase is compared: lower case, without trailing
// "." or "!"; "" for a message too long to be one.
func reasonPhrase(msg string) string {
	if len(msg) > 32 {
		return ""
	}
	return strings.ToLower(strings.TrimRight(strings.TrimSpace(msg), ".!"))
}

// reasonStatus is the status whose reason phrase is the whole message ("Unauthorized",
// "Not Found.", "Too Many Requests"), or 0.
func reasonStatus(msg string) int {
	switch reasonPhrase(msg) {
	case "bad request":
		return 400
	case "unauthorized":
		return 401
	case "payment required":
		return 402
	case "forbidden":
		return 403
	case "not found":
		return 404
	case "too many requests":
		return 429
	case "internal server error":
		return 500
	case "bad gateway":
		return 502
	case "service unavailable":
		return 503
	case "gateway timeout":
		return 504
	}
	return 0
}

// rateLimitedByUs: a 429 that is our own limit — a rate-limit header at 0; rate or window words
// in a standard envelope or in a text that names the caller; a text that names its bucket ("TPM
// limit reached"); or a code that names a rate limit. A 429 whose only text is its reason phrase
// ("Too Many Requests") says nothing the status did not.
func rateLimitedByUs(h http.Header, env *envelope, m, inText, inCodes func(*family) bool) bool {
	if exhaustedBucket(h) != "" {
		return true
	}
	if reasonOnly(env.textHay.b.String()) {
		return false // even under a rate-limit type: Anthropic's bare "Rate limited" is the server shedding load
	}
	if inCodes(rateLimitWords) || inCodes(bucketCodeWords) || env.k("tokens") || env.k("requests") {
		// a code that names the caller's bucket: DashScope's THROTTLING.userQPSLimit
		return true
	}
	return ((m(rateWords) || m(bucketWords) || m(refillWords)) && (env.standard || inText(oursWords))) ||
		inText(bucketWords) || (inText(rateLimitWords) && inText(limitHitWords))
}

// reasonOnly reports a haystack that holds nothing but the 429 reason phrase or its like
// ("Too Many Requests", "Rate limited"): words that say no more than the status.
func reasonOnly(hay string) bool {
	return lettersOnly(hay, "toomanyrequests") || lettersOnly(hay, "ratelimited")
}

// lettersOnly: the lower-case letters of hay, in order, are exactly phrase.
func lettersOnly(hay, phrase string) bool {
	j := 0
	for i := 0; i < len(hay); i++ {
		c := hay[i]
		if c < 'a' || c > 'z' {
			continue
		}
		if j >= len(phrase) || c != phrase[j] {
			return false
		}
		j++
	}
	return j == len(phrase)
}

// tooLarge reads "Limit 30000, Requested 30601" (OpenAI, Groq): a request larger than the
// whole bucket, which waiting cannot fix.
func tooLarge(msg string) bool {
	if containsFold(msg, "request too large") {
		return true
	}
	limit, ok1 := numberAfter(msg, "limit")
	req, ok2 := numberAfter(msg, "requested")
	return ok1 && ok2 && req > limit
}

// numberAfter finds word (case-insensitive) followed by optional ":", "~" and spaces, then a
// number (thousands separators allowed), and returns it.
func numberAfter(s, word string) (int64, bool) {
	for off := 0; off < len(s); {
		i := indexFold(s[off:], word)
		if i < 0 {
			return 0, false
		}
		j := off + i + len(word)
		for j < len(s) && (s[j] == ' ' || s[j] == ':' || s[j] == '~' || s[j] == '=') {
			j++
		}
		var n int64
		digits := 0
		for j < len(s) && (('0' <= s[j] && s[j] <= '9') || (s[j] == ',' && digits > 0)) {
			if s[j] != ',' {
				n = n*10 + int64(s[j]-'0')
				digits++
				if digits > 15 {
					return 0, false
				}
			}
			j++
		}
		if digits > 0 {
			return n, true
		}
		off = off + i + len(word)
	}
	return 0, false
}

// success classifies a 2xx response whose body was read: stream faults first, then content.
func success(o Outcome) Classification {
	if s := o.Stream; s != nil {
		// an error record that only restates a finish at the caller's token budget (OpenRouter's
		// "Token limit reached" after finish_reason length) is that finish
		if len(s.ErrorEvent) > 0 && !(o.FinishReason == "length" && containsFold(s.ErrorEvent, "token limit")) {
			return streamError(s.ErrorEvent, s.Status)
		}
		if o.Err != nil {
			return bodyFailure(o)
		}
		if !s.Terminal {
			return Classification{Class: StreamTruncated, Blame: BlameProvider, Retryable: true,
				Message: "stream ended without its terminal marker"}
		}
	} else if o.Err != nil {
		return bodyFailure(o)
	}
	if filterFinish(o.FinishReason) {
		return Classification{Class: ContentFiltered, Blame: BlameClient, ProviderCode: o.FinishReason,
			Message: "output stopped by the provider's content filter"}
	}
	if budgetSpentThinking(o) {
		return answerBudgetExhausted(o)
	}
	if (o.ExpectAnswer && o.Content == 0) || blankJSON(o) {
		return emptyResponse()
	}
	if o.AnswerWrong {
		return Classification{Class: WrongAnswer, Blame: BlameProvider, Retryable: true,
			Message: "the canary question got a wrong answer"}
	}
	return Classification{Class: OK}
}

// filterFinish reports a finish reason that says a safety filter, a guardrail or the model's
// own refusal stopped the answer: OpenAI's content_filter, and the words other providers' own
// reasons use when a compatible server or gateway passes them through (Gemini SAFETY,
// PROHIBITED_CONTENT, RECITATION; Bedrock content_filtered, guardrail_intervened; Anthropic
// refusal; Zhipu sensitive; Cohere ERROR_TOXIC; Vertex MODEL_ARMOR, its Model Armor screening).
func filterFinish(r string) bool {
	switch strings.ToLower(strings.TrimSpace(r)) {
	case "content_filter", "content_filtered", "content-filter", "contentfilter", "guardrail_intervened", "refusal",
		"safety", "blocklist", "prohibited_content", "spii", "image_safety", "recitation", "error_toxic", "sensitive",
		"blocked", "filtered", "content_blocked", "moderated", "moderation", "model_armor":
		return true
	}
	return false
}

func emptyResponse() Classification {
	return Classification{Class: EmptyResponse, Blame: BlameProvider, Retryable: true,
		Message: "the response was complete but carried no answer"}
}

// blankJSON: a 200 that declares JSON and sends nothing but whitespace (DeepSeek under load keeps
// the connection alive with blank lines, then closes) answered nothing at all.
func blankJSON(o Outcome) bool {
	if o.Stream != nil || o.Status != 200 || len(bytes.TrimSpace(o.Body)) > 0 {
		return false
	}
	return len(o.Body) > 0 || strings.Contains(strings.ToLower(o.Header.Get("Content-Type")), "json")
}

// streamError classifies an error record that arrived after a 200. It is the provider's failure
// mid-answer, unless its words say the request or the account is at fault (context overflow,
// a content filter, no credit, a bad key…): then it is that, whoever delivered it. A status the
// stream states for the record — the record's own (z.ai's "code": 403) or the stream's (status,
// DashScope's ":HTTP_STATUS/400" comment) — is read like a response's: a stated rejection of
// the request is the request's fault, not an in-band failure.
func streamError(rec []byte, status int) Classification {
	env := parseEnvelope(rec, false)
	c := Classification{Class: StreamErrorEvent, Blame: BlameProvider, Retryable: true,
		ProviderCode: firstNonEmpty(env.code, env.typ), Message: env.message}
	st := cmp.Or(status, env.bodyStatus)
	if st < 400 {
		st = 0
	}
	switch cl, b := meaning(st, http.Header{}, &env, false, nil); {
	case cl == GeoBlocked, cl == AccountBlocked, cl == AuthInvalid, cl == QuotaExhausted, cl == ContentFiltered,
		cl == ContextLengthExceeded, cl == ModelNotFound, cl == PermissionDenied,
		cl == RequestInvalid && rejected(st),
		cl == RequestInvalid && tooLarge(env.message): // one request bigger than its whole bucket
		c.Class, c.Blame, c.Retryable = cl, b, false
	}
	return c
}

func bodyFailure(o Outcome) Classification {
	switch {
	case o.Malformed && o.StatusPage:
		return statusUnreadable(o)
	case o.Malformed && o.Stream == nil && len(bytes.TrimSpace(o.Body)) == 0:
		return emptyResponse() // a whitespace body is not malformed JSON but no answer at all
	case o.Malformed:
		return Classification{Class: Unknown, Blame: BlameUnknown, Message: transportMessage(o.Err)}
	case o.Stalled:
		return Classification{Class: StreamStalled, Blame: BlameProvider, Retryable: true, Message: "no data within the stall deadline"}
	case o.TimedOut:
		return Classification{Class: TimeoutTotal, Blame: BlameProvider, Retryable: true, Message: "the response did not finish within the total deadline"}
	}
	return Classification{Class: StreamTruncated, Blame: BlameProvider, Retryable: true, Message: transportMessage(o.Err)}
}

// cloudflareCode reads the whole-body "error code: N" Cloudflare sends instead of its HTML page to
// a client that is not a browser (1020 and the other 1xxx blocks, 52x), or 0.
func cloudflareCode(body []byte) int {
	b := bytes.TrimSpace(body)
	const prefix = "error code: "
	if len(b) < len(prefix)+3 || len(b) > len(prefix)+4 || !bytes.EqualFold(b[:len(prefix)], []byte(prefix)) {
		return 0
	}
	n := 0
	for _, c := range b[len(prefix):] {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// cfMessage: a message that is all of Cloudflare's plain-text 52x body ("error code: 524"), or
// holds the title of its 52x page ("api.x.com | 524: A timeout occurred"), relayed by whatever
// sat behind it. Only Cloudflare's own 520–530 count: a relayed "error code: 503" may be the
// origin's, and a 1xxx code in a message may be a provider's own (Zhipu's 1113). The titles are
// matched here, not in the vocabulary, so its automaton needs no digit classes.
func cfMessage(msg string) bool {
	if n := cloudflareCode([]byte(msg)); n >= 520 && n <= 530 {
		return true
	}
	if !strings.Contains(msg, "52") { // every title carries its code: most messages end here, cheaply
		return false
	}
	for _, t := range cfTitles {
		if containsFold(msg, t) {
			return true
		}
	}
	return false
}

var cfTitles = []string{"522: connection timed out", "524: a timeout occurred", "525: ssl handshake failed", "526: invalid ssl certificate"}

// cloudflareOriginCode: Cloudflare's own errors of reaching what is behind it — 1016 (origin DNS),
// 1033 (tunnel) and 11xx (the Worker in front of the origin threw or ran out of resources, as
// an AI gateway built on Workers does) — are gateway errors; its other 1xxx codes are blocks.
func cloudflareOriginCode(n int) bool {
	return n == 1016 || n == 1033 || (n >= 1100 && n < 1200)
}

// edgePage reports an HTML 5xx page made by an edge or hosting front end rather than the
// service behind it: a Cloudflare error page, nginx's own page (its footer names it), or a front
// end that names itself in Server and answers with its own pages (Google Frontend, Akamai,
// CloudFront, Varnish, AWS and Azure load balancers). Cloudflare's Server header alone proves
// nothing: it is on every response it relays.
func edgePage(h http.Header, body []byte) bool {
	srv := strings.ToLower(h.Get("Server"))
	for _, s := range edgeServers {
		if strings.Contains(srv, s) {
			return true
		}
	}
	if strings.Contains(strings.ToLower(h.Get("X-Cache")), "error from cloudfront") {
		return true
	}
	return pageHas(body, edgePageMarkers)
}

var (
	edgeServers     = []string{"google frontend", "akamaighost", "cloudfront", "varnish", "awselb", "application-gateway", "azure front door"}
	edgePageMarkers = [][]byte{[]byte("cf-error-details"), []byte("cloudflare ray id"), []byte("5xx-error-landing"),
		[]byte("generated by cloudfront"), []byte("herokucdn.com/error-pages"), []byte("varnish cache server"),
		[]byte("<center>nginx"), []byte("<center>openresty"), []byte("<center>tengine")} // the last three: stock pages' footers
)

// apiGateway: the response came from AWS API Gateway, whose own errors carry only a reason
// phrase ({"message":"Service Unavailable"}; testdata/realworld/heldout5).
func apiGateway(h http.Header) bool {
	return h.Get("Apigw-Requestid") != "" || h.Get("X-Amz-Apigw-Id") != ""
}

func edgeStatus(st int) bool {
	switch st {
	case 502, 503, 504, 520, 521, 522, 523, 524, 530:
		return true
	}
	return false
}

func isHTML(h http.Header, body []byte) bool {
	if strings.Contains(strings.ToLower(h.Get("Content-Type")), "text/html") {
		return true
	}
	b := bytes.TrimLeft(body, " \t\r\n")
	return len(b) > 0 && b[0] == '<'
}

// htmlTitle returns the page title, the most useful line of an HTML error page.
func htmlTitle(body []byte) string {
	b := body[:min(len(body), htmlScan)]
	i := indexFold(b, "<title>")
	if i < 0 {
		return ""
	}
	rest := b[i+len("<title>"):]
	j := indexFold(rest, "</title>")
	if j < 0 {
		return ""
	}
	return strings.TrimSpace(string(rest[:min(j, MaxMessage)]))
}

// edgeBlockPage looks for a WAF's block and challenge markers (Cloudflare's, Alibaba Cloud's) in the top of an HTML page.
func edgeBlockPage(body []byte) bool { return pageHas(body, edgeBlockMarkers) }

// pageHas reports whether any marker (lower case) is in the top of a page. The window is lowered
// once into a pooled buffer so each marker is one fast bytes.Index.
func pageHas(body []byte, markers [][]byte) bool {
	bp := lowerPool.Get().(*[]byte)
	defer lowerPool.Put(bp)
	src := body[:min(len(body), blockScan)]
	w := (*bp)[:len(src)]
	for i, c := range src {
		if c-'A' < 26 { // unsigned: true only for 'A'..'Z'
			c += 'a' - 'A'
		}
		w[i] = c
	}
	for _, m := range markers {
		if bytes.Contains(w, m) {
			return true
		}
	}
	return false
}

var (
	edgeBlockMarkers = [][]byte{[]byte("error code 1020"), []byte("just a moment..."),
		[]byte("<h1>access denied</h1>"), []byte("unusual activity has been detected"),
		[]byte("block_traceid_tips")} // Alibaba Cloud WAF's block page (one marker: each costs a scan)
	lowerPool = sync.Pool{New: func() any { b := make([]byte, 0, blockScan); return &b }}
)

func containsFold[T string | []byte](s T, lowerNeedle string) bool {
	return indexFold(s, lowerNeedle) >= 0
}

// indexFold is an allocation-free ASCII case-insensitive search; lowerNeedle must be lower case.
// Positions whose first byte cannot start the needle are passed over in a tight loop.
func indexFold[T string | []byte](s T, lowerNeedle string) int {
	n := len(lowerNeedle)
	if n == 0 {
		return 0
	}
	c0, mask := lowerNeedle[0], byte(0)
	if 'a' <= c0 && c0 <= 'z' {
		mask = 0x20 // b|0x20 == c0 only for c0 and its upper case
	}
	for i := 0; i+n <= len(s); i++ {
		if s[i]|mask != c0 {
			continue
		}
		j := 1
		for ; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lowerNeedle[j] {
				break
			}
		}
		if j == n {
			return i
		}
	}
	return -1
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
