package classify

import (
	"bytes"
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
	c := classify(o)
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
	var env envelope
	if !html && (o.Status >= 300 || o.Status < 200 || o.Stream == nil) {
		env = parseEnvelope(o.Body)
	}
	if o.Status >= 300 || (o.Status >= 200 && env.found && o.Stream == nil) {
		return withAdvice(httpError(o, h, env, html))
	}
	if o.Status < 200 {
		return withAdvice(Classification{Class: Unknown, Blame: BlameUnknown, Message: "unexpected status"})
	}
	return withAdvice(success(o))
}

func httpError(o Outcome, h http.Header, env envelope, html bool) Classification {
	st := o.Status
	msg := env.message
	if html {
		msg = htmlTitle(o.Body)
	}
	code := firstNonEmpty(env.code, env.typ, env.status)
	c := Classification{ProviderCode: code, Message: msg}
	set := func(cl Class, b Blame, retry bool) Classification {
		c.Class, c.Blame, c.Retryable = cl, b, retry
		if retry {
			c.RetryAfter = retryAfter(h, msg)
			c.RetryAfterMs = c.RetryAfter.Milliseconds()
		}
		return c
	}
	k := func(s string) bool {
		return env.code == s || env.typ == s || env.status == s || env.inner == s || env.reason == s
	}
	m := func(sub string) bool { return containsFold(msg, sub) }
	origin := h.Get("X-Request-Id") != "" || h.Get("Openai-Processing-Ms") != "" ||
		h.Get("X-Envoy-Upstream-Service-Time") != "" || h.Get("Request-Id") != ""

	switch {
	case (st == 403 || st == 429) && h.Get("Cf-Mitigated") != "",
		html && (st == 403 || st == 429 || st == 503) && // block and challenge pages use these
			(m("access denied") || m("just a moment") || m("attention required") || edgeBlockPage(o.Body)),
		m("unusual activity"):
		return set(EdgeBlocked, BlameNetwork, false)
	case k("unsupported_country_region_territory") || k("request_forbidden") || k("unsupported_country") ||
		(k("FAILED_PRECONDITION") && m("country")) || m("not available in your country"):
		return set(GeoBlocked, BlameAccount, false)
	case edgeStatus(st) && !m("at capacity") && (strings.HasPrefix(env.typ, "cf_") || html ||
		(strings.EqualFold(h.Get("Server"), "cloudflare") && !origin)):
		return set(EdgeGatewayError, BlameEdge, true)
	case k("account_deactivated") || k("access_terminated") || m("deactivated account"):
		return set(AccountBlocked, BlameAccount, false)
	case st == 401 || k("invalid_api_key") || k("authentication_error") || k("API_KEY_INVALID") ||
		m("incorrect api key") || m("you didn't provide an api key") || m("missing bearer") ||
		m("ip not authorized") || m("invalid subscription key"):
		return set(AuthInvalid, BlameAccount, false)
	case k("insufficient_quota") || k("billing_not_active") || k("credit_balance_exhausted") ||
		k("organization_spend_limit_exceeded") || k("project_spend_limit_exceeded") || k("billing_error") ||
		m("exceeded your current quota") || st == 402:
		return set(QuotaExhausted, BlameAccount, false)
	case (st == 403 && !k("content_filter")) || k("permission_error") || k("PERMISSION_DENIED"):
		return set(PermissionDenied, BlameAccount, false)
	case k("model_not_found") || k("DeploymentNotFound") || k("not_found_error") ||
		k("NOT_FOUND") || m("try pulling it first") || (st == 404 && m("model")):
		return set(ModelNotFound, BlameClient, false)
	case k("context_length_exceeded") || k("exceed_context_size_error") || m("maximum context length") ||
		m("exceeds the available context size"):
		return set(ContextLengthExceeded, BlameClient, false)
	case k("content_policy_violation") || k("content_filter") || k("ResponsibleAIPolicyViolation"):
		return set(ContentFiltered, BlameClient, false)
	case k("slow_down") || k("server_is_overloaded") || k("service_unavailable_error") || k("overloaded_error") ||
		k("UNAVAILABLE") || k("unavailable_error") || (k("RESOURCE_EXHAUSTED") && (k("rateLimitExceeded") || m("try again later"))) ||
		m("overloaded") || m("at capacity") || m("flex does not have sufficient resources") ||
		m("high demand") || m("loading model") || st == 529:
		return set(CapacityOverloaded, BlameProvider, true)
	case m("request too large for"):
		return set(RequestInvalid, BlameClient, false)
	case st == 429 && env.standard && (k("rate_limit_exceeded") || k("tokens") || k("requests") ||
		k("rate_limit_error") || k("RESOURCE_EXHAUSTED") || m("rate limit") || k("429")):
		c.RateLimitKind = rateLimitKind(env)
		c = set(RateLimited, BlameAccount, c.RateLimitKind != "rpd" && c.RateLimitKind != "tpd")
		if headroom(h) { // far below our limits: the provider is shedding load and calling it a rate limit
			c.Blame = BlameProvider
		}
		if c.RetryAfter == 0 {
			c.RetryAfter = resetAfter(h)
			c.RetryAfterMs = c.RetryAfter.Milliseconds()
		}
		return c
	case st == 429:
		return set(RateLimitedAnomalous, BlameProvider, true)
	case st >= 500 || k("server_error") || k("api_error") || k("INTERNAL") || k("internal_error"):
		return set(ServerError, BlameProvider, true)
	case st == 400 || st == 404 || st == 405 || st == 409 || st == 413 || st == 415 || st == 422 ||
		k("invalid_request_error") || k("INVALID_ARGUMENT"):
		return set(RequestInvalid, BlameClient, st == 409)
	case st >= 200 && st < 300: // 200 carrying an error object we could not place
		return set(ServerError, BlameProvider, true)
	}
	return set(Unknown, BlameUnknown, false)
}

// success classifies a 2xx response whose body was read: stream faults first, then content.
func success(o Outcome) Classification {
	if s := o.Stream; s != nil {
		if len(s.ErrorEvent) > 0 {
			env := parseEnvelope(s.ErrorEvent)
			c := Classification{Class: StreamErrorEvent, Blame: BlameProvider, Retryable: true,
				ProviderCode: firstNonEmpty(env.code, env.typ), Message: env.message}
			return c
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
	if o.FinishReason == "content_filter" {
		return Classification{Class: ContentFiltered, Blame: BlameClient, ProviderCode: "content_filter",
			Message: "output stopped by the provider's content filter"}
	}
	if o.ExpectAnswer && o.Content == 0 {
		return Classification{Class: EmptyResponse, Blame: BlameProvider, Retryable: true,
			Message: "the response was complete but carried no answer"}
	}
	if o.AnswerWrong {
		return Classification{Class: WrongAnswer, Blame: BlameProvider, Retryable: true,
			Message: "the canary question got a wrong answer"}
	}
	return Classification{Class: OK}
}

func bodyFailure(o Outcome) Classification {
	switch {
	case o.Malformed:
		return Classification{Class: Unknown, Blame: BlameUnknown, Message: transportMessage(o.Err)}
	case o.Stalled:
		return Classification{Class: StreamStalled, Blame: BlameProvider, Retryable: true, Message: "no data within the stall deadline"}
	case o.TimedOut:
		return Classification{Class: TimeoutTotal, Blame: BlameProvider, Retryable: true, Message: "the response did not finish within the total deadline"}
	}
	return Classification{Class: StreamTruncated, Blame: BlameProvider, Retryable: true, Message: transportMessage(o.Err)}
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

// edgeBlockPage looks for Cloudflare's block and challenge markers in the top of an HTML page.
// The window is lowered once into a pooled buffer so each marker is one fast bytes.Index.
func edgeBlockPage(body []byte) bool {
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
	for _, m := range edgeBlockMarkers {
		if bytes.Contains(w, m) {
			return true
		}
	}
	return false
}

var (
	edgeBlockMarkers = [][]byte{[]byte("error code 1020"), []byte("just a moment..."),
		[]byte("<h1>access denied</h1>"), []byte("unusual activity has been detected")}
	lowerPool = sync.Pool{New: func() any { b := make([]byte, 0, blockScan); return &b }}
)

func containsFold[T string | []byte](s T, lowerNeedle string) bool {
	return indexFold(s, lowerNeedle) >= 0
}

// indexFold is an allocation-free ASCII case-insensitive search; lowerNeedle must be lower case.
func indexFold[T string | []byte](s T, lowerNeedle string) int {
	n := len(lowerNeedle)
	if n == 0 {
		return 0
	}
	for i := 0; i+n <= len(s); i++ {
		j := 0
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
