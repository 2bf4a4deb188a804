package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
)

// K6_TRACE_PARENT parents every probe, whether it comes from the environment or from `-e`: the
// probe's request carries the parent's trace id, and so does r.traceId. k6 gives VU code no
// environment, so a value read when the probe is sent (as it once was) is always empty.
func TestTraceParent(t *testing.T) {
	t.Parallel()
	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	const parent = "00-" + traceID + "-00f067aa0ba902b7-01"
	for _, tc := range []struct {
		name string
		args []string
		env  []string
	}{
		{"environment", nil, []string{"K6_TRACE_PARENT=" + parent}},
		{"-e", []string{"-e", "K6_TRACE_PARENT=" + parent}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var seen []string
			h := sim.New(sim.DefaultConfig())
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				seen = append(seen, r.Header.Get("Traceparent"))
				mu.Unlock()
				h.ServeHTTP(w, r)
			}))
			defer srv.Close()
			env := append([]string{"OPENAI_BASE_URL=" + srv.URL + "/v1", "OPENAI_API_KEY=x"}, tc.env...)
			r := k6runArgs(t, tc.args, "extension/e2e/testdata/traceparent.js", env...)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(seen) == 0 {
				t.Fatal("the server saw no probe")
			}
			for _, tp := range seen {
				if !strings.HasPrefix(tp, "00-"+traceID+"-") {
					t.Errorf("probe traceparent %q is not a child of %s", tp, parent)
				}
			}
			if !strings.Contains(r.stderr, "traceId="+traceID) {
				t.Errorf("r.traceId is not the parent's trace:\n%s", r.stderr)
			}
		})
	}
}
