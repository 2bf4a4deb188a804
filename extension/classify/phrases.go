package classify

import "strings"

// Phrases some rules read by position rather than by word (docs/signals.md §6.2): whether a
// number or a negation belongs to the noun in front of it. hay is a lower-cased haystack.

// zeroAllowance reports a text whose every stated limit or quota is 0 ("Quota exceeded for
// metric: …, limit: 0"): a free tier with no allowance for this model, which no wait refills.
func zeroAllowance(hay string) bool {
	seen := false
	for _, w := range [...]string{"limit", "quota"} {
		for off := 0; off < len(hay); {
			i := strings.Index(hay[off:], w)
			if i < 0 {
				break
			}
			j := off + i + len(w)
			off = j
			for j < len(hay) && (hay[j] == ' ' || hay[j] == ':' || hay[j] == '=') {
				j++
			}
			for _, filler := range [...]string{"of ", "is "} {
				j += len(filler) * b2i(strings.HasPrefix(hay[j:], filler))
			}
			k := j
			for k < len(hay) && hay[k] >= '0' && hay[k] <= '9' {
				k++
			}
			switch {
			case k == j:
			case strings.Trim(hay[j:k], "0") != "":
				return false // one real limit: a window that refills
			default:
				seen = true
			}
		}
	}
	return seen
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// modelUnsupported reports "model x is not supported" (or not available, unavailable) — the
// model named is what is not there, the clause ending with it ("Model nonexistent is not
// supported. Supported models are …") — and not a feature of it ("n is not supported with this
// model", "tools are not supported for model x") or a place ("… not available for your
// account"), whose subject or reason is something else.
func modelUnsupported(hay string) bool {
	for _, neg := range [...]string{"not supported", "not available", "unavailable"} {
		if modelIs(hay, neg) {
			return true
		}
	}
	return false
}

func modelIs(hay, neg string) bool {
	for off := 0; off < len(hay); {
		i := strings.Index(hay[off:], "model")
		if i < 0 {
			return false
		}
		start := off + i + len("model")
		off = start
		clause := hay[start:min(len(hay), start+96)]
		if e := clauseEnd(clause); e >= 0 {
			clause = clause[:e]
		}
		n := strings.Index(clause, neg)
		if n < 0 {
			continue
		}
		between, after := clause[:n], clause[n+len(neg):]
		if strings.Count(between, " ") > 4 || strings.Contains(between, " for ") || strings.Contains(between, " with ") ||
			strings.Contains(between, " by ") || strings.Contains(between, " when ") ||
			strings.Contains(between, "temporar") || strings.Contains(between, "currently") || strings.Contains(between, " now") {
			continue // "model x is currently unavailable": there, but busy
		}
		if after == "" || strings.HasPrefix(after, " by ") || strings.HasPrefix(after, " on ") ||
			strings.ContainsRune(".,;!\"'`)", rune(after[0])) {
			return true
		}
	}
	return false
}

// clauseEnd is where the first sentence or haystack entry of s ends, or -1.
func clauseEnd(s string) int {
	e := -1
	for _, sep := range [...]string{". ", ".\n", "\n", " | ", "; "} {
		if i := strings.Index(s, sep); i >= 0 && (e < 0 || i < e) {
			e = i
		}
	}
	return e
}
