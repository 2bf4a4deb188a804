package detect

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// A provider that is always 2.5x slower from 14:00 to 15:00 UTC: in the first days that hour
// looks like a slow-down against the all-day baseline; once the hour has its own baseline
// (32 samples from 3 days), the busy hour is normal and only a slow-down beyond it alarms.
func TestHourOfDayBaselines(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	d := New(Defaults)
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	busy := func(at time.Time) float64 {
		if at.Hour() == 14 {
			return 2.5
		}
		return 1
	}
	incidentsOnDay := map[int]int{}
	observeDay := func(day int, extra float64) {
		for i := range 24 * 240 { // a probe every 15 s
			at := start.Add(time.Duration(day)*24*time.Hour + time.Duration(i)*15*time.Second)
			f := busy(at)
			if at.Hour() == 14 {
				f *= extra
			}
			noise := 1 + 0.1*rng.NormFloat64()
			for _, tr := range d.Observe(Observation{At: at, Component: "chat_stream", Class: classify.OK,
				TTFTMs: 400 * f * noise, ITLMs: 25 * f * noise, TotalMs: 600 * f * noise}) {
				if tr.From == Operational && tr.To != Operational {
					incidentsOnDay[day]++
				}
			}
		}
	}
	for day := range 6 {
		observeDay(day, 1)
	}
	if incidentsOnDay[0] == 0 {
		t.Fatalf("day 1: the busy hour should look slow against the all-day baseline (else this test proves nothing)")
	}
	for day := 3; day < 6; day++ {
		if incidentsOnDay[day] != 0 {
			t.Errorf("day %d: %d incidents in the busy hour, which has its own baseline by now", day+1, incidentsOnDay[day])
		}
	}
	if !d.comps[0].lat.itl.byHour(start.Add(14 * time.Hour)) {
		t.Fatal("hour 14 has no baseline of its own after 6 days")
	}
	// A real 2x slow-down on top of the busy hour still alarms.
	observeDay(6, 2)
	if incidentsOnDay[6] == 0 {
		t.Error("a 2x slow-down in the busy hour went unnoticed")
	}
	t.Logf("busy-hour incidents per day: %v", incidentsOnDay)
}
