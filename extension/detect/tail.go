package detect

import (
	"math"
	"math/bits"
	"time"
)

// The heavy-tail test: a share of requests stalling (the 2024-12-04 pattern: 45 % of requests
// waited 30 s for their first byte) leaves the median, and so the latency test, untouched. A
// response slower than tailFactor times the baseline median (and tailMinMs at least) is a tail
// event; a Bernoulli CUSUM tests "tailAlt of responses are in the tail" against tailP0, the
// background, and marks the component degraded_performance. It recovers once tailQuiet
// responses in a row stayed out of the tail.
const (
	tailFactor = 10
	tailMinMs  = 3000
	tailP0     = 0.01
	tailAlt    = 0.15
	tailQuiet  = 16
)

// tailTest is one component's heavy-tail test.
type tailTest struct {
	score float64 // onset CUSUM, nats
	quiet int     // responses since the latest tail event
	last  time.Time
	start time.Time // the current run's first tail event
	hits  uint32    // the latest responses, newest in bit 0: 1 in the tail (not saved: what a verdict quotes)
	seen  int       // responses in hits, up to 32
}

// observe scores one successful response whose primary latency is ms against the baseline's
// log median; it reports whether the response is in the tail.
func (t *tailTest) observe(ms, logMedian float64, at time.Time) bool {
	in := ms >= tailMinMs && ms > tailFactor*math.Exp(logMedian)
	t.hits, t.seen = t.hits<<1, min(t.seen+1, 32)
	if in {
		t.hits |= 1
		if t.score == 0 {
			t.start = at
		}
		t.score += math.Log(tailAlt / tailP0)
		t.quiet, t.last = 0, at
	} else {
		t.score = max(0, t.score+math.Log((1-tailAlt)/(1-tailP0)))
		t.quiet++
	}
	return in
}

// recent is how many of the latest n responses (fewer when fewer were seen) were in the tail.
func (t *tailTest) recent(n int) (in, of int) {
	of = min(n, t.seen)
	return bits.OnesCount32(t.hits & (1<<of - 1)), of
}

// calm reports whether the tail is back to the background.
func (t *tailTest) calm() bool { return t.quiet >= tailQuiet }
