package detect

import (
	"math"
	"time"
)

// errorTest is one component's error-rate test: a Bernoulli CUSUM for "the failure rate rose
// to PartialAlt" against the learned baseline rate, and, once in an outage, a recovery CUSUM for
// "it fell back to baseline" against the rate seen during the outage.
type errorTest struct {
	fails, n float64 // learned baseline: failures and observations (decayed)
	// The long-memory baseline the low-rate test weighs against: slow to learn, so a low rate
	// that lasts hours is not taken for the new normal.
	longFails, longN float64
	score            float64   // onset CUSUM, nats
	runFails         int       // failures since score last left zero
	runObs           int       // counted observations since then
	anchor           time.Time // the first of the run's first two close failures (zero: none yet)
	late             float64   // onset CUSUM over the run's observations past anchor+Config.Persist
	lateFail         int       // failures among them
	lastFail         time.Time
	sev              severityTest // partial or major, during an outage
	runStart         time.Time
	recovery         float64 // recovery CUSUM, nats
	streak           int     // consecutive successes
	recent           [window]int8
	nRecent          int
	// The low-rate test: a second CUSUM, for "the failure rate rose to Config.LowAlt", which
	// the onset test (tuned to PartialAlt) hardly moves on; its run's failures and start.
	low      float64
	lowFails int
	lowStart time.Time
	lowLast  time.Time // the latest failure counted
	lowOpen  bool      // the current outage was opened by it: its recovery is tested against LowAlt
	lowObs   int       // observations since lowStart: the low run's rate is lowFails of them
	// blipped: the run held a blip (a total failure too short to page). The failures that
	// linger after it must then be one more to persist: the blip's confirmation probes keep
	// sampling, and two background failures close together among them were what paged.
	blipped bool
	// blipFails is runFails when the blip was recorded: a hard outage after a blip needs
	// failures of its own, not one background failure that lands a few seconds past it and
	// stretches the blip's span over Config.MinOutage (healthy-openai-week2 paged so).
	blipFails int
	// The latest burst — failures with no success between them — and what it added to the
	// late evidence: a burst as dense and short as a blip (at least blipBurst failures within
	// Config.MinOutage) is one event, so its failures do not count as persisting a run that
	// two background failures anchored a minute before it (healthy-gemini-week paged so).
	burstStart                 time.Time
	burstFails, burstLateFails int
	burstLate                  float64
	endedBurst                 int // the failures of the blip-like burst this success ended (0 otherwise)
	// burstStray: the run's failures before the burst were a stray one or two among at least as
	// many successes. Only then can the burst be a blip: inside an outage failing nine times in
	// ten, bursts of a few failures shorter than MinOutage are the outage itself.
	burstStray bool
}

// blipBurst is how many failures in a row, within Config.MinOutage, make a burst blip-like.
const blipBurst = 4

const (
	pseudoCount = 200  // weight of the prior rate, in observations
	maxCount    = 5000 // the baseline forgets past about this many observations
	minRate     = 0.003
	maxRate     = 0.05
)

func newErrorTest(prior float64) errorTest {
	return errorTest{fails: prior * pseudoCount, n: pseudoCount, longFails: prior * longPseudo, longN: longPseudo}
}

// longPseudo and longMax are the long-memory baseline's weights: the prior counts as two thousand
// observations (eight hours of probes), and it forgets past about a week of them.
const (
	longPseudo = 2000
	longMax    = 40000
)

// p0Long is the long-memory baseline rate, within p0's bounds.
func (e *errorTest) p0Long() float64 {
	return min(max(e.longFails/e.longN, minRate), maxRate)
}

// p0 is the baseline failure rate, kept within bounds so one quiet week cannot make a single
// failure look like an outage, nor a noisy one hide a real outage.
func (e *errorTest) p0() float64 {
	return min(max(e.fails/e.n, minRate), maxRate)
}

// weights are the onset CUSUM's steps for a failure (up) and a success (down, negative) when
// testing for failure rate alt: never less than four times the baseline, so a noisy baseline
// still leaves a step worth taking.
func (e *errorTest) weights(alt float64) (up, down float64) {
	p0 := e.p0()
	alt = max(alt, 4*p0)
	return math.Log(alt / p0), math.Log((1 - alt) / (1 - p0))
}

// observe adds one counted outcome. learn says whether the baseline may learn from it (only
// while the component is healthy). persist is Config.Persist: failures later than that after
// the run's anchor count as late.
func (e *errorTest) observe(at time.Time, failed bool, alt float64, learn bool, persist, minOutage time.Duration) {
	up, down := e.weights(alt)
	e.endedBurst = 0
	if !failed && e.streak == 0 && e.burstFails > 0 { // a burst just ended
		if e.burstStray && e.burstFails >= blipBurst && e.lastFail.Sub(e.burstStart) < minOutage {
			e.late, e.lateFail = max(0, e.late-e.burstLate), max(0, e.lateFail-e.burstLateFails)
			e.endedBurst = e.burstFails
		}
	}
	if failed {
		if e.score == 0 {
			e.runStart, e.runFails, e.runObs, e.blipped = at, 0, 0, false
			e.clearAnchor()
		}
		if e.streak > 0 || e.burstFails == 0 { // a new burst
			e.burstStart, e.burstFails, e.burstLate, e.burstLateFails = at, 0, 0, 0
			e.burstStray = e.runFails <= afterBlip && 2*e.runFails <= e.runObs
		}
		if !e.anchor.IsZero() && at.Sub(e.anchor) > anchorLife*persist && !e.persistent(alt) {
			e.clearAnchor() // its late evidence never came: the run lingers on stray failures
		}
		if e.anchor.IsZero() && e.runFails > 0 && e.streak <= pairGap {
			e.anchor = e.lastFail
		}
		e.lastFail = at
		e.score += up
		e.burstFails++
		if e.pastAnchor(at, persist) {
			e.late += up
			e.lateFail++
			e.burstLate += up
			e.burstLateFails++
		}
		e.runFails++
		e.runObs++
		e.streak = 0
	} else {
		e.score = max(0, e.score+down)
		e.runObs++
		if e.pastAnchor(at, persist) {
			e.late = max(0, e.late+down)
		}
		if e.score == 0 {
			e.runFails, e.runObs, e.blipped = 0, 0, false
			e.clearAnchor()
		}
		e.streak++
	}
	e.recent[e.nRecent%window] = b2i(failed)
	e.nRecent++
	if learn {
		e.n++
		if failed {
			e.fails++
		}
		if e.n > maxCount {
			e.n, e.fails = e.n/2, e.fails/2
		}
	}
	if learn {
		e.longN++
		if failed {
			e.longFails++
		}
		if e.longN > longMax {
			e.longN, e.longFails = e.longN/2, e.longFails/2
		}
	}
}

// lowBurst is how close failures count as one for the low-rate test: a burst (a blip, a
// failure and its confirmation probes) is one event, a low rate spreads its failures out.
const lowBurst = 30 * time.Second

// observeLow adds one counted outcome to the low-rate test (not while in an outage).
func (e *errorTest) observeLow(at time.Time, failed bool, alt float64) {
	p0 := e.p0Long()
	alt = max(alt, 4*p0)
	up, down := math.Log(alt/p0), math.Log((1-alt)/(1-p0))
	if e.low > 0 || failed {
		e.lowObs++
	}
	switch {
	case failed && e.low > 0 && at.Sub(e.lowLast) < lowBurst: // the same burst
	case failed:
		if e.low == 0 {
			e.lowStart, e.lowFails, e.lowObs = at, 0, 1
		}
		e.low += up
		e.lowFails++
		e.lowLast = at
	default:
		if e.low = max(0, e.low+down); e.low == 0 {
			e.lowFails = 0
		}
	}
}

// lowAlarm reports whether the low-rate test has its evidence, on a failure: score, failures
// (bursts counted once), and this one at least persist after the run's first, which background
// clumps, being short, cannot give.
func (e *errorTest) lowAlarm(at time.Time, threshold float64, minFails int, persist time.Duration) bool {
	return e.low >= threshold && e.lowFails >= minFails && e.lowLast.Equal(at) && at.Sub(e.lowStart) >= persist
}

// runRate is the failure share of the current run.
func (e *errorTest) runRate() float64 {
	if e.runObs == 0 {
		return 0
	}
	return float64(e.runFails) / float64(e.runObs)
}

// observeRecovery updates the recovery test (and the severity) during an outage whose failure
// rate is pOut. An outage that has interleaved successes (clean false) is tested against the
// lowest rate that is still an outage (20 %, or the low-rate test's rate), not against its own
// rate: against 90 %, a fluctuating outage's dip to 20 % looked like recovery after three
// successes. A clean outage, which has hardly answered at all, ends on a short run of successes.
func (e *errorTest) observeRecovery(at time.Time, failed, clean bool, pOut, lowAlt, majorRate float64, isMajor bool) {
	e.sev.observe(at, failed, majorRate, isMajor)
	p0 := e.p0()
	floor := 0.2
	if e.lowOpen { // a low-rate outage: recovered only when the rate is surely below it
		floor = lowAlt
	}
	if !clean || e.lowOpen {
		pOut = min(pOut, floor)
	}
	pOut = min(max(pOut, 4*p0, floor), 0.99)
	if failed {
		e.recovery = max(0, e.recovery+math.Log(p0/pOut))
	} else {
		e.recovery += math.Log((1 - p0) / (1 - pOut))
	}
}

// recentRate is the failure share of the last window counted observations.
func (e *errorTest) recentRate() float64 {
	n := min(e.nRecent, window)
	if n == 0 {
		return 0
	}
	f := 0
	for i := range n {
		f += int(e.recent[i])
	}
	return float64(f) / float64(n)
}

func (e *errorTest) resetOnset() {
	e.score, e.runFails, e.recovery, e.blipped = 0, 0, 0, false
	e.low, e.lowFails, e.lowOpen, e.lowLast, e.lowObs = 0, 0, false, time.Time{}, 0
	e.clearAnchor()
}

func (e *errorTest) clearAnchor() {
	e.anchor, e.late, e.lateFail = time.Time{}, 0, 0
}

// The persistence rule. A run is anchored at the first of two failures at most pairGap
// successes apart (a stray background failure before a blip must not anchor it). Its failures
// persist when, past anchor+Config.Persist, at least lateFailures more come close enough
// together to score lateWeight failures' worth of evidence net of the successes between them:
// a blip has ended by then, and the background rate rarely gives two failures so close. An
// anchor whose late evidence has not come within anchorLife×Persist is dropped, so a run that
// lingers after a blip cannot collect stray failures for ever.
const (
	pairGap      = 6
	lateFailures = 2
	lateWeight   = 1.5
	anchorLife   = 3
)

func (e *errorTest) pastAnchor(at time.Time, persist time.Duration) bool {
	return !e.anchor.IsZero() && at.Sub(e.anchor) > persist
}

// persistent reports whether the run's failures went on past Config.Persist: what separates a
// partial outage from a blip, which ends sooner. alt is the tested rate (Config.PartialAlt).
func (e *errorTest) persistent(alt float64) bool {
	up, _ := e.weights(alt)
	need, weight := lateFailures, lateWeight
	if e.blipped {
		need, weight = need+1, weight+1
	}
	return e.lateFail >= need && e.late >= weight*up
}

// youngBurst reports a burst of two or more failures, still going, shorter than minOutage: it
// may yet end as a blip, so the persistence rule waits for it to end or to last.
func (e *errorTest) youngBurst(minOutage time.Duration) bool {
	return e.streak == 0 && e.burstStray && e.burstFails >= 2 && e.lastFail.Sub(e.burstStart) < minOutage
}

// hard reports whether the run looks like a hard outage: at least n failures and share of
// them, its failures spanning at least minOutage (a shorter one is a blip): evidence that
// confirms without waiting for persistence.
func (e *errorTest) hard(n int, share float64, minOutage time.Duration) bool {
	if e.blipped && e.runFails-e.blipFails < afterBlip {
		return false
	}
	// A burst shorter than minOutage with a stray failure or two before it is a blip until it
	// lasts (healthy-openai-week2: a background failure 10 s before a 30-s blip paged).
	young := e.burstStray && e.lastFail.Sub(e.burstStart) < minOutage
	return !young && e.runFails >= n && e.runRate() >= share && e.lastFail.Sub(e.runStart) >= minOutage
}

// afterBlip is how many failures a run that held a blip needs after it to look hard, and how
// many stray failures before a burst still leave it a possible blip.
const afterBlip = 2

// blip reports whether the run, which a success just broke, was a total failure too short to
// page: as many failures as a pooled hard outage shows, at its share.
func (e *errorTest) blip(n int, share float64) bool {
	if e.blipped && e.runFails-e.blipFails < n {
		return false // the same blip, a stray failure later: recorded once
	}
	return e.streak == 1 && (e.endedBurst >= n || // a blip after stray failures that began the run
		e.runFails >= n && float64(e.runFails)/float64(max(e.runObs-1, 1)) >= share)
}

func b2i(b bool) int8 {
	if b {
		return 1
	}
	return 0
}
