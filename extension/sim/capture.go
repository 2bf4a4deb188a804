package sim

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
)

// Capture is how the simulator acts out one fault, as what goes over the wire: the simulator
// does not judge its own responses, whoever needs a fault's class classifies these bytes
// (replay does, with the same classifier the probes use).
type Capture struct {
	// Raw is the response as `curl -i` prints it: status line, headers, a blank line, the body.
	// For a stream fault the body holds the events sent before the stream went wrong.
	Raw []byte
	// Reset: the connection is cut before any response byte (the transport faults).
	Reset bool
	// Hangs: after Raw the connection stays open and silent (a stalled stream).
	Hangs bool
}

// captureStall is how long a stalled stream is watched before the capture ends: every byte
// before the stall is written at once, since the capture's scenario has no latency.
const captureStall = 200 * time.Millisecond

// FaultCapture serves fault id once, in process, to a streamed chat completion request and
// returns what the client received; "" captures a healthy answer. Faults that change only the
// timing or the answer's content (ttfb_stall, wrong_answer) capture as a healthy answer too,
// which is what the bytes show. ok is false for ids outside the catalogue.
func FaultCapture(id string) (c Capture, ok bool) {
	switch k := scenario.KindOf(id); {
	case id != "" && k == scenario.None:
		return Capture{}, false
	case k == scenario.Transport:
		return Capture{Reset: true}, true
	case k == scenario.Timing || k == scenario.Answer:
		id = ""
	}
	sc := &scenario.Scenario{Name: "capture", Seed: 1, Duration: time.Hour,
		Baseline: scenario.Baseline{OutputTokens: scenario.Healthy.OutputTokens}}
	if id != "" {
		sc.Phases = []scenario.Phase{{Until: time.Hour, Components: []string{"chat_stream"}, Truth: "major_outage",
			ErrorRate: 1, Faults: map[string]float64{id: 1}, LatencyFactor: 1}}
	}
	s := New(Config{Scenario: sc})
	ctx, cancel := context.WithTimeout(context.Background(), captureStall)
	defer cancel()
	body := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hi"}],"stream":true,"stream_options":{"include_usage":true}}`
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/v1/chat/completions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return Capture{Raw: curlI(rec), Hangs: ctx.Err() != nil}, true
}

// curlI renders a recorded response the way `curl -i` prints one, headers sorted.
func curlI(rec *httptest.ResponseRecorder) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", rec.Code, http.StatusText(rec.Code))
	h := rec.Result().Header
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	b.WriteString("\r\n")
	b.Write(rec.Body.Bytes())
	return b.Bytes()
}
