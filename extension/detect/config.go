// Package detect turns probe observations into per-component states (operational,
// degraded_performance, partial_outage, major_outage), incidents with start, detection and
// recovery times, and an overall verdict that says whether it is the provider or you. It is a
// pure function of timestamped observations: no clock, no goroutines, no k6, so the same code
// runs live (shared by all VUs), in replay at any speed and in tests.
//
// Error rate: Bernoulli CUSUM tests against a learned baseline failure rate, counting only
// failures blamed on the provider or its edge. Latency: robust baselines in log space (median
// and MAD) of the per-response mean inter-token latency and of TTFT (or total time), with a
// CUSUM on the log ratio. Both confirm before alarming and recover with hysteresis.
package detect

import "time"

// Config tunes the detector. The zero value of any field means its default (see Defaults).
type Config struct {
	// DegradedFactor is the latency ratio to baseline that counts as degraded_performance.
	DegradedFactor float64
	// PartialAlt is the failure rate the per-component error test is tuned to find quickly.
	PartialAlt float64
	// SingleThreshold is the CUSUM score (in nats) one component needs, alone, to alarm, with
	// at least MinFailures failures in the run.
	SingleThreshold float64
	MinFailures     int
	// PooledThreshold is the summed score of two or more components whose runs may be pooled
	// (persistent, hard, or starting with a sibling's outage) that alarms them all:
	// corroborated evidence confirms faster.
	PooledThreshold float64
	// Persist is how long a run of failures must go on before its evidence alarms: two close
	// failures later than Persist after the run's anchor (its first two close failures).
	// Short blips end sooner. Runs
	// that look like hard outages skip it: HardFailures failures with at least HardShare of
	// the run failing, or, for each of two or more components alarming together, HardPooled
	// failures and HardPooledShare.
	Persist time.Duration
	// MinOutage is the shortest failure run the hard shortcuts page for: a shorter total
	// failure is recorded as a blip (Detector.Blips) and opens no incident.
	MinOutage       time.Duration
	HardFailures    int
	HardShare       float64
	HardPooled      int
	HardPooledShare float64
	// LowAlt is the failure rate the low-rate test looks for (the onset test, tuned to
	// PartialAlt, hardly moves on 5-10 %), LowThreshold its score (nats) and LowPersist how long
	// its run must last: a low rate is told from the background by time, not by a burst. 12
	// nats rather than 10: on the healthy library weeks (make library, 100 seeds) 10 paged 26
	// times in 3,500 days on the noisier weeks' background clumps, 12 paged 7 times (1 since the
	// blip rules), for 5-10 % outages found 4 minutes later (32 min median, docs/detection.md).
	LowAlt       float64
	LowThreshold float64
	LowPersist   time.Duration
	// ConfirmFor is how long after a failure a component asks for confirmation probes (see
	// Detector.WantsConfirmation).
	ConfirmFor time.Duration
	// RecoveryThreshold is the score of the recovery test (in nats), MinRecoverySuccesses the
	// consecutive successes it needs besides.
	RecoveryThreshold    float64
	MinRecoverySuccesses int
	// LatencyThreshold is the latency CUSUM score that marks degraded_performance;
	// LatencyRecovery the score of the reverse test that ends it.
	LatencyThreshold float64
	LatencyRecovery  float64
	// TailThreshold is the heavy-tail test's score (nats) that marks degraded_performance.
	TailThreshold float64
	// MajorRate is the failure share above which an outage is major: the severity test weighs a
	// rate a quarter below it against one a tenth above it (detect/severity.go).
	MajorRate float64
	// MajorHold is how long a major outage stays major after its latest major evidence, so a
	// fluctuating outage's dips do not read as it turning partial.
	MajorHold time.Duration
	// Reopen is how soon after recovery a relapse reopens the same incident.
	Reopen time.Duration
	// AlertInMaintenance keeps detecting during a maintenance the official page declares;
	// by default such a window puts components under_maintenance and holds alerts.
	AlertInMaintenance bool
	// Priors are the baselines used until enough healthy samples are learned.
	Priors Priors
}

// Priors are the starting baselines of a provider, used until the detector has learned its
// own (MinSamples healthy samples per metric).
type Priors struct {
	ErrorRate float64
	TTFT      Baseline
	ITL       Baseline
	Total     Baseline
}

// Baseline is a lognormal latency model: median and the standard deviation of its logarithm.
type Baseline struct {
	MedianMs float64
	Sigma    float64
}

// OpenAIPriors are public-knowledge numbers for gpt-4o-mini-class models: TTFT around 400 ms
// with a heavy tail (p99 about 5x the median, sigma 0.7), 25 ms between tokens (the mean of a
// response's gaps varies less: sigma 0.3), about half a percent of background errors.
var OpenAIPriors = Priors{
	ErrorRate: 0.005,
	TTFT:      Baseline{MedianMs: 400, Sigma: 0.7},
	ITL:       Baseline{MedianMs: 25, Sigma: 0.3},
	Total:     Baseline{MedianMs: 700, Sigma: 0.6},
}

// AnthropicPriors are for claude-haiku-class models: a slower first token (about 600 ms, with
// the same heavy tail), faster streaming (about 15 ms between tokens), similar background errors.
var AnthropicPriors = Priors{
	ErrorRate: 0.005,
	TTFT:      Baseline{MedianMs: 600, Sigma: 0.7},
	ITL:       Baseline{MedianMs: 15, Sigma: 0.3},
	Total:     Baseline{MedianMs: 900, Sigma: 0.6},
}

// GeminiPriors are for gemini-flash-lite-class models through the OpenAI-compatible endpoint:
// a quick first token (about 350 ms) and large, fast chunks (about 10 ms per token).
var GeminiPriors = Priors{
	ErrorRate: 0.005,
	TTFT:      Baseline{MedianMs: 350, Sigma: 0.7},
	ITL:       Baseline{MedianMs: 10, Sigma: 0.4},
	Total:     Baseline{MedianMs: 600, Sigma: 0.6},
}

// PriorsFor returns the documented priors of a provider: OpenAI's for openai, azure and
// compatible servers (which mostly serve OpenAI-like models), Anthropic's and Gemini's for theirs.
func PriorsFor(provider string) Priors {
	switch provider {
	case "anthropic":
		return AnthropicPriors
	case "gemini":
		return GeminiPriors
	}
	return OpenAIPriors
}

// Defaults are the thresholds, with why (figures replayed over 100 seeds of each scenario, with
// the monitor's confirmation probes and politeness gate, as `k6 x chatgpt replay` does):
//   - A probe every 15 s gives a component 40,320 probes a week; at the 0.5 % background error
//     rate, 200 of them fail. Each failure makes the component ask for up to three confirmation
//     probes 4 s apart (WantsConfirmation), about 9 % more probes in all.
//   - An alarm needs evidence (SingleThreshold 13 nats with MinFailures 4 for one component;
//     PooledThreshold 19 summed for two or more) and persistence: failures past Persist (one
//     minute) after the run's anchor, its first two failures close together. The week's blips
//     (30 % for a minute, 50 % for 45 s) end before that. Without it, confirmation probes make
//     blips reach the evidence threshold: an earlier try raised 23 false alarms in 20 weeks.
//   - Runs that look like hard outages skip the wait: HardFailures 8 at HardShare 90 % (a 45-s
//     blip of 50 % errors did not in 100 weeks; at 80 % it did once), or, for components failing
//     together, HardPooled 4 each at HardPooledShare 80 %, once the failures span MinOutage (35 s:
//     a shorter total failure is a blip, recorded and not paged; 15 blips in 35 healthy days of
//     the public library paged 70 times in 10 replays before it, none after). Full outages are
//     confirmed in 38 s (worst 42 s); a component that starts failing with a down sibling joins
//     its outage.
//   - Measured: healthy-7d raised three false alarms in 100 weeks (none from the error test).
//     A 25 % error rate is confirmed in 2.5 minutes on average, 96 % of seeds
//     within 5 minutes (before confirmation probes and the persistence rule: 4.7 minutes and
//     62 %, with 12 false alarms in 100 weeks); 50 % in 80 s.
//   - Recovery needs RecoveryThreshold ln(300) nats and four straight successes. A success during
//     an outage asks for confirmation probes, so the run of successes comes within a minute of
//     the truth recovering (worst 117 s after a full outage, 128 s after a 25 % one). Sampling
//     about four times as often while in doubt also gives four times as many chances of a
//     false recovery mid-outage: ln(60), the threshold before, plus ln(4) keeps their rate where
//     it was (with ln(60), a 25 % outage flapped on 93 seeds in 100; now 47). A failure resets
//     it; a relapse within Reopen (5 min) reopens the same incident rather than counting a new one.
//   - Latency alarms at 2x (DegradedFactor) with a reference ratio of 1.41x: a 1.6x blip
//     drifts the score down, a 2x slow-down crosses LatencyThreshold 10 in about two minutes
//     (the per-response mean inter-token latency carries most of the evidence), a 5x one in
//     two probes (one probe may add at most half the threshold).
var Defaults = Config{
	DegradedFactor:       2,
	PartialAlt:           0.25,
	SingleThreshold:      13,
	MinFailures:          4,
	PooledThreshold:      19,
	Persist:              time.Minute,
	MinOutage:            35 * time.Second,
	HardFailures:         8,
	HardPooled:           4,
	HardShare:            0.9,
	HardPooledShare:      0.8,
	ConfirmFor:           90 * time.Second,
	LowAlt:               0.06,
	LowThreshold:         12,
	LowPersist:           5 * time.Minute,
	RecoveryThreshold:    5.7,
	MinRecoverySuccesses: 4,
	LatencyThreshold:     10,
	LatencyRecovery:      6,
	TailThreshold:        10,
	MajorRate:            0.75,
	MajorHold:            10 * time.Minute,
	Reopen:               5 * time.Minute,
	Priors:               OpenAIPriors,
}

func (c Config) withDefaults() Config {
	d := Defaults
	set(&c.DegradedFactor, d.DegradedFactor)
	set(&c.PartialAlt, d.PartialAlt)
	set(&c.SingleThreshold, d.SingleThreshold)
	set(&c.PooledThreshold, d.PooledThreshold)
	set(&c.RecoveryThreshold, d.RecoveryThreshold)
	set(&c.LatencyThreshold, d.LatencyThreshold)
	set(&c.LatencyRecovery, d.LatencyRecovery)
	set(&c.TailThreshold, d.TailThreshold)
	set(&c.MajorRate, d.MajorRate)
	set(&c.MajorHold, d.MajorHold)
	set(&c.HardShare, d.HardShare)
	set(&c.HardPooledShare, d.HardPooledShare)
	set(&c.Reopen, d.Reopen)
	set(&c.Persist, d.Persist)
	set(&c.MinOutage, d.MinOutage)
	set(&c.ConfirmFor, d.ConfirmFor)
	set(&c.LowAlt, d.LowAlt)
	set(&c.LowThreshold, d.LowThreshold)
	set(&c.LowPersist, d.LowPersist)
	set(&c.MinFailures, d.MinFailures)
	set(&c.MinRecoverySuccesses, d.MinRecoverySuccesses)
	set(&c.HardFailures, d.HardFailures)
	set(&c.HardPooled, d.HardPooled)
	if c.Priors == (Priors{}) {
		c.Priors = d.Priors
	}
	if c.DegradedFactor < 1.1 {
		c.DegradedFactor = 1.1
	}
	return c
}

// set gives a field its default when it is zero (or, meaningless for any of them, negative).
func set[T int | float64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// MinSamples is how many healthy samples a metric needs before its learned baseline replaces
// the prior.
const MinSamples = 30

// window is how many recent observations per component feed severity and attribution.
const window = 8

// maxLearn bounds the healthy samples a latency baseline keeps (the newest win).
const maxLearn = 256

// quiet is how long a component may go unobserved before a snapshot calls it stale.
const quiet = 10 * time.Minute
