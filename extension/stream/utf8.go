package stream

import "unicode/utf8"

// appendUTF8 appends src decoded as the WHATWG Encoding Standard's "UTF-8 decode" does, which
// the event-stream specification requires: each maximal ill-formed subsequence becomes one
// U+FFFD (Go's own decoding gives one per byte). valid says src is already valid UTF-8 (Go and
// the standard agree on validity: no overlongs, no surrogates), so it is appended as it is.
func appendUTF8(dst, src []byte, valid bool) []byte {
	if valid {
		return append(dst, src...)
	}
	var cp rune
	needed, seen := 0, 0
	lower, upper := byte(0x80), byte(0xBF)
	for i := 0; i < len(src); i++ {
		b := src[i]
		if needed == 0 {
			switch {
			case b <= 0x7F:
				dst = append(dst, b)
			case b >= 0xC2 && b <= 0xDF:
				needed, cp = 1, rune(b&0x1F)
			case b >= 0xE0 && b <= 0xEF:
				if b == 0xE0 {
					lower = 0xA0
				} else if b == 0xED {
					upper = 0x9F
				}
				needed, cp = 2, rune(b&0x0F)
			case b >= 0xF0 && b <= 0xF4:
				if b == 0xF0 {
					lower = 0x90
				} else if b == 0xF4 {
					upper = 0x8F
				}
				needed, cp = 3, rune(b&0x07)
			default:
				dst = utf8.AppendRune(dst, utf8.RuneError)
			}
			continue
		}
		if b < lower || b > upper { // the sequence ends here, and this byte starts anew
			needed, seen, cp, lower, upper = 0, 0, 0, 0x80, 0xBF
			dst = utf8.AppendRune(dst, utf8.RuneError)
			i--
			continue
		}
		lower, upper = 0x80, 0xBF
		cp = cp<<6 | rune(b&0x3F)
		if seen++; seen == needed {
			dst = utf8.AppendRune(dst, cp)
			needed, seen, cp = 0, 0, 0
		}
	}
	if needed != 0 {
		dst = utf8.AppendRune(dst, utf8.RuneError)
	}
	return dst
}
