package replay_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/replay"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
)

// category is the acceptance class of a phase of the incident library (docs/detection.md).
func category(ph scenario.Phase) string {
	stall := ph.Faults["ttfb_stall"] / total(ph.Faults) * ph.ErrorRate
	switch {
	case ph.Truth == "major_outage":
		return "major outage"
	case ph.Truth == "partial_outage" && ph.ErrorRate >= 0.2:
		return "partial ≥ 20 %"
	case ph.Truth == "partial_outage" && ph.ErrorRate >= 0.05 && ph.ErrorRate <= 0.1:
		return "partial 5–10 %"
	case ph.Truth == "partial_outage":
		return "partial, other rates"
	case ph.Truth == "degraded_performance" && ph.RampFrom > 0 && ph.LatencyFactor <= 2:
		return "drift to 2x"
	case ph.Truth == "degraded_performance" && stall >= 0.3:
		return "stall ≥ 30 %"
	case ph.Truth == "degraded_performance" && ph.LatencyFactor >= 2:
		return "slow-down ≥ 2x"
	case ph.Truth == "degraded_performance":
		return "degraded, other"
	}
	return ""
}

func total(m map[string]float64) float64 {
	t := 0.0
	for _, w := range m {
		t += w
	}
	if t == 0 {
		return 1
	}
	return t
}

// libraryFigures is what one library sweep measured.
type libraryFigures struct {
	ttd           map[string][]float64
	missed        map[string]int
	severityOK    int
	outagePhases  int
	transitions   []float64
	recovery      []float64
	falseAlarms   int // in the healthy margins of incident files
	healthyAlarms int // in the healthy files
	healthyDays   float64
}

// sweepLibrary replays every file of dirs over seeds 1..n and gathers the acceptance figures.
// A phase that starts while its component is already away from operational (a step of an
// outage already detected) is not a detection and counts only for severity and transitions.
// An incident file is replayed after history days of its own baseline (LIBRARY_HISTORY, in
// days; 0 for a monitor started an hour before the incident): a healthy file builds its own.
func sweepLibrary(t *testing.T, dirs []string, n int, history time.Duration) libraryFigures {
	f := libraryFigures{ttd: map[string][]float64{}, missed: map[string]int{}}
	type job struct {
		sc      scenario.Scenario
		healthy bool
		r       replay.Result
	}
	var jobs []*job
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join("../../scripts/scenarios/incidents", dir, "*.yaml"))
		if len(files) == 0 {
			t.Fatalf("no scenarios in %s", dir)
		}
		for _, file := range files {
			data, err := os.ReadFile(file) // #nosec G304 -- the repository's own library
			if err != nil {
				t.Fatal(err)
			}
			sc, err := scenario.Parse(filepath.Base(file), data)
			if err != nil {
				t.Fatal(err)
			}
			healthy := !slices.ContainsFunc(sc.Phases, func(p scenario.Phase) bool { return p.Truth != "operational" })
			for seed := range uint64(n) {
				j := &job{sc: *sc, healthy: healthy}
				j.sc.Seed = seed + 1
				jobs = append(jobs, j)
			}
		}
	}
	// Replays are independent: one worker per CPU, results gathered in file and seed order.
	next := make(chan *job)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				if j.healthy || history <= 0 {
					j.r = replay.Run(&j.sc, nil, 0, detect.Defaults)
				} else {
					j.r = replay.RunWithHistory(&j.sc, nil, 0, detect.Defaults, history)
				}
			}
		}()
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	for _, j := range jobs {
		if j.healthy {
			f.healthyDays += j.sc.Duration.Hours() / 24
			f.healthyAlarms += j.r.FalseAlarms
		} else {
			f.falseAlarms += j.r.FalseAlarms
		}
		f.add(&j.sc, j.r)
		if v := os.Getenv("LIBRARY_VERBOSE"); v == "all" || v != "" && j.sc.Seed == 1 { // all: every seed
			verbose(&j.sc, j.r)
		}
	}
	return f
}

func (f *libraryFigures) add(sc *scenario.Scenario, r replay.Result) {
	k := 0
	for i, ph := range sc.Phases {
		for range ph.Components {
			p := r.Phases[k]
			k++
			cat := category(ph)
			if cat == "" {
				continue
			}
			f.transitions = append(f.transitions, float64(p.Transitions))
			if p.RecoveryLagS != nil {
				f.recovery = append(f.recovery, *p.RecoveryLagS)
			}
			if ph.Truth == "major_outage" || ph.Truth == "partial_outage" {
				f.outagePhases++
				if p.Dominant == ph.Truth {
					f.severityOK++
				}
			}
			switch {
			case p.Carried && afterDrift(sc, i, p.Component):
				f.ttd[cat] = append(f.ttd[cat], 0) // caught on the way up to 2x
			case p.Carried:
			case p.TTDS == nil:
				f.missed[cat]++
			default:
				f.ttd[cat] = append(f.ttd[cat], *p.TTDS)
			}
		}
	}
}

// afterDrift reports whether phase i of component c follows a drift (a ramped degraded phase).
func afterDrift(sc *scenario.Scenario, i int, c string) bool {
	ph := sc.Phases[i]
	return slices.ContainsFunc(sc.Phases, func(p scenario.Phase) bool {
		return p.RampFrom > 0 && p.Truth == "degraded_performance" && p.Until == ph.At && slices.Contains(p.Components, c)
	})
}

// libraryHistory is LIBRARY_HISTORY in days, four by default.
func libraryHistory() time.Duration {
	if d, err := strconv.ParseFloat(os.Getenv("LIBRARY_HISTORY"), 64); err == nil && d >= 0 {
		return time.Duration(d * 24 * float64(time.Hour))
	}
	return 4 * 24 * time.Hour
}

// verbose prints one replay's phases with their category: where the detector is slow or wrong.
func verbose(sc *scenario.Scenario, r replay.Result) {
	fmt.Printf("%s (false alarms %d)\n", sc.Name, r.FalseAlarms)
	k := 0
	for _, ph := range sc.Phases {
		for range ph.Components {
			p := r.Phases[k]
			k++
			if cat := category(ph); cat != "" {
				ttd := "-"
				if p.TTDS != nil {
					ttd = secs(*p.TTDS)
				}
				fmt.Printf("  %-12s %-20s rate %.2f x%.1f %-22s ttd %6s carried %-5v dominant %-20s transitions %d\n", p.Component, cat,
					ph.ErrorRate, ph.LatencyFactor, p.Truth, ttd, p.Carried, p.Dominant, p.Transitions)
			}
		}
	}
}

func (f *libraryFigures) print() {
	cats := []string{"major outage", "partial ≥ 20 %", "partial 5–10 %", "partial, other rates", "slow-down ≥ 2x", "drift to 2x", "stall ≥ 30 %", "degraded, other"}
	fmt.Printf("%-22s %8s %8s %8s %8s\n", "time to detect", "median", "p90", "worst", "missed")
	for _, c := range cats {
		xs := f.ttd[c]
		fmt.Printf("%-22s %8s %8s %8s %5d/%d\n", c, secs(median(xs)), secs(quantile(xs, 0.9)), secs(quantile(xs, 1)), f.missed[c], len(xs)+f.missed[c])
	}
	fmt.Printf("severity right (dominant state = truth) in %d of %d outage phases (%.1f %%)\n", f.severityOK, f.outagePhases,
		100*float64(f.severityOK)/float64(max(f.outagePhases, 1)))
	fmt.Printf("transitions per phase: median %.0f, p90 %.0f; recovery lag: median %s, p90 %s\n", median(f.transitions),
		quantile(f.transitions, 0.9), secs(median(f.recovery)), secs(quantile(f.recovery, 0.9)))
	fmt.Printf("false alarms: %d in %.0f simulated healthy days (the healthy files, blips included); %d in the incident files' healthy margins\n",
		f.healthyAlarms, f.healthyDays, f.falseAlarms)
}

// TestLibrarySweep replays the incident library (scripts/scenarios/incidents: LIBRARY=train,
// heldout or healthy, comma-separated; default train,healthy) over REPLAY_SEEDS seeds and prints
// the figures issue 23's acceptance names (`make library`). It measures and does not judge.
func TestLibrarySweep(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("REPLAY_SEEDS"))
	if n <= 0 {
		t.Skip("set REPLAY_SEEDS (make library) to replay the incident library over that many seeds")
	}
	dirs := strings.Split(os.Getenv("LIBRARY"), ",")
	if dirs[0] == "" {
		dirs = []string{"train", "healthy"}
	}
	history := libraryHistory()
	fmt.Printf("incident library %s over %d seeds (incident files after %.1f days of history)\n", strings.Join(dirs, ", "), n, history.Hours()/24)
	f := sweepLibrary(t, dirs, n, history)
	f.print()
}
