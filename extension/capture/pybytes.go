package capture

import (
	"bytes"
	"encoding/hex"
)

// unbytes returns a copy of an event's data, unwrapped when it is a Python bytes literal
// (data: b'{"error":…}'): a Python server that formats the bytes it got from its backend with
// str() or an f-string sends their repr, not the bytes, so every client sees malformed JSON. The
// repr's escapes are undone (\\, \', \", \n, \r, \t, \xNN) so the document inside is read as sent.
func unbytes(data []byte) []byte {
	n := len(data)
	if n < 3 || data[0] != 'b' || (data[1] != '\'' && data[1] != '"') || data[n-1] != data[1] {
		return bytes.Clone(data)
	}
	in := data[2 : n-1]
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c != '\\' || i+1 == len(in) {
			out = append(out, c)
			continue
		}
		i++
		switch e := in[i]; e {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'x':
			if v, ok := hexByte(in[i+1:]); ok {
				out = append(out, v)
				i += 2
				continue
			}
			out = append(out, '\\', e)
		case '\\', '\'', '"':
			out = append(out, e)
		default:
			out = append(out, '\\', e) // not an escape Python writes: keep it as it came
		}
	}
	return out
}

// hexByte reads two hex digits at the start of b.
func hexByte(b []byte) (byte, bool) {
	if len(b) < 2 {
		return 0, false
	}
	var v [1]byte
	if _, err := hex.Decode(v[:], b[:2]); err != nil {
		return 0, false
	}
	return v[0], true
}
