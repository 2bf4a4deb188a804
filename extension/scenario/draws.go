package scenario

import (
	"math/rand/v2"
	"time"
)

// Draw is what one probe of a scenario would meet, computed in virtual time without a
// server: the fault drawn and the timings a client would measure. Replay classifies the fault
// (from the simulator's bytes for it) and feeds both to the monitor.
type Draw struct {
	AtS       float64 `json:"at_s"` // scenario time of the probe
	Component string  `json:"component"`
	Truth     string  `json:"truth"`
	Fault     string  `json:"fault,omitempty"`
	TTFTMs    float64 `json:"ttft_ms"`
	ITLMs     float64 `json:"itl_ms"`
	TotalMs   float64 `json:"total_ms"`
	Tokens    int     `json:"tokens"`
}

// Draws calls fn for each probe of each component every interval over the scenario, in time
// then component order, until fn returns false. The same scenario (seed included) always gives
// the same stream; it is the stream Regular draws from.
func (sc *Scenario) Draws(components []string, interval time.Duration, fn func(Draw) bool) {
	if interval <= 0 {
		interval = sc.ProbeInterval
	}
	s := sc.Regular()
	for t := time.Duration(0); t < sc.Duration; t += interval {
		for _, c := range components {
			if !fn(s.At(t, c)) {
				return
			}
		}
	}
}

// Sampler makes single draws at any scenario time from a random stream of its own.
type Sampler struct {
	sc *Scenario
	r  *rand.Rand
}

// Regular returns the sampler of a schedule's regular probes: drawn in time then component
// order, it gives Outcomes' stream.
func (sc *Scenario) Regular() *Sampler {
	return &Sampler{sc: sc, r: rand.New(rand.NewPCG(sc.Seed, sc.Seed^0x9e3779b97f4a7c15))} // #nosec G404 -- seeded replay, not security
}

// Sampler returns a sampler whose stream depends on the scenario's seed, apart from Regular's:
// the confirmation probes of a replay, which must leave the regular probes' draws as they are.
func (sc *Scenario) Sampler() *Sampler {
	seed := sc.Seed ^ 0xbf58476d1ce4e5b9
	return &Sampler{sc: sc, r: rand.New(rand.NewPCG(seed, seed^0x94d049bb133111eb))} // #nosec G404 -- seeded replay, not security
}

// History returns the sampler of the probes a monitor made before the scenario began (replay's
// history), a stream apart from the other two.
func (sc *Scenario) History() *Sampler {
	seed := sc.Seed ^ 0x2545f4914f6cdd1d
	return &Sampler{sc: sc, r: rand.New(rand.NewPCG(seed, seed^0xd6e8feb86659fd93))} // #nosec G404 -- seeded replay, not security
}

// At is what a probe of component at scenario time t would meet.
func (s *Sampler) At(t time.Duration, component string) Draw {
	return s.sc.draw(t, component, s.r)
}

func (sc *Scenario) draw(t time.Duration, component string, r *rand.Rand) Draw {
	fault, factor, truth := sc.Choose(t, component, r)
	o := Draw{AtS: t.Seconds(), Component: component, Truth: truth, Fault: fault}
	n := max(sc.Baseline.OutputTokens, 1)
	ttft := float64(sc.Baseline.TTFT.Sample(r)) * factor
	var gaps float64
	for range n - 1 {
		gaps += float64(sc.Baseline.ITL.Sample(r)) * factor
	}
	ms := func(d float64) float64 { return d / float64(time.Millisecond) }
	switch KindOf(fault) {
	case None, Timing, Answer: // a stalled first byte under default deadlines is a slow success
		if KindOf(fault) == Timing {
			ttft += float64(TTFBStall)
		}
		o.TTFTMs, o.TotalMs, o.Tokens = ms(ttft), ms(ttft+gaps), n
		if n > 1 {
			o.ITLMs = ms(gaps) / float64(n-1)
		}
	case Stream:
		o.TTFTMs, o.Tokens = ms(ttft), StreamFaultAfter
		o.TotalMs = ms(ttft) + o.TTFTMs/10
	default: // error responses come fast
		o.TotalMs = ms(ttft) / 8
	}
	return o
}
