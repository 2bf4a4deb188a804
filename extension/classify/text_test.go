package classify

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzUnquote: any bytes after a quote decode without a panic into no more bytes than they hold,
// and a valid JSON string shorter than strCap decodes as encoding/json decodes it.
func FuzzUnquote(f *testing.F) {
	for _, s := range []string{`"plain"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u4e2d\ud83d\ude00"`, `"\ud800 lone"`,
		`"\u12"`, `"trailing\`, `"x\\nx\\n"`, `"` + strings.Repeat(`x\\n`, 40) + strings.Repeat("y", 40) + `"`, `"\uDE00\uD83D"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := append([]byte{'"'}, b...)
		got := unquote(r)
		if len(got) > len(r) {
			t.Fatalf("decoded %d bytes from %d", len(got), len(r))
		}
		if len(r) > strCap || !utf8.Valid(r) || r[len(r)-1] != '"' { // json would allow trailing space
			return
		}
		var want string
		if json.Unmarshal(r, &want) != nil {
			return
		}
		if got != want {
			t.Fatalf("unquote(%q) = %q, encoding/json %q", r, got, want)
		}
	})
}

func BenchmarkUnquote(b *testing.B) {
	for _, c := range []struct{ name, s string }{
		{"escape-every-3", `"` + strings.Repeat(`x\\n`, strCap/3) + `"`},
		{"plain", `"` + strings.Repeat("lorem ipsum ", strCap/12) + `"`},
		{"escape-every-40", `"` + strings.Repeat(strings.Repeat("a", 38)+`\n`, strCap/40) + `"`},
	} {
		r := []byte(c.s)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = unquote(r)
			}
		})
	}
}

// FuzzIndexFold: indexFold finds what strings.Index finds in the ASCII-lowered haystack.
func FuzzIndexFold(f *testing.F) {
	f.Add("Request Too Large for gpt-4", "request too large")
	f.Add("LIMIT: 30000", "limit")
	f.Add("@[`{", "`")
	f.Fuzz(func(t *testing.T, s, needle string) {
		needle = asciiLower(needle)
		if got, want := indexFold(s, needle), strings.Index(asciiLower(s), needle); got != want {
			t.Fatalf("indexFold(%q, %q) = %d, want %d", s, needle, got, want)
		}
	})
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
