package replay

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"syscall"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/capture"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
)

// verdicts is each fault's classification, judged once from the simulator's capture of it with
// the classifier the probes use: replay and live probes cannot drift apart.
var verdicts = sync.OnceValues(func() (map[string]classify.Classification, error) {
	out := map[string]classify.Classification{}
	for _, id := range append([]string{""}, scenario.FaultIDs...) {
		c, err := judgeFault(id)
		if err != nil {
			return nil, err
		}
		out[id] = c
	}
	return out, nil
})

// judgeFault classifies the simulator's capture of fault id as a probe would: a reset before
// any byte at the response-header phase, a stream that then hangs as a stall. A wrong answer
// looks healthy on the wire; the canary's check, not the bytes, fails it.
func judgeFault(id string) (classify.Classification, error) {
	c, ok := sim.FaultCapture(id)
	if !ok {
		return classify.Classification{}, fmt.Errorf("fault %q: no capture", id)
	}
	if c.Reset {
		return classify.Classify(classify.Outcome{Err: syscall.ECONNRESET, Stage: classify.StageTTFB}), nil
	}
	o, err := capture.Parse(bytes.NewReader(c.Raw))
	if err != nil {
		return classify.Classification{}, fmt.Errorf("fault %q: %w", id, err)
	}
	if c.Hangs {
		o.Err, o.Stage, o.Stalled = errStalled, classify.StageBody, true
	}
	o.AnswerWrong = scenario.KindOf(id) == scenario.Answer
	return classify.Classify(o), nil
}

var errStalled = errors.New("stream stalled")

// judge is fault id's classification (the zero value for ids outside the catalogue, which a
// parsed scenario never has).
func judge(id string) classify.Classification {
	v, err := verdicts()
	if err != nil {
		panic("replay: the simulator's fault captures no longer parse: " + err.Error()) // a bug of ours, caught by TestEveryFaultIsJudged
	}
	return v[id]
}
