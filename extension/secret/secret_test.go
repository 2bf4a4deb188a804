package secret

import (
	"strings"
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
	}
	for _, tt := range tests {
		got := Redact(tt.in, "mysecretkey")
		if strings.Contains(got, tt.leak) || !strings.Contains(got, Mask) {
			t.Errorf("Redact(%q) = %q", tt.in, got)
		}
	}
	if got := Redact("nothing secret here, sk-1 short"); got != "nothing secret here, sk-1 short" {
		t.Errorf("changed harmless text: %q", got)
	}
}
