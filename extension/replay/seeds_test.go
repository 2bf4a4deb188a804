package replay_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/replay"
)

// TestSeedSweep replays each scenario with seeds 1..REPLAY_SEEDS and prints, per scenario, the
// false alarms and the time-to-detect and recovery distributions: the committed seeds are one
// draw each, and this says how typical they are (`make seeds`; README and detect.Defaults quote
// it). It measures and does not judge: TestScenarioFigures pins the committed seeds.
func TestSeedSweep(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("REPLAY_SEEDS"))
	if n <= 0 {
		t.Skip("set REPLAY_SEEDS (make seeds) to replay every scenario over that many seeds")
	}
	for _, name := range []string{"healthy-7d", "partial-outage-25", "partial-outage-50", "full-outage", "cloudflare-edge-outage",
		"capacity-errors", "stalled-streams", "empty-answers", "rate-limit-storm", "official-ack-30m", "flapping-recovery",
		"slowdown-2x", "slowdown-5x", "everything-down", "openai-down-anthropic-up", "partial-chat-outage"} {
		sc := load(t, name)
		var ttd, rec []float64
		alarms, weeks, over5, missed, flapping, phases := 0, 0, 0, 0, 0, 0
		for seed := range uint64(n) {
			sc.Seed = seed + 1
			r := replay.Run(sc, nil, 0, detect.Defaults)
			alarms += r.FalseAlarms
			weeks += min(r.FalseAlarms, 1)
			for _, p := range r.Phases {
				if p.Truth == "operational" {
					continue
				}
				phases++
				if p.Transitions > 2 {
					flapping++
				}
				if p.RecoveryLagS != nil {
					rec = append(rec, *p.RecoveryLagS)
				}
				if p.TTDS == nil {
					missed++
					continue
				}
				ttd = append(ttd, *p.TTDS)
				if *p.TTDS > 300 {
					over5++
				}
			}
		}
		fmt.Printf("%-25s false alarms %d (in %d of %d runs)  ttd mean %s p90 %s worst %s, over 5 min %d, missed %d of %d  recovery worst %s  >2 transitions %d\n",
			name, alarms, weeks, n, secs(mean(ttd)), secs(quantile(ttd, 0.9)), secs(quantile(ttd, 1)), over5, missed, phases,
			secs(quantile(rec, 1)), flapping)
	}
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	return s[min(int(q*float64(len(s))), len(s)-1)]
}

func secs(s float64) string { return strconv.FormatFloat(s, 'f', 0, 64) + "s" }
