package sim_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The official `openai` npm package accepts the simulator as the OpenAI API, and injected faults
// surface as its own error classes (RateLimitError, InternalServerError, APIConnectionError …).
// OPENAI_NODE names the installed package (make test installs a pinned version); a plain
// `go test` without it skips, saying how to run it.
func TestOpenAINodeSDK(t *testing.T) {
	pkg := os.Getenv("OPENAI_NODE")
	if pkg == "" {
		t.Skip("OPENAI_NODE is not set: run `make test`, which installs the openai npm package")
	}
	urls := map[string]string{"": faulty(t, "chat", "").URL}
	for _, f := range []string{"rl_rpm", "server_500", "cf_502_json", "auth_401", "model_404", "geo_403", "conn_refused"} {
		urls[f] = faulty(t, "chat", f).URL
	}
	urls["stream_error_record"] = faulty(t, "chat_stream", "stream_error_record").URL
	env, _ := json.Marshal(urls)
	cmd := exec.Command("node", "testdata/sdk/openai-node.mjs")
	cmd.Env = append(os.Environ(), "OPENAI_NODE="+pkg, "SIM_URLS="+string(env))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if n := strings.Count(string(out), "ok "); n != 12 {
		t.Fatalf("%d checks passed, want 12:\n%s", n, out)
	}
	t.Logf("%s", out)
}
