package detect

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Baselines by hour of day: a provider's busy hours are slower, and a scheduled monitor that
// remembers across runs sees every hour many times. Once an hour of day has perHour healthy
// samples from at least minDays different days, its own median replaces the rolling one for
// samples taken in that hour (the spread stays the rolling one's, estimated from more samples).

const (
	perHour = 32 // newest healthy samples kept per hour of day
	minDays = 3  // distinct days an hour needs before its baseline is used
)

// hourStat is one hour of day's healthy samples of a metric (log ms, a ring).
type hourStat struct {
	samples []float64
	next    int
	days    int   // distinct days the samples came from
	lastDay int64 // day (UTC, since the Unix epoch) of the newest sample
	med     float64
}

func (h *hourStat) learn(x float64, at time.Time) {
	if len(h.samples) < perHour {
		h.samples = append(h.samples, x)
	} else {
		h.samples[h.next] = x
		h.next = (h.next + 1) % perHour
	}
	if day := at.Unix() / 86400; h.days == 0 || day != h.lastDay {
		h.days, h.lastDay = h.days+1, day
	}
	xs := slices.Clone(h.samples)
	slices.Sort(xs)
	h.med = xs[len(xs)/2]
}

func (h *hourStat) ready() bool { return len(h.samples) >= perHour && h.days >= minDays }

// median is the log median to test a sample taken at time at against.
func (m *metric) median(at time.Time) float64 {
	if m.hours != nil {
		if h := &m.hours[at.UTC().Hour()]; h.ready() {
			return h.med
		}
	}
	return m.med
}

// learnHour adds a healthy sample to its hour of day.
func (m *metric) learnHour(x float64, at time.Time) {
	if at.IsZero() {
		return
	}
	if m.hours == nil {
		m.hours = new([24]hourStat)
	}
	m.hours[at.UTC().Hour()].learn(x, at)
}

// byHour reports whether the baseline of the hour of at is in use.
func (m *metric) byHour(at time.Time) bool {
	return m.hours != nil && m.hours[at.UTC().Hour()].ready()
}

// SavedHourStat is one hour of day's baseline in the state file (hour 0-23, UTC).
type SavedHourStat struct {
	Hour    int       `json:"hour"`
	Samples []float64 `json:"log_ms"`
	Next    int       `json:"next"`
	Days    int       `json:"days"`
	LastDay int64     `json:"last_day"`
	Median  float64   `json:"log_median"`
}

func (m *metric) saveHours() []SavedHourStat {
	if m.hours == nil {
		return nil
	}
	var out []SavedHourStat
	for i, h := range m.hours {
		if len(h.samples) > 0 {
			out = append(out, SavedHourStat{Hour: i, Samples: slices.Clone(h.samples), Next: h.next, Days: h.days, LastDay: h.lastDay, Median: h.med})
		}
	}
	return out
}

func (m *metric) restoreHours(hs []SavedHourStat) {
	if len(hs) == 0 {
		return
	}
	m.hours = new([24]hourStat)
	for _, h := range hs {
		m.hours[h.Hour] = hourStat{samples: slices.Clone(h.Samples), next: h.Next, days: h.Days, lastDay: h.LastDay, med: h.Median}
	}
}

func validateHours(hs []SavedHourStat) error {
	seen := map[int]bool{}
	for _, h := range hs {
		if h.Hour < 0 || h.Hour > 23 || seen[h.Hour] || len(h.Samples) == 0 || len(h.Samples) > perHour || h.Next < 0 ||
			h.Next >= perHour || h.Days < 0 || math.IsNaN(h.Median) || math.IsInf(h.Median, 0) {
			return fmt.Errorf("hour-of-day baseline %d out of range", h.Hour)
		}
		seen[h.Hour] = true
		for _, x := range h.Samples {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("hour-of-day sample not a number")
			}
		}
	}
	return nil
}
