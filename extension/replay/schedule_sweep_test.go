package replay_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/replay"
)

// TestScheduleSweep compares time to detect, continuous against duty cycles, over REPLAY_SEEDS
// seeds of each outage scenario: each seed also draws where in the cycle the scenario starts,
// so an outage begins at a uniformly random point of the schedule (`make schedules`; the
// README's detection table quotes it). It measures and does not judge.
func TestScheduleSweep(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("REPLAY_SEEDS"))
	if n <= 0 {
		t.Skip("set REPLAY_SEEDS (make schedules) to compare schedules over that many seeds")
	}
	schedules := []string{"2m/15m", "2m/5m", "5m/5m"}
	fmt.Printf("%-25s %-22s", "scenario (median / p90 / missed)", "continuous")
	for _, s := range schedules {
		fmt.Printf(" %-22s", s)
	}
	fmt.Println()
	for _, name := range []string{"full-outage", "cloudflare-edge-outage", "partial-outage-50", "partial-outage-25", "capacity-errors",
		"stalled-streams", "slowdown-2x", "slowdown-5x", "official-ack-30m"} {
		sc := load(t, name)
		cols := make([][]float64, 1+len(schedules))
		missed := make([]int, len(cols))
		add := func(col int, r replay.Result) {
			for _, p := range r.Phases {
				switch {
				case p.Truth == "operational":
				case p.TTDS == nil:
					missed[col]++
				default:
					cols[col] = append(cols[col], *p.TTDS)
				}
			}
		}
		for seed := range uint64(n) {
			sc.Seed = seed + 1
			add(0, replay.Run(sc, nil, 0, detect.Defaults))
			r := rand.New(rand.NewPCG(sc.Seed, 7)) // #nosec G404 -- the sweep's own draws
			for i, spec := range schedules {
				s, err := replay.ParseSchedule(spec)
				if err != nil {
					t.Fatal(err)
				}
				s.Offset = time.Duration(r.Int64N(int64(s.Period)))
				res, err := replay.RunScheduled(sc, nil, 0, detect.Defaults, s)
				if err != nil {
					t.Fatal(err)
				}
				add(1+i, res)
			}
		}
		fmt.Printf("%-25s", name)
		for i, c := range cols {
			fmt.Printf(" %-22s", fmt.Sprintf("%s / %s / %d", secs(median(c)), secs(quantile(c, 0.9)), missed[i]))
		}
		fmt.Println()
	}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	return s[len(s)/2]
}
