package replay

import (
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
)

// Every fault of the catalogue is judged from the simulator's capture of it: a failure, except
// the healthy answer and the late one, with the class a live probe gets (sim's
// TestEveryFaultClassifies) where the capture and the wire agree.
func TestEveryFaultIsJudged(t *testing.T) {
	if _, err := verdicts(); err != nil {
		t.Fatal(err)
	}
	want := map[string]classify.Class{"": classify.OK, "ttfb_stall": classify.OK, "cf_502_json": classify.EdgeGatewayError,
		"server_500": classify.ServerError, "rl_tpm": classify.RateLimited, "stream_truncate": classify.StreamTruncated,
		"stream_stall": classify.StreamStalled, "stream_error_record": classify.StreamErrorEvent,
		"responses_failed": classify.StreamErrorEvent, "empty_200": classify.EmptyResponse, "wrong_answer": classify.WrongAnswer}
	for _, id := range scenario.FaultIDs {
		c := judge(id)
		if c.Class == "" || (c.Class == classify.OK) != (id == "ttfb_stall") {
			t.Errorf("%s: class %q", id, c.Class)
		}
		if w, ok := want[id]; ok && c.Class != w {
			t.Errorf("%s: class %s, want %s", id, c.Class, w)
		}
	}
	if c := judge("cf_502_json"); c.Blame != classify.BlameEdge {
		t.Errorf("cf_502_json blamed on %s", c.Blame)
	}
}
