package detect

import (
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// component is one target's component: its tests, state and open incident.
type component struct {
	target, name string
	err          errorTest
	lat          latencyTest
	answers      answerTest // wrong canary answers (answers.go)
	latRunStart  time.Time
	state        State
	since        time.Time
	last         time.Time
	inc          *Incident // open incident
	lastInc      *Incident // the latest, open or resolved, for reopening on a relapse
	incObs       int       // counted observations of the outage up to its latest failure: recovery is tested against incFails/incObs
	incFails     int
	sinceFail    int            // counted observations since the latest failure
	runClasses   map[string]int // failure classes of the current run
	blames       [window]classify.Blame
	classes      [window]classify.Class
	nb           int
	obs          int
	failures     int          // counted failures, all time
	official     officialView // the status page's latest word
	ttft         float64      // recent time to first token of successes (EWMA), for ranking alternatives
	truthSince   time.Time    // a simulator's start of the current trouble (zero: none known)
	maintFails   int          // failures during a declared maintenance, this process (reported, never an outage)
	everOK       bool         // it has answered before (this run or, through the state file, an earlier one)
	// okSinceAuth: it answered since its latest auth_invalid. A key the provider rejects and
	// then accepts again was not revoked: the provider's auth is failing (authFlap).
	okSinceAuth bool
	// The latest observations as evidence for an incident they may open, and the latest
	// latencies measured (evidence.go); not saved.
	sightings         []sighting
	nextSighting      int
	lastTTFT, lastITL float64
	location          string // where the latest observation was made
}

// authFlap reports whether o is an auth_invalid that follows a success since the previous one:
// then it counts against the provider. A revoked key fails every request, so after its first
// 401 (which counts once, harmlessly) no success comes between them and they stay "it's you";
// an auth system that fails a share of requests (Anthropic, 2026-04-28: mostly 401s for 80
// minutes, scripts/scenarios/incidents/train/anthropic-2026-04-28-auth-401.yaml) interleaves
// them with answers.
func (c *component) authFlap(o Observation) bool {
	switch {
	case o.ok():
		c.okSinceAuth = true
	case o.Class == classify.AuthInvalid:
		flap := c.okSinceAuth
		c.okSinceAuth = false
		return flap
	}
	return false
}

func newComponent(target, name string, p Priors) *component {
	return &component{target: target, name: name, err: newErrorTest(p.ErrorRate), lat: newLatencyTest(p), state: Operational}
}

// observe feeds one observation to the component's tests (not its state machine).
func (c *component) observe(o Observation, cfg *Config) {
	c.obs++
	c.everOK = c.everOK || o.ok()
	c.last = o.At
	switch {
	case !o.TruthSince.IsZero():
		c.truthSince = o.TruthSince
	case o.ok():
		c.truthSince = time.Time{} // a success without trouble declared: the trouble is over
	}
	c.blames[c.nb%window], c.classes[c.nb%window] = o.Blame, o.Class
	c.nb++
	c.location = o.Location
	c.remember(o)
	if c.inc != nil {
		c.inc.Samples++
		if !o.ok() {
			c.inc.Failures++
			c.inc.Classes[string(o.Class)]++
		}
	}
	counted, failed := o.counts()
	if flap := c.authFlap(o); flap {
		counted, failed = true, true
	}
	if c.state == Maintenance { // planned: failures are expected and must not teach the baseline
		if failed {
			c.maintFails++
		}
		counted = false
	}
	if counted {
		// A low rate is not learned as the new normal while the low-rate test weighs it.
		healthy := c.state == Operational && c.err.score < cfg.SingleThreshold/2 && c.err.low < cfg.LowThreshold/2
		c.err.observe(o.At, failed, cfg.PartialAlt, healthy, cfg.Persist, cfg.MinOutage)
		if !c.state.Down() {
			c.err.observeLow(o.At, failed, cfg.LowAlt)
		}
		c.err.score = min(c.err.score, 3*cfg.PooledThreshold)
		if c.err.runObs == 1 || c.runClasses == nil {
			c.runClasses = map[string]int{}
		}
		if failed {
			c.failures++
			c.runClasses[string(o.Class)]++
		}
		if c.state.Down() {
			// The outage's rate is measured up to its latest failure, so the successes being
			// tested for recovery do not water down what they are tested against.
			c.sinceFail++
			if failed {
				c.incFails++
				c.incObs += c.sinceFail
				c.sinceFail = 0
			}
			// Clean: at most one success in twenty, counted up to the latest failure.
			clean := c.incObs-c.incFails <= max(1, c.incObs/20)
			c.err.observeRecovery(o.At, failed, clean, float64(c.incFails)/float64(max(c.incObs, 1)), cfg.LowAlt, cfg.MajorRate, c.state == Major)
		}
	}
	if weighs, wrong := o.answered(); weighs && c.state != Maintenance && !o.outage {
		c.answers.observe(wrong, o.At)
	}
	if !o.ok() {
		return
	}
	if o.TTFTMs > 0 {
		if c.ttft == 0 {
			c.ttft = o.TTFTMs
		}
		c.ttft += (o.TTFTMs - c.ttft) * 0.3
	}
	before := c.lat.score
	added := c.lat.observe(o, cfg.DegradedFactor, cfg.LatencyThreshold)
	c.lat.score = min(c.lat.score, 2*cfg.LatencyThreshold)
	if before == 0 && c.lat.score > 0 {
		c.latRunStart = o.At
	}
	if c.state == Degraded {
		c.lat.recovery = max(0, c.lat.recovery-added)
	}
	if c.state == Operational && c.lat.score < cfg.LatencyThreshold/2 {
		c.lat.learn(o)
	}
	if c.state == Operational || c.state == Degraded {
		c.lat.learnHours(o)
	}
}

// recovering reports whether a component away from operational shows signs of coming back.
func (c *component) recovering() bool {
	switch {
	case c.state.Down():
		return c.err.streak >= 2
	case c.state == Degraded:
		return c.lat.recovery > 0
	}
	return false
}

// recentFailure is the commonest failure class among the latest observations, its blame, and
// the share of them that failed (any blame).
func (c *component) recentFailure() (classify.Class, classify.Blame, float64) {
	n := min(c.nb, window)
	if n == 0 {
		return "", "", 0
	}
	counts := map[classify.Class]int{}
	blames := map[classify.Class]classify.Blame{}
	failed := 0
	for i := range n {
		if cl := c.classes[i]; cl != classify.OK && cl != "" {
			counts[cl]++
			blames[cl] = c.blames[i]
			failed++
		}
	}
	var top classify.Class
	for cl, k := range counts {
		if k > counts[top] || (k == counts[top] && cl < top) {
			top = cl
		}
	}
	return top, blames[top], float64(failed) / float64(n)
}

// local names the account or network problem that dominates the component's recent
// observations: "" when there is none.
func (c *component) local() (classify.Blame, classify.Class) {
	n := min(c.nb, window)
	if n < 3 {
		return "", ""
	}
	counts := map[classify.Blame]int{}
	classes := map[classify.Class]int{}
	for i := range n {
		if b := c.blames[i]; b == classify.BlameAccount || b == classify.BlameNetwork {
			counts[b]++
			classes[c.classes[i]]++
		}
	}
	for _, b := range []classify.Blame{classify.BlameAccount, classify.BlameNetwork} {
		if counts[b]*8 >= n*5 { // five in eight
			var top classify.Class
			for cl, k := range classes {
				if k > classes[top] || (k == classes[top] && cl < top) {
					top = cl
				}
			}
			return b, top
		}
	}
	return "", ""
}
