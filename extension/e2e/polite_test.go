package e2e

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
)

// Against a failing target the monitor never sends more than its cadence, and backs off: a
// component failing without Retry-After gets 1 probe in 2, then 1 in 4; a 429 with
// Retry-After: 20 silences its model's components for 20 s; a healthy component keeps its full
// cadence.
func TestPolitenessUnderOutage(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "extension/e2e/testdata/outage.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse("outage.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	h := sim.New(sim.Config{Scenario: sc})
	var mu sync.Mutex
	count := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		comp := strings.TrimPrefix(r.URL.Path, "/v1/")
		if bytes.Contains(body, []byte(`"stream":true`)) {
			comp += " stream"
		}
		mu.Lock()
		count[comp]++
		mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	r := k6run(t, "extension/e2e/testdata/polite.js", "OPENAI_BASE_URL="+srv.URL+"/v1", "OPENAI_API_KEY=sk-test-polite")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	rounds := count["models"]
	failing, limited := count["embeddings"], count["chat/completions stream"]
	t.Logf("%d rounds: models %d, embeddings (500s) %d, chat_stream (429, Retry-After 20) %d", rounds, rounds, failing, limited)
	if rounds < 28 || rounds > 33 {
		t.Fatalf("the healthy component got %d probes for about 32 rounds", rounds)
	}
	if failing >= rounds*2/3 || failing < 4 {
		t.Errorf("the failing component got %d probes in %d rounds: no backoff", failing, rounds)
	}
	if limited != 1 {
		t.Errorf("the rate-limited component got %d probes within its Retry-After", limited)
	}
	if !strings.Contains(r.stdout, "chatgpt_probes_skipped") {
		t.Errorf("skipped probes not counted:\n%s", r.stdout)
	}
}
