// Package secret keeps API keys out of everything the extension writes: messages, logs, spans,
// metrics, reports, state files and notifications. Redact removes the configured keys and
// anything shaped like a credential; Line and Text also make server text fit for an output
// (valid UTF-8, no control characters, bounded). Set holds a run's keys, Writer guards a log.
//
// The boundary that applies them to what servers send is probe.Result's sanitizing (see
// docs/architecture.md, "Secrets and server text").
package secret

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Mask replaces every secret found.
const Mask = "[REDACTED]"

// minLiteral is the shortest literal secret redacted: a shorter one would mangle ordinary text.
const minLiteral = 4

// minPrefix is how much of a literal's start is a secret by itself: a key cut short by a
// truncation somewhere still goes when at least this much of it is left.
const minPrefix = 8

// Each pattern runs only when its literal trigger is present, and none uses (?i): case-folding
// regular expressions cost more than a whole error classification.
var (
	openAIKey = regexp.MustCompile(`sk-[A-Za-z0-9_\-*.]{8,}`) // also Anthropic's sk-ant-, and the starred echoes in 401 bodies
	googleKey = regexp.MustCompile(`AIza[0-9A-Za-z_\-]{20,}`)
	bearer    = regexp.MustCompile(`[Bb][Ee][Aa][Rr][Ee][Rr]\s+[A-Za-z0-9._~+/=\-]{8,}`)
	queryKey  = regexp.MustCompile(`([Aa][Pp][Ii][-_]?[Kk][Ee][Yy]|[Kk][Ee][Yy]|[Aa][Cc][Cc][Ee][Ss][Ss]_[Tt][Oo][Kk][Ee][Nn]|[Tt][Oo][Kk][Ee][Nn])=[^&\s"']+`)
	// "x-api-key: …", "api-key: …", "\"api_key\": \"…\"": a key echoed as a header or a member
	namedKey = regexp.MustCompile(`([Aa][Pp][Ii][-_]?[Kk][Ee][Yy]["']?\s*:\s*["']?)[^\s"',;&]{6,}`)
	github   = regexp.MustCompile(`(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})`)
	jwt      = regexp.MustCompile(`eyJ[A-Za-z0-9_\-]{6,}\.[A-Za-z0-9_\-]{6,}\.[A-Za-z0-9_\-]*`)
	awsKey   = regexp.MustCompile(`A[KS]IA[0-9A-Z]{16}`)
)

// Redact removes the given literal secrets (and any run of at least minPrefix of their leading
// characters) and known key shapes from s.
func Redact(s string, literals ...string) string {
	for _, l := range literals {
		s = redactLiteral(s, l)
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
	if strings.IndexByte(s, ':') >= 0 && (strings.Contains(s, "ey") || strings.Contains(s, "EY") || strings.Contains(s, "Ey")) {
		s = namedKey.ReplaceAllString(s, "${1}"+Mask)
	}
	if strings.Contains(s, "gh") || strings.Contains(s, "github_pat_") {
		s = github.ReplaceAllLiteralString(s, Mask)
	}
	if strings.Contains(s, "eyJ") {
		s = jwt.ReplaceAllLiteralString(s, Mask)
	}
	if strings.Contains(s, "IA") {
		s = awsKey.ReplaceAllLiteralString(s, Mask)
	}
	return s
}

// redactLiteral masks every occurrence of l in s, and of any prefix of l at least minPrefix
// long (or l whole, when it is shorter).
func redactLiteral(s, l string) string {
	if len(l) < minLiteral {
		return s
	}
	head := l[:min(len(l), minPrefix)]
	if !strings.Contains(s, head) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, head)
		if i < 0 {
			break
		}
		n := len(head)
		for n < len(l) && i+n < len(s) && s[i+n] == l[n] {
			n++
		}
		b.WriteString(s[:i])
		b.WriteString(Mask)
		s = s[i+n:]
	}
	b.WriteString(s)
	return b.String()
}

// Line makes s fit for a one-line output: invalid UTF-8 as U+FFFD, control characters as
// spaces, secrets masked, and at most max bytes ("…" marks a cut). Characters are replaced,
// never dropped, so no secret can form from pieces once the rest is gone.
func Line(s string, limit int, literals ...string) string { return clean(s, limit, false, literals) }

// Text is Line for text whose line breaks and tabs mean something (answers, dumps, log lines).
func Text(s string, limit int, literals ...string) string { return clean(s, limit, true, literals) }

func clean(s string, limit int, multiline bool, literals []string) string {
	if len(s) > 4*limit { // cut before the work, with room: the final cut drops this edge
		s = s[:4*limit]
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	if i := strings.IndexFunc(s, func(r rune) bool { return control(r, multiline) }); i >= 0 {
		s = s[:i] + strings.Map(func(r rune) rune {
			if control(r, multiline) {
				return ' '
			}
			return r
		}, s[i:])
	}
	return bound(Redact(s, literals...), limit)
}

func control(r rune, multiline bool) bool {
	if multiline && (r == '\n' || r == '\t') {
		return false
	}
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029'
}

// bound cuts s to at most limit bytes on a character boundary, marking the cut.
func bound(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	const mark = "…"
	cut := limit - len(mark)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:max(cut, 0)] + mark
}
