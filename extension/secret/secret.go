// Package secret keeps API keys out of everything the extension writes: messages, logs, spans,
// metrics and reports. Redact is applied to any text that may echo a request or a provider body.
package secret

import (
	"regexp"
	"strings"
)

// Mask replaces every secret found.
const Mask = "[REDACTED]"

// Each pattern runs only when its literal trigger is present, and none uses (?i): case-folding
// regular expressions cost more than a whole error classification.
var (
	openAIKey = regexp.MustCompile(`sk-[A-Za-z0-9_\-*.]{8,}`) // also the starred echoes in 401 bodies
	googleKey = regexp.MustCompile(`AIza[0-9A-Za-z_\-]{20,}`)
	bearer    = regexp.MustCompile(`[Bb][Ee][Aa][Rr][Ee][Rr]\s+[A-Za-z0-9._~+/=\-]{8,}`)
	queryKey  = regexp.MustCompile(`([Aa][Pp][Ii][-_]?[Kk][Ee][Yy]|[Kk][Ee][Yy]|[Aa][Cc][Cc][Ee][Ss][Ss]_[Tt][Oo][Kk][Ee][Nn]|[Tt][Oo][Kk][Ee][Nn])=[^&\s"']+`)
)

// Redact removes known key shapes and the given literal secrets from s.
func Redact(s string, literals ...string) string {
	for _, l := range literals {
		if len(l) >= 4 { // a shorter "secret" would mangle ordinary text
			s = strings.ReplaceAll(s, l, Mask)
		}
	}
	if strings.Contains(s, "sk-") {
		s = openAIKey.ReplaceAllLiteralString(s, Mask)
	}
	if strings.Contains(s, "AIza") {
		s = googleKey.ReplaceAllLiteralString(s, Mask)
	}
	if strings.Contains(s, "earer") || strings.Contains(s, "EARER") {
		s = bearer.ReplaceAllLiteralString(s, "Bearer "+Mask)
	}
	if strings.IndexByte(s, '=') >= 0 {
		s = queryKey.ReplaceAllString(s, "${1}="+Mask)
	}
	return s
}
