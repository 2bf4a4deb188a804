package probe

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
)

// Keys of the probed target (shaped like an OpenAI key) and of another target of the run (an
// opaque gateway key no pattern knows).
const (
	ownKey   = "sk-test-secret-key-1234"
	otherKey = "gw-opaque-7f3a9c21d4e5b6a8"
)

// texts are every string a Result carries, by field name.
func texts(r Result) map[string]string {
	out := map[string]string{}
	v := reflect.ValueOf(r)
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			out[v.Type().Field(i).Name] = f.String()
		case reflect.Map:
			for _, k := range f.MapKeys() {
				out["Headers["+k.String()+"]"] = f.MapIndex(k).String()
			}
		}
	}
	return out
}

// leaks reports where a key, or its last 12 characters, shows in a result.
func leaks(r Result) []string {
	var out []string
	for name, s := range texts(r) {
		for _, k := range []string{ownKey, otherKey, ownKey[len(ownKey)-12:], otherKey[len(otherKey)-12:]} {
			if strings.Contains(s, k) {
				out = append(out, fmt.Sprintf("%s holds %q: %q", name, k, s))
			}
		}
	}
	return out
}

// A server that echoes the keys everywhere it can write: each way ends with no key in the
// result, with the evidence still there (a masked request id, the wrong answer's words).
func TestKeysNeverLeaveAResult(t *testing.T) {
	both := "Bearer " + ownKey + " and " + otherKey
	tests := []struct {
		name    string
		comp    Component
		handler http.HandlerFunc
		class   classify.Class
		check   func(t *testing.T, r Result)
	}{
		{"request id header", Chat, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", r.Header.Get("Authorization")+" "+otherKey)
			w.Header().Set("Cf-Ray", otherKey)
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"model":"`+otherKey+`","choices":[{"message":{"content":"pong"},"finish_reason":"`+both+`"}]}`)
		}, classify.OK, func(t *testing.T, r Result) {
			if !strings.HasPrefix(r.RequestID, "Bearer "+secret.Mask) {
				t.Errorf("request id %q", r.RequestID)
			}
		}},
		{"canary answer", Canary, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"choices":[{"message":{"content":"`+otherKey+` `+ownKey+`"}}]}`)
		}, classify.WrongAnswer, func(t *testing.T, r Result) {
			if !strings.Contains(r.Message, secret.Mask) || !strings.Contains(r.Message, `expected "42"`) {
				t.Errorf("message %q", r.Message)
			}
		}},
		{"canary answer cut at the quote's 64 characters", Canary, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"choices":[{"message":{"content":"`+strings.Repeat("x", 50)+otherKey+`"}}]}`)
		}, classify.WrongAnswer, nil},
		{"error body", Chat, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			_, _ = io.WriteString(w, `{"error":{"message":"Incorrect API key provided: `+both+`","type":"invalid_request_error","code":"`+otherKey+`"}}`)
		}, classify.AuthInvalid, nil},
		{"stream error event", ChatStream, rawSSE("\n", roleChunk, "event: error\ndata: {\"error\":{\"message\":\""+both+"\",\"type\":\"server_error\"}}"),
			classify.StreamErrorEvent, nil},
		{"control characters and a key split by them", Chat, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", "req\t-"+otherKey[:10]) // a key cut short, a tab
			http.Error(w, "upstream said \x1b[31m"+otherKey+"\x00", http.StatusBadGateway)
		}, classify.ServerError, func(t *testing.T, r Result) {
			for name, s := range texts(r) {
				if strings.ContainsAny(s, "\x1b\x00\r\n\t") {
					t.Errorf("%s holds a control character: %q", name, s)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				tt.handler(w, r)
			}))
			defer srv.Close()
			tg := target(t, srv.URL+"/v1")
			tg.Secrets = &secret.Set{}
			tg.Secrets.Add(otherKey)
			tg.RecordContent = true
			r := Run(context.Background(), http.DefaultTransport, tg, tt.comp)
			if r.Class != tt.class {
				t.Fatalf("class %s (%s), want %s", r.Class, r.Message, tt.class)
			}
			for _, l := range leaks(r) {
				t.Error(l)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}
