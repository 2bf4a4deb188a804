package detect

import (
	"math"
	"math/bits"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// The answer test. A wrong canary answer (the model answers, quickly and completely, but
// wrongly) is not an outage: the service serves, and only the answers' quality fell. It marks
// the component degraded_performance, as a slow-down does, through a Bernoulli CUSUM testing
// "answerAlt of answers are wrong" against answerP0, the background of a model that sometimes
// slips. It recovers only once the score has fallen back to zero (from its cap, 66 right
// answers in a row, about 16 minutes at one canary every 15 s): a drift of a few percent wrong
// hovers near the threshold, and a shorter recovery flapped (11 to 14 transitions per 6-hour
// phase of the library's anthropic-2025-08-quality-drift; 5 in all with this one). Wrong
// answers are outage evidence only while another component of the same target is down: then
// they are one more face of that outage, counted by the error test.
const (
	answerP0        = 0.01
	answerAlt       = 0.15
	answerThreshold = 10
	answerRecent    = 16 // the answers a verdict counts
)

// answerTest is one component's wrong-answer test. Only the canary checks answers; every other
// component's successes leave its score at zero.
type answerTest struct {
	score float64 // onset CUSUM, nats (at most answerThreshold)
	start time.Time
	hits  uint32 // the latest answers, newest in bit 0: 1 wrong (not saved: what a verdict quotes)
	seen  int
}

// observe scores one answer.
func (a *answerTest) observe(wrong bool, at time.Time) {
	a.hits, a.seen = a.hits<<1, min(a.seen+1, 32)
	if !wrong {
		a.score = max(0, a.score+math.Log((1-answerAlt)/(1-answerP0)))
		return
	}
	if a.score == 0 {
		a.start = at
	}
	a.hits |= 1
	a.score = min(a.score+math.Log(answerAlt/answerP0), answerThreshold)
}

func (a *answerTest) alarmed() bool { return a.score >= answerThreshold }

// recent is how many of the latest n answers (fewer when fewer were seen) were wrong.
func (a *answerTest) recent(n int) (wrong, of int) {
	of = min(n, a.seen)
	return bits.OnesCount32(a.hits & (1<<of - 1)), of
}

// answered reports whether o is an answer the answer test weighs: a success, or a wrong answer.
func (o Observation) answered() (weighs, wrong bool) {
	switch {
	case o.Class == classify.WrongAnswer:
		return true, true
	case o.ok():
		return true, false
	}
	return false, false
}

// siblingDown reports whether another component of the target is in an outage.
func (d *Detector) siblingDown(target, component string) bool {
	for _, s := range d.comps {
		if s.target == target && s.name != component && s.state.Down() {
			return true
		}
	}
	return false
}
