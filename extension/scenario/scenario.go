// Package scenario is the fault-timeline model shared by the simulator, which serves a scenario
// over HTTP, and replay, which feeds a scenario's outcomes to the monitor in virtual time: a
// healthy baseline, phases that inject faults or slow-downs into some components with a
// ground-truth label, and what the official status page says when. It parses scenario files
// (YAML or JSON) and draws, for any component at any scenario time, the fault and latency a
// request would meet. It knows nothing of HTTP or of how an outcome is classified.
package scenario

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
)

// Scenario is one fault timeline (docs/architecture.md, "Scenario").
type Scenario struct {
	Name          string
	Seed          uint64
	Duration      time.Duration
	ProbeInterval time.Duration
	Baseline      Baseline
	Phases        []Phase
	StatusPage    []StatusEntry
	Retirements   []Retirement // models the provider stops serving mid-run (retire.go)
}

// Baseline is the healthy behaviour, including background errors.
type Baseline struct {
	TTFT         Latency
	ITL          Latency
	OutputTokens int
	ErrorRate    float64
	Errors       []string // fault ids drawn (uniformly) for background errors
}

// Healthy is a gpt-4o-mini-like service, TTFT around 400 ms with a long tail, 25 ms between
// tokens, short answers: what a scenario's baseline does not say, and the simulator without one.
var Healthy = Baseline{
	TTFT:         Latency{Median: 400 * time.Millisecond, P99: 1500 * time.Millisecond},
	ITL:          Latency{Median: 25 * time.Millisecond, P99: 80 * time.Millisecond},
	OutputTokens: 8,
}

// Phase changes some components' behaviour between At and Until.
type Phase struct {
	At, Until     time.Duration
	Components    []string
	Truth         string             // ground truth state, for scoring
	ErrorRate     float64            // share of requests that fail
	Faults        map[string]float64 // fault id -> weight among failures
	LatencyFactor float64            // scales TTFT, inter-token gaps and total; 0 means 1
	// RampFrom, when set, is the latency factor at At: the factor then moves linearly (in log
	// space, as latency drifts compound) to LatencyFactor at Until, a slow drift.
	RampFrom float64
	Line     int // where the phase starts in its file, for messages
}

// StatusEntry is what the official status page shows from At on.
type StatusEntry struct {
	At         time.Duration
	Components map[string]string // component -> state
	Incident   string
}

// States is the status-page vocabulary (package statuspage) used for truth labels and status
// entries.
var States = []string{statuspage.Operational, statuspage.Degraded, statuspage.Partial, statuspage.Major, statuspage.Maintenance}

// Components are the component names a scenario may name.
var Components = []string{"chat", "chat_stream", "responses", "models", "embeddings", "moderations",
	"images", "web", "status", "canary", "messages", "realtime"}

// Latency is a lognormal distribution given by its median and 99th percentile, the two numbers
// people actually know about an API's latency.
type Latency struct {
	Median time.Duration
	P99    time.Duration
}

// z99 is the standard normal quantile at 0.99.
const z99 = 2.3263478740408408

// Sample draws one latency. A p99 at or below the median gives a constant.
func (l Latency) Sample(r *rand.Rand) time.Duration {
	if l.Median <= 0 {
		return 0
	}
	if l.P99 <= l.Median {
		return l.Median
	}
	sigma := math.Log(float64(l.P99)/float64(l.Median)) / z99
	return time.Duration(float64(l.Median) * math.Exp(sigma*r.NormFloat64()))
}

// PhaseAt is the phase covering component at scenario time t (nil: the baseline).
func (sc *Scenario) PhaseAt(t time.Duration, component string) *Phase {
	for i := range sc.Phases {
		ph := &sc.Phases[i]
		if t >= ph.At && t < ph.Until && slices.Contains(ph.Components, component) {
			return ph
		}
	}
	return nil
}

// FactorAt is the phase's latency factor at scenario time t (in the phase).
func (ph *Phase) FactorAt(t time.Duration) float64 {
	if ph.RampFrom <= 0 || ph.Until <= ph.At {
		return ph.LatencyFactor
	}
	f := min(max(float64(t-ph.At)/float64(ph.Until-ph.At), 0), 1)
	return math.Exp(math.Log(ph.RampFrom)*(1-f) + math.Log(ph.LatencyFactor)*f)
}

// Choose is the scenario's decision for one request at scenario time t: the fault ("" for
// none), the latency factor and the ground truth. The simulator and the outcome stream both use
// it, so replay sees what the server would have served.
func (sc *Scenario) Choose(t time.Duration, component string, r *rand.Rand) (fault string, factor float64, truth string) {
	rate, weights, background := sc.Baseline.ErrorRate, map[string]float64(nil), sc.Baseline.Errors
	factor, truth = 1, statuspage.Operational
	if ph := sc.PhaseAt(t, component); ph != nil {
		rate, weights, factor, truth = ph.ErrorRate, ph.Faults, ph.FactorAt(t), ph.Truth
	}
	if r.Float64() >= rate {
		return "", factor, truth
	}
	if weights == nil {
		if len(background) > 0 {
			fault = background[r.IntN(len(background))]
		}
		return fault, factor, truth
	}
	return pick(r, weights), factor, truth
}

// pick draws a fault id by weight, iterating in sorted order so a seed gives the same draws.
func pick(r *rand.Rand, weights map[string]float64) string {
	ids := make([]string, 0, len(weights))
	total := 0.0
	for id, w := range weights {
		ids = append(ids, id)
		total += w
	}
	slices.Sort(ids)
	x := r.Float64() * total
	for _, id := range ids {
		if x -= weights[id]; x < 0 {
			return id
		}
	}
	return ids[len(ids)-1]
}
