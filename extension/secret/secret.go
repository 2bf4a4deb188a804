// Package secret keeps API keys out of everything the extension writes: messages, logs, spans,
// metrics and reports. Redact is applied to any text that may echo a request or a provider body.
package secret

import (
	"regexp"
	"strings"
)

// Mask replaces every secret found.
const Mask = "[REDACTED]"

var patterns = regexp.MustCompile(
	`sk-[A-Za-z0-9_\-*.]{8,}` + // OpenAI-style keys, also the partly starred echoes in 401 bodies
		`|(?i:bearer)\s+[A-Za-z0-9._~+/=\-]{8,}` + // Authorization values
		`|(?i:(?:api[-_]?key|key|token|access_token)=)[^&\s"']+` + // keys in query strings (Gemini ?key=)
		`|AIza[0-9A-Za-z_\-]{20,}`) // Google API keys

// Redact removes known key shapes and the given literal secrets from s.
func Redact(s string, literals ...string) string {
	for _, l := range literals {
		if len(l) >= 4 { // a shorter "secret" would mangle ordinary text
			s = strings.ReplaceAll(s, l, Mask)
		}
	}
	if !mayHoldSecret(s) || !patterns.MatchString(s) {
		return s
	}
	return patterns.ReplaceAllStringFunc(s, func(m string) string {
		if i := strings.IndexByte(m, '='); i > 0 && !strings.HasPrefix(m, "sk-") && !strings.HasPrefix(m, "AIza") &&
			!strings.HasPrefix(strings.ToLower(m), "bearer") {
			return m[:i+1] + Mask
		}
		if strings.HasPrefix(strings.ToLower(m), "bearer") {
			return "Bearer " + Mask
		}
		return Mask
	})
}

// mayHoldSecret is a cheap pre-check: every pattern needs one of these substrings, and most
// messages have none, so the regular expression rarely runs.
func mayHoldSecret(s string) bool {
	return strings.Contains(s, "sk-") || strings.Contains(s, "AIza") || strings.Contains(s, "=") ||
		strings.Contains(s, "earer") || strings.Contains(s, "EARER")
}
