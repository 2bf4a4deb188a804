package classify

import (
	"bytes"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// strCap bounds how much of one JSON string is decoded: the rules read a few hundred bytes of a
// message, and a JSON document inside a string is walked no further than this.
const strCap = 4 << 10

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
	if j > len(b) {
		return -1
	}
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

// unquote decodes the JSON string starting at r[0] == '"' (its closing quote may be missing in a
// cut capture), at most strCap bytes of it. Malformed escapes are kept as written: a lenient
// reading, never an error.
func unquote(r []byte) string {
	body := stringBody(r)
	i := bytes.IndexByte(body, '\\')
	if i < 0 {
		return string(body)
	}
	return decodeEscaped(body, i)
}

// unquoteBytes is unquote as bytes: a slice of r itself when there is nothing to decode.
func unquoteBytes(r []byte) []byte {
	body := stringBody(r)
	i := bytes.IndexByte(body, '\\')
	if i < 0 {
		return body
	}
	return []byte(decodeEscaped(body, i))
}

// decodeEscaped decodes body, whose first escape is at i.
func decodeEscaped(body []byte, i int) string {
	// decoded a chunk at a time into a stack buffer and written to a Builder, whose String does
	// not copy: one allocation of the input's size (the output never outgrows the input)
	var sb strings.Builder
	sb.Grow(len(body))
	sb.Write(body[:i])
	var buf [512]byte
	w := 0
	for run := 0; i < len(body); {
		if w > len(buf)-4 { // room for the longest rune an escape decodes to
			sb.Write(buf[:w])
			w = 0
		}
		if c := body[i]; c != '\\' {
			buf[w] = c
			w++
			i++
			// byte by byte between close escapes; a run this long goes to IndexByte at once
			if run++; run == 16 {
				n := bytes.IndexByte(body[i:], '\\')
				if n < 0 {
					n = len(body) - i
				}
				sb.Write(buf[:w])
				sb.Write(body[i : i+n])
				w, i, run = 0, i+n, 0
			}
			continue
		}
		run = 0
		if i+1 >= len(body) {
			buf[w] = '\\'
			w++
			break
		}
		e := body[i+1]
		i += 2
		switch e {
		case 'b':
			e = '\b'
		case 'f':
			e = '\f'
		case 'n':
			e = '\n'
		case 'r':
			e = '\r'
		case 't':
			e = '\t'
		case 'u':
			r, ok := hex4(body[i:])
			if !ok {
				buf[w], buf[w+1] = '\\', 'u'
				w += 2
				continue
			}
			i += 4
			if utf16.IsSurrogate(r) && i+1 < len(body) && body[i] == '\\' && body[i+1] == 'u' {
				if r2, ok := hex4(body[i+2:]); ok {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						i += 6
					}
				}
			}
			w += utf8.EncodeRune(buf[w:], r)
			continue
		}
		buf[w] = e // \" \\ \/ and anything else: the character itself
		w++
	}
	sb.Write(buf[:w])
	return sb.String()
}

// stringBody is the JSON string at r[0] == '"' without its quotes, at most strCap bytes.
func stringBody(r []byte) []byte {
	body := r[1:]
	if n := len(body); n > 0 && body[n-1] == '"' {
		body = body[:n-1]
	}
	return body[:min(len(body), strCap)]
}

// hex4 reads four hex digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
