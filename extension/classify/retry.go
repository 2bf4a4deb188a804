package classify

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryAfter finds how long to wait before retrying, from the headers first (retry-after-ms,
// retry-after in seconds or as an HTTP date measured against the response's own Date header, so
// no clock is needed), then from the provider's text ("Please try again in 6.596s").
func retryAfter(h http.Header, message string) time.Duration {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && ms >= 0 && ms < 1e9 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 && s < 1e7 {
			return time.Duration(s * float64(time.Second))
		}
		if at, err := http.ParseTime(v); err == nil {
			if now, err := http.ParseTime(h.Get("Date")); err == nil && at.After(now) {
				return at.Sub(now)
			}
		}
	}
	return retryFromText(message)
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
		if s, err := strconv.ParseFloat(rest[:j], 64); err == nil && s >= 0 && s < 1e7 && hasPrefixFold(rest[j:], " second") {
			return time.Duration(s * float64(time.Second))
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
	return best
}

// headroom reports whether the rate-limit headers show capacity left in every bucket they
// mention: a 429 then cannot be the account's own limit.
func headroom(h http.Header) bool {
	seen := false
	for _, k := range [...]string{
		"X-Ratelimit-Remaining-Requests", "X-Ratelimit-Remaining-Tokens",
		"Anthropic-Ratelimit-Requests-Remaining", "Anthropic-Ratelimit-Tokens-Remaining",
	} {
		v := strings.TrimSpace(h.Get(k))
		if v == "" {
			continue
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || n <= 0 {
			return false
		}
		seen = true
	}
	return seen
}

// rateLimitKind names the exhausted limit: rpm, tpm, rpd or tpd.
func rateLimitKind(e envelope) string {
	m := e.message
	switch {
	case containsFold(m, "(rpm)") || containsFold(m, "requests per min"):
		return "rpm"
	case containsFold(m, "(tpm)") || containsFold(m, "tokens per min"):
		return "tpm"
	case containsFold(m, "(rpd)") || containsFold(m, "requests per day"):
		return "rpd"
	case containsFold(m, "(tpd)") || containsFold(m, "tokens per day"):
		return "tpd"
	case containsFold(m, "token rate limit"):
		return "tpm"
	case containsFold(m, "call rate limit"):
		return "rpm"
	case e.typ == "requests":
		return "rpm"
	case e.typ == "tokens":
		return "tpm"
	}
	return ""
}
