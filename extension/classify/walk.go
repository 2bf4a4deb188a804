package classify

import "bytes"

// members calls f with each top-level member of the JSON object in b. Values are skipped, not
// decoded, with IndexByte over strings, so a 64 KiB body costs microseconds; only the few
// members a rule needs are decoded afterwards. It reports false when b is not an object.
func members(b []byte, f func(key, val []byte)) bool {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i++
	for {
		i = skipWS(b, i)
		if i >= len(b) {
			return false
		}
		if b[i] == '}' {
			return true
		}
		if b[i] != '"' {
			return false
		}
		end := skipString(b, i)
		if end < 0 {
			return false
		}
		key := b[i+1 : end-1]
		i = skipWS(b, end)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipWS(b, i+1)
		vend := skipValue(b, i)
		if vend < 0 {
			return false
		}
		f(key, b[i:vend])
		i = skipWS(b, vend)
		switch {
		case i < len(b) && b[i] == ',':
			i++
		case i < len(b) && b[i] == '}':
			return true
		default:
			return false
		}
	}
}

// firstElement returns the first value of the JSON array in b.
func firstElement(b []byte) []byte {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil
	}
	i = skipWS(b, i+1)
	end := skipValue(b, i)
	if end < 0 {
		return nil
	}
	return b[i:end]
}

func isWS(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipWS(b []byte, i int) int {
	for i < len(b) && isWS(b[i]) {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] == '"', or -1.
func skipString(b []byte, i int) int {
	j := i + 1
	for {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return -1
		}
		j += k
		n := 0
		for p := j - 1; p > i && b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return j + 1
		}
		j++
	}
}

// skipValue returns the index after the value starting at b[i], or -1.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); {
			switch b[j] {
			case '"':
				e := skipString(b, j)
				if e < 0 {
					return -1
				}
				j = e
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
			j++
		}
		return -1
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && !isWS(b[j]) {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// elements calls f with each element of the JSON array in b until f returns false.
func elements(b []byte, f func(el []byte) bool) {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '[' {
		return
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == ']' {
		return
	}
	for i < len(b) {
		end := skipValue(b, i)
		if end < 0 || !f(b[i:end]) {
			return
		}
		i = skipWS(b, end)
		if i >= len(b) || b[i] != ',' {
			return
		}
		i = skipWS(b, i+1)
	}
}
