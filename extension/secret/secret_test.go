package secret

import (
	"bytes"
	"log"
	"strings"
	"sync"
	"testing"
)

func TestRedact(t *testing.T) {
	tests := []struct{ in, leak string }{
		{"Incorrect API key provided: sk-proj-AbC123xyz789def.", "sk-proj-AbC123"},
		{"Incorrect API key provided: sk-VKMIs***************wjh3.", "VKMIs"},
		{"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload", "eyJhbGci"},
		{`GET https://generativelanguage.googleapis.com/v1beta/models?key=AIzaSyA1234567890abcdefghij`, "AIzaSyA123"},
		{"POST http://gw/v1/chat?api_key=supersecretvalue&x=1", "supersecretvalue"},
		{"custom literal mysecretkey in text", "mysecretkey"},
		{"a literal cut short by a truncation: mysecretk…", "mysecret"},
		{"x-api-key: azure0123456789abcdef", "azure0123456789"},
		{`{"api_key": "k-0123456789abcdef"}`, "k-0123456789"},
		{"token ghp_abcdefghijklmnopqrstuvwxyz0123", "ghp_abcdefghij"},
		{"jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig-nature", "eyJzdWIiOiIx"},
		{"aws AKIAIOSFODNN7EXAMPLE here", "AKIAIOSFODNN7"},
		{"anthropic sk-ant-api03-abcdefghijklmnop", "sk-ant-api03"},
	}
	for _, tt := range tests {
		got := Redact(tt.in, "mysecretkey", "mysecre-not-this-one")
		if strings.Contains(got, tt.leak) || !strings.Contains(got, Mask) {
			t.Errorf("Redact(%q) = %q", tt.in, got)
		}
	}
	for _, harmless := range []string{"nothing secret here, sk-1 short", "The API key you gave is invalid.", "high light through"} {
		if got := Redact(harmless); got != harmless {
			t.Errorf("changed harmless text: %q -> %q", harmless, got)
		}
	}
}

// Line and Text: valid UTF-8, no control characters (Text keeps line breaks), secrets masked,
// bounded on a character boundary — and no secret forms out of pieces.
func TestLineAndText(t *testing.T) {
	key := "opaque-canary-0123456789"
	tests := []struct {
		name, in string
		max      int
		line     string
		text     string
	}{
		{"plain", "rate limited", 64, "rate limited", "rate limited"},
		{"controls", "a\x1b[31mb\r\nc\td\x00", 64, "a [31mb  c d ", "a [31mb \nc\td "},
		{"invalid UTF-8", "a\xffb", 64, "a\uFFFDb", "a\uFFFDb"},
		{"key", "echo " + key + " done", 64, "echo [REDACTED] done", "echo [REDACTED] done"},
		{"key split by a control byte stays split", "opaque-c\x00anary-0123456789", 64, "[REDACTED] anary-0123456789", "[REDACTED] anary-0123456789"},
		{"bounded", strings.Repeat("é", 10), 9, "ééé…", "ééé…"},
		{"key past the cut", strings.Repeat("x", 20) + key, 16, strings.Repeat("x", 13) + "…", strings.Repeat("x", 13) + "…"},
		{"huge input", strings.Repeat("y", 1<<20) + key, 32, strings.Repeat("y", 29) + "…", strings.Repeat("y", 29) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Line(tt.in, tt.max, key); got != tt.line {
				t.Errorf("Line = %q, want %q", got, tt.line)
			}
			if got := Text(tt.in, tt.max, key); got != tt.text {
				t.Errorf("Text = %q, want %q", got, tt.text)
			}
		})
	}
}

func TestSetAndWriter(t *testing.T) {
	var s Set
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() { s.Add("key-of-target-"+string(rune('a'+i)), "", "abc", "key-of-target-a") })
	}
	wg.Wait()
	if n := len(s.Literals()); n != 8 {
		t.Fatalf("%d literals, want 8 (no duplicates, nothing too short)", n)
	}
	var nilSet *Set
	if nilSet.Literals() != nil {
		t.Fatal("a nil set holds something")
	}
	var out bytes.Buffer
	w := NewWriter(&out, 120)
	w.Watch(&s)
	l := log.New(w, "", 0)
	l.Printf("Unsolicited response received on idle HTTP channel starting with %q", "HTTP/1.1 200 OK\r\nX-Echo: key-of-target-h\r\n"+strings.Repeat("z", 100))
	got := out.String()
	if strings.Contains(got, "key-of-target") || !strings.Contains(got, Mask) || len(got) > 121 || !strings.HasSuffix(got, "\n") {
		t.Fatalf("writer passed on %q", got)
	}
}
