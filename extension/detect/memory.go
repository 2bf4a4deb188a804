package detect

import (
	"fmt"
	"math"
	"time"
)

// Memory says where the detector's baselines came from, for the run's summary: a state file
// (and how old it was), or the provider's priors (and why).
type Memory struct {
	Source  string  `json:"source"` // "state_file" or "priors"
	Path    string  `json:"path,omitempty"`
	AgeS    float64 `json:"age_s,omitempty"` // the state's last observation to this run's start
	Decayed bool    `json:"decayed,omitempty"`
	Note    string  `json:"note"` // one sentence for people
}

// SetMemory records where the detector's memory came from; snapshots carry it.
func (d *Detector) SetMemory(m Memory) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.memory = &m
}

// Decay makes a state older than maxAge count for less: the evidence of the tests in progress is
// dropped (what was failing hours ago is not evidence now), the learned error rate is pulled
// toward the prior with weight maxAge/age, and the rolling latency baselines keep only that
// share of their newest samples (falling back to the prior below MinSamples). Baselines by hour
// of day are kept: they are long-term by nature. Open incidents stay open: the recovery test
// closes them on fresh evidence. It reports whether anything was decayed.
func (s *Saved) Decay(age, maxAge time.Duration, priors Priors) bool {
	if maxAge <= 0 || age <= maxAge {
		return false
	}
	w := float64(maxAge) / float64(age)
	for i := range s.Components {
		c := &s.Components[i]
		e := &c.ErrorRate
		e.Fails = w*e.Fails + (1-w)*priors.ErrorRate*pseudoCount
		e.N = w*e.N + (1-w)*pseudoCount
		e.Score, e.RunFails, e.RunObs, e.Recovery, e.Streak = 0, 0, 0, 0, 0
		c.Latency.Score, c.Latency.Recovery = 0, 0
		c.Answers = nil
		c.RunClasses = nil
		c.Latency.TTFT.keepNewest(w, priors.TTFT)
		c.Latency.ITL.keepNewest(w, priors.ITL)
		c.Latency.Total.keepNewest(w, priors.Total)
	}
	return true
}

// keepNewest keeps share w of the newest samples and recomputes the baseline from them.
func (m *SavedMetric) keepNewest(w float64, prior Baseline) {
	keep := int(math.Floor(w * float64(len(m.Samples))))
	mm := newMetric(prior)
	mm.samples = append(mm.samples, ringNewest(m.Samples, m.Next, keep, maxLearn)...)
	if len(mm.samples) >= MinSamples {
		mm.refresh()
	}
	hours := m.Hours
	*m = mm.save()
	m.Hours = hours
}

// MemoryNote is the summary's sentence for a memory.
func MemoryNote(m Memory, provider string) string {
	switch {
	case m.Source == "priors" && m.Note != "":
		return m.Note
	case m.Source == "priors":
		return fmt.Sprintf("no detector state: starting from the %s priors (baselines are learned as probes come in)", provider)
	case m.Decayed:
		return fmt.Sprintf("detector state from %s, %s old: older than trusted, so its baselines were decayed toward the priors", m.Path, fmtAge(m.AgeS))
	}
	return fmt.Sprintf("detector state from %s, %s old", m.Path, fmtAge(m.AgeS))
}

func fmtAge(s float64) string {
	return (time.Duration(s) * time.Second).Round(time.Second).String()
}
