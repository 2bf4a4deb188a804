package classify

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxRetryAfter bounds a server's retry delay: a longer one (a Retry-After of 2^64 seconds, a
// date decades ahead) is read as this, never as nothing. No monitor waits that long anyway
// (monitor.Gate waits 10 minutes at most).
const MaxRetryAfter = 24 * time.Hour

// retryAfter finds how long to wait before retrying, from the headers first (retry-after-ms,
// retry-after in seconds or as an HTTP date measured against the response's own Date header, so
// no clock is needed), then from the provider's text ("Please try again in 6.596s"). A header
// that is not a non-negative number (retry-after-ms: -5) is passed over.
func retryAfter(h http.Header, message string) time.Duration {
	if d, ok := delay(h.Get("Retry-After-Ms"), time.Millisecond); ok {
		return d
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if d, ok := delay(v, time.Second); ok {
			return d
		}
		if at, err := http.ParseTime(v); err == nil {
			if now, err := http.ParseTime(h.Get("Date")); err == nil && at.After(now) {
				return min(at.Sub(now), MaxRetryAfter)
			}
		}
	}
	return min(retryFromText(message), MaxRetryAfter)
}

// delay reads a count of units — digits with an optional fraction — capped at MaxRetryAfter
// however many digits it has; ok is false for anything else (a sign, an exponent, "inf").
func delay(v string, unit time.Duration) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	whole, frac, dot := strings.Cut(v, ".")
	if whole == "" || !allDigits(whole) || dot && (frac == "" || !allDigits(frac)) {
		return 0, false
	}
	n, err := strconv.ParseFloat(v, 64) // digits only: never an error short of float64's range
	if err != nil || n*float64(unit) >= float64(MaxRetryAfter) {
		return MaxRetryAfter, true
	}
	return time.Duration(n * float64(unit)), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// retryFromText reads "Please try again in 6.596s / 644ms / 1m2.5s" (OpenAI) and "retry after
// 60 seconds" (Azure). Hand-parsed: case-insensitive regexes cost more than the rest of a
// classification together.
func retryFromText(msg string) time.Duration {
	if i := indexFold(msg, "try again in "); i >= 0 {
		rest := msg[i+len("try again in "):]
		j := 0
		for j < len(rest) && (rest[j] == '.' || ('0' <= rest[j] && rest[j] <= '9') || strings.IndexByte("mshMSH", rest[j]) >= 0) {
			j++
		}
		if d, err := time.ParseDuration(strings.ToLower(strings.TrimRight(rest[:j], "."))); err == nil && d >= 0 {
			return d
		}
	}
	if i := indexFold(msg, "retry after "); i >= 0 {
		rest := msg[i+len("retry after "):]
		j := 0
		for j < len(rest) && (rest[j] == '.' || ('0' <= rest[j] && rest[j] <= '9')) {
			j++
		}
		if d, ok := delay(rest[:j], time.Second); ok && hasPrefixFold(rest[j:], " second") {
			return d
		}
	}
	return 0
}

func hasPrefixFold(s, lowerPrefix string) bool {
	return len(s) >= len(lowerPrefix) && indexFold(s[:len(lowerPrefix)], lowerPrefix) == 0
}

// resetAfter is the rate-limit window reset for an exhausted bucket (x-ratelimit-reset-requests:
// "1s", "6m0s", "12ms"), used when nothing better says when to come back.
func resetAfter(h http.Header) time.Duration {
	var best time.Duration
	for _, b := range [...]string{"requests", "tokens"} {
		if strings.TrimSpace(h.Get("X-Ratelimit-Remaining-"+b)) != "0" {
			continue
		}
		if d, err := time.ParseDuration(strings.TrimSpace(h.Get("X-Ratelimit-Reset-" + b))); err == nil && d > best {
			best = d
		}
	}
	return min(best, MaxRetryAfter)
}

// bucket is one rate-limit bucket a response reports: x-ratelimit-remaining-requests,
// x-ratelimit-remaining-tokens(-minute|-day), anthropic-ratelimit-{requests,tokens,input-tokens,
// output-tokens}-remaining, the IETF ratelimit-remaining.
type bucket struct {
	tokens, day bool // a token bucket (else requests or unnamed); a daily one
	named       bool // the header says what it counts
	remaining   float64
	limit       float64 // the bucket's size, from the matching "limit" header; 0 when not sent
}

// buckets calls f for every rate-limit bucket in the headers whose remaining count parses.
func buckets(h http.Header, f func(b bucket)) {
	for k, v := range h {
		lk := strings.ToLower(k)
		if len(v) == 0 || !strings.Contains(lk, "ratelimit") || !strings.Contains(lk, "remaining") {
			continue
		}
		n, err := strconv.ParseFloat(strings.TrimSpace(v[0]), 64)
		if err != nil {
			continue
		}
		b := bucket{remaining: n, day: strings.Contains(lk, "day")}
		if l, err := strconv.ParseFloat(strings.TrimSpace(h.Get(strings.Replace(lk, "remaining", "limit", 1))), 64); err == nil {
			b.limit = l
		}
		switch {
		case strings.Contains(lk, "token"):
			b.tokens, b.named = true, true
		case strings.Contains(lk, "request"):
			b.named = true
		}
		f(b)
	}
}

// exhaustedBucket names the bucket the headers show at 0 ("tokens", "requests", "" for none):
// whatever the body says, that limit is ours.
func exhaustedBucket(h http.Header) string {
	name := ""
	buckets(h, func(b bucket) {
		if b.remaining > 0 || name != "" {
			return
		}
		name = "requests"
		if b.tokens {
			name = "tokens"
		}
		if b.day {
			name += "-day"
		}
	})
	return name
}

// headroom reports whether the headers show room left in the bucket the 429 is about (kind: rpm
// or rpd read the request buckets, tpm or tpd the token buckets, "" every bucket) and no bucket
// at 0: the limit it names is not ours, so the provider is shedding load. Without a header for
// that bucket nothing shows headroom: a tokens-per-minute 429 says nothing about requests left.
// need is what the request asked of a token bucket ("Requested 3082"), 0 when unknown: a token
// bucket with less left than that has no room for it, nor, when need is unknown, one down to a
// quarter of its limit.
func headroom(h http.Header, kind string, need float64) bool {
	seen, empty := false, false
	buckets(h, func(b bucket) {
		// Without the request's size, a token bucket down to its last quarter shows no room:
		// Azure and OpenAI charge a request's max_tokens up front, and it may be what ran out.
		if b.remaining <= 0 || (b.tokens && (b.remaining < need || (need == 0 && b.remaining < b.limit/4))) {
			empty = true
			return
		}
		switch kind {
		case "tpm", "tpd":
			seen = seen || b.tokens
		case "rpm", "rpd":
			seen = seen || (b.named && !b.tokens)
		default:
			seen = true
		}
	})
	return seen && !empty
}

// rateLimitKind names the exhausted limit: rpm, tpm, rpd or tpd, from the text (OpenAI's
// "(RPM)", Azure's "token rate limit", Google's quota ids such as
// GenerateContentInputTokensPerModelPerMinute), the type (requests, tokens), or else the bucket
// the headers show exhausted.
func rateLimitKind(e *envelope, h http.Header) string {
	t := e.text()
	has := func(s ...string) bool {
		for _, w := range s {
			if strings.Contains(t, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("(rpm)", "requests per min", "requests_per_min", "requestsperminute", "requestspermodelperminute"):
		return "rpm"
	case has("(tpm)", "tokens per min", "tokens_per_min", "tokensperminute", "tokenspermodelperminute"):
		return "tpm"
	case has("(rpd)", "requests per day", "requests_per_day", "requestsperday", "requestspermodelperday"):
		return "rpd"
	case has("(tpd)", "tokens per day", "tokens_per_day", "tokensperday", "tokenspermodelperday"):
		return "tpd"
	case has("token rate limit"):
		return "tpm"
	case has("call rate limit"):
		return "rpm"
	case e.typ == "requests":
		return "rpm"
	case e.typ == "tokens":
		return "tpm"
	}
	switch exhaustedBucket(h) {
	case "requests":
		return "rpm"
	case "tokens":
		return "tpm"
	case "requests-day":
		return "rpd"
	case "tokens-day":
		return "tpd"
	}
	return ""
}
