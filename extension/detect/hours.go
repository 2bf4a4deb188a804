package detect

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Baselines by hour of day: a provider's busy hours are slower, and a scheduled monitor that
// remembers across runs sees every hour many times. Each hour of day keeps, for each of the last
// hourDays days, the newest perDay samples taken in that hour; once minDays days have at least
// minPerDay samples, the median of the days' medians replaces the rolling median for samples
// taken in that hour (the spread stays the rolling one's). A median of days means a daily busy
// hour becomes normal after three days, while one bad day at that hour does not.
//
// Unlike the rolling baseline, the hours learn from every success outside an error outage,
// degraded ones included: a busy hour is exactly what the rolling baseline calls degraded.

const (
	hourDays  = 7  // days kept per hour of day
	perDay    = 32 // newest samples kept per hour and day
	minDays   = 3  // days an hour needs before its baseline is used
	minPerDay = 8  // samples a day needs to count
)

// hourStat is one hour of day's samples of a metric (log ms), by day.
type hourStat struct {
	days []dayStat // oldest first
	med  float64   // median of the days' medians, when ready
	n    int       // days with at least minPerDay samples
}

type dayStat struct {
	day     int64 // UTC days since the Unix epoch
	samples []float64
	next    int
	med     float64 // median of samples: only the day being learned changes, so it is kept
}

// newDay is a day with its median.
func newDay(day int64, samples []float64, next int) dayStat {
	d := dayStat{day: day, samples: samples, next: next}
	d.updateMedian()
	return d
}

func (d *dayStat) updateMedian() {
	if len(d.samples) == 0 {
		return
	}
	var buf [perDay]float64
	d.med = kth(d.samples, len(d.samples)/2, buf[:])
}

func (h *hourStat) learn(x float64, at time.Time) {
	day := at.Unix() / 86400
	if len(h.days) == 0 || h.days[len(h.days)-1].day != day {
		h.days = append(h.days, dayStat{day: day})
		if len(h.days) > hourDays {
			h.days = h.days[1:]
		}
	}
	d := &h.days[len(h.days)-1]
	d.samples, d.next = ringPush(d.samples, d.next, x, perDay)
	d.updateMedian()
	h.refresh()
}

func (h *hourStat) refresh() {
	var meds []float64
	for _, d := range h.days {
		if len(d.samples) >= minPerDay {
			meds = append(meds, d.med)
		}
	}
	h.n = len(meds)
	if len(meds) > 0 {
		slices.Sort(meds)
		h.med = meds[len(meds)/2]
	}
}

func (h *hourStat) ready() bool { return h.n >= minDays }

// median is the log median to test a sample taken at time at against.
func (m *metric) median(at time.Time) float64 {
	if m.hours != nil {
		if h := &m.hours[at.UTC().Hour()]; h.ready() {
			return h.med
		}
	}
	return m.med
}

// learnHour adds a sample (ms) to its hour of day.
func (m *metric) learnHour(ms float64, at time.Time) {
	if at.IsZero() || ms <= 0 {
		return
	}
	if m.hours == nil {
		m.hours = new([24]hourStat)
	}
	m.hours[at.UTC().Hour()].learn(math.Log(ms), at)
}

// byHour reports whether the baseline of the hour of at is in use.
func (m *metric) byHour(at time.Time) bool {
	return m.hours != nil && m.hours[at.UTC().Hour()].ready()
}

// SavedHourStat is one hour of day's samples in the state file (hour 0-23, UTC).
type SavedHourStat struct {
	Hour int        `json:"hour"`
	Days []SavedDay `json:"days"`
}

// SavedDay is one day's samples of an hour (log ms, a ring).
type SavedDay struct {
	Day     int64     `json:"day"` // UTC days since 1970-01-01
	Samples []float64 `json:"log_ms"`
	Next    int       `json:"next"`
}

func (m *metric) saveHours() []SavedHourStat {
	if m.hours == nil {
		return nil
	}
	var out []SavedHourStat
	for i, h := range m.hours {
		if len(h.days) == 0 {
			continue
		}
		s := SavedHourStat{Hour: i}
		for _, d := range h.days {
			s.Days = append(s.Days, SavedDay{Day: d.day, Samples: slices.Clone(d.samples), Next: d.next})
		}
		out = append(out, s)
	}
	return out
}

func (m *metric) restoreHours(hs []SavedHourStat) {
	if len(hs) == 0 {
		return
	}
	m.hours = new([24]hourStat)
	for _, s := range hs {
		h := &m.hours[s.Hour]
		for _, d := range s.Days {
			h.days = append(h.days, newDay(d.Day, slices.Clone(d.Samples), d.Next))
		}
		h.refresh()
	}
}

func validateHours(hs []SavedHourStat) error {
	seen := map[int]bool{}
	for _, h := range hs {
		if h.Hour < 0 || h.Hour > 23 || seen[h.Hour] || len(h.Days) == 0 || len(h.Days) > hourDays {
			return fmt.Errorf("hour-of-day baseline %d out of range", h.Hour)
		}
		seen[h.Hour] = true
		for i, d := range h.Days {
			if len(d.Samples) == 0 || len(d.Samples) > perDay || d.Next < 0 || d.Next >= perDay || (i > 0 && d.Day <= h.Days[i-1].Day) {
				return fmt.Errorf("hour-of-day baseline %d: day %d out of range", h.Hour, d.Day)
			}
			for _, x := range d.Samples {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return fmt.Errorf("hour-of-day sample not a number")
				}
			}
		}
	}
	return nil
}
