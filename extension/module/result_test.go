package module

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
)

// Every js-visible field of probe.Result reaches JS, with its name and a plain type.
func TestJSResultCoversProbeResult(t *testing.T) {
	want := map[string]bool{}
	rt := reflect.TypeOf(probe.Result{})
	for i := range rt.NumField() {
		if tag := rt.Field(i).Tag.Get("js"); tag != "" && tag != "-" {
			want[tag] = true
		}
	}
	jt := reflect.TypeOf(jsProbeResult{})
	for i := range jt.NumField() {
		f := jt.Field(i)
		delete(want, f.Tag.Get("js"))
		if f.Type.Kind() == reflect.String && f.Type.PkgPath() != "" {
			t.Errorf("%s is a named string type: JS would see an object", f.Name)
		}
	}
	for tag := range want {
		t.Errorf("probe.Result's %q does not reach JS", tag)
	}
}

// The canary's answer reaches JS, as a server wrote it but bounded and redacted: the evidence
// of a wrong answer, without the key a hostile server echoed into it.
func TestCanaryAnswerOnTheResult(t *testing.T) {
	const key = "sk-test-canary-answer-key-0123456789"
	answers := []string{"42", "The answer is 43; your key is " + key, strings.Repeat("4", 10000)}
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		a, _ := json.Marshal(answers[int(n.Add(1)-1)%len(answers)])
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":2}}`, a)
	}))
	defer srv.Close()
	rt, _ := newRuntime(t, map[string]string{"OPENAI_BASE_URL": srv.URL + "/v1", "OPENAI_API_KEY": key})
	if _, err := rt.RunOnEventLoop(`globalThis.target = require("k6/x/chatgpt").target({components: ["canary"], confirmations: 0});`); err != nil {
		t.Fatal(err)
	}
	toVU(rt)
	for i, want := range []func(string) bool{
		func(a string) bool { return a == "42" },
		func(a string) bool {
			return strings.HasPrefix(a, "The answer is 43") && strings.Contains(a, "[REDACTED]")
		},
		func(a string) bool { return len(a) <= 4<<10+len("…") && strings.HasPrefix(a, "4444") },
	} {
		v, err := rt.RunOnEventLoop(`JSON.stringify(target.probeSync("canary"))`)
		if err != nil {
			t.Fatal(err)
		}
		var r struct{ Class, Answer string }
		if err := json.Unmarshal([]byte(v.String()), &r); err != nil {
			t.Fatal(err)
		}
		if !want(r.Answer) || strings.Contains(r.Answer, key) {
			t.Errorf("answer %d (%s): %.80q", i, r.Class, r.Answer)
		}
	}
}
