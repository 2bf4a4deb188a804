package module

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"go.k6.io/k6/v2/metrics"
)

// Every target's key, of any provider, and a provider key in the environment that no target
// uses, are kept out of every target's results and samples; the standard logger (net/http's)
// is guarded by the same secrets.
func TestEveryTargetsKeyIsRedactedEverywhere(t *testing.T) {
	const gateway, anthropic, unused = "gw-opaque-key-4d1c9e7f2a", "ant-opaque-key-8b3e6d0c5f", "gemini-unused-key-1f2e3d4c"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("X-Request-Id", r.Header.Get("Authorization")+"|"+anthropic+"|"+unused)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"error":{"message":"no: `+gateway+" "+anthropic+`","type":"invalid_request_error"}}`)
	}))
	defer echo.Close()
	rt, root := newRuntime(t, map[string]string{"GEMINI_API_KEY": unused})
	if _, err := rt.RunOnEventLoop(`const chatgpt = require("k6/x/chatgpt");
		globalThis.a = chatgpt.target({name: "gw", provider: "compatible", baseURL: "` + echo.URL + `/v1", apiKey: "` + gateway + `", components: ["chat"], confirmations: 0});
		globalThis.b = chatgpt.target({name: "ant", provider: "anthropic", baseURL: "` + echo.URL + `/b", apiKey: "` + anthropic + `", components: ["chat"], confirmations: 0});`); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{gateway, anthropic, unused} {
		if !slices.Contains(root.secrets.Literals(), k) {
			t.Errorf("%s is not among the run's secrets", k)
		}
	}
	if log.Writer() != io.Writer(stdlog.w) {
		t.Errorf("the standard logger is not guarded")
	}
	samples := toVU(rt)
	if _, err := rt.RunOnEventLoop(`Promise.all([a.probe("chat"), b.probe("chat")]).then(rs => { globalThis.rs = rs; });`); err != nil {
		t.Fatal(err)
	}
	out, err := rt.RunOnEventLoop(`JSON.stringify(rs)`)
	if err != nil {
		t.Fatal(err)
	}
	all := out.String()
	for _, c := range metrics.GetBufferedSamples(samples) {
		for _, s := range c.GetSamples() {
			all += s.Tags.Map()["component"] + s.Metadata["request_id"]
		}
	}
	if !strings.Contains(all, "[REDACTED]") || !strings.Contains(all, "auth_invalid") && !strings.Contains(all, "request_invalid") {
		t.Fatalf("the probes did not meet the echo: %s", all)
	}
	for _, k := range []string{gateway, anthropic, unused} {
		if strings.Contains(all, k) {
			t.Errorf("%s leaked: %s", k, all)
		}
	}
}
