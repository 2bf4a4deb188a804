package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/monitor"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/replay"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
)

func replayCmd() *cobra.Command {
	var asJSON bool
	var interval time.Duration
	var components []string
	var runs time.Duration
	var confirmations int
	var schedule string
	var jitter time.Duration
	cmd := &cobra.Command{
		Use:   "replay FILE...",
		Short: "Run the outage detector over scenarios in virtual time and score it against their ground truth",
		Long: "Replays each scenario's probe outcomes (what the simulator would serve, classified) through the\n" +
			"detector at full speed, and prints per phase and component: truth, time to detect, severity\n" +
			"reached and recovery lag, then false alarms in healthy time. --json prints one object per scenario.\n" +
			"--runs 15m replays each scenario as consecutive runs of that length that hand the detector's state\n" +
			"file from one to the next (as scheduled CI runs do), and compares it with one continuous run and\n" +
			"with runs that start from the priors each time. --schedule 2m/15m replays it as the shipped workflows\n" +
			"run the monitor: a 2-minute run every 15 minutes (each up to --schedule-jitter late), handing the\n" +
			"state file on and probing nothing between runs, so the time to detect includes the wait for a run.",
		Example: "  k6 x chatgpt replay scripts/scenarios/*.yaml\n  k6 x chatgpt replay --json --probe-interval 30s scripts/scenarios/full-outage.yaml\n" +
			"  k6 x chatgpt replay --runs 15m scripts/scenarios/partial-outage-25.yaml\n" +
			"  k6 x chatgpt replay --schedule 2m/15m --schedule-jitter 3m scripts/scenarios/*.yaml",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			out := cmd.OutOrStdout()
			var sched *replay.Schedule
			if schedule != "" {
				s, err := replay.ParseSchedule(schedule)
				if err != nil {
					return err
				}
				if runs > 0 {
					return fmt.Errorf("--schedule and --runs replay two different things: give one")
				}
				s.Jitter = jitter
				sched = &s
			}
			for _, f := range files {
				data, err := os.ReadFile(f) // #nosec G304 -- the operator names the file
				if err != nil {
					return fmt.Errorf("read scenario: %w", err)
				}
				sc, err := scenario.Parse(f, data)
				if err != nil {
					return err
				}
				began := time.Now()
				res := replay.RunConfirming(sc, components, interval, detect.Defaults, confirmations)
				if sched != nil {
					if res, err = replay.RunScheduled(sc, components, interval, detect.Defaults, *sched); err != nil {
						return err
					}
				}
				var cmp *chopped
				if runs > 0 {
					whole := res
					if res, err = replay.RunChained(sc, components, interval, detect.Defaults, runs); err != nil {
						return err
					}
					amnesic, err := replay.RunAmnesic(sc, components, interval, detect.Defaults, runs)
					if err != nil {
						return err
					}
					cmp = compareChopped(whole, res, amnesic)
				}
				if asJSON {
					var v any = res
					if cmp != nil {
						v = struct {
							replay.Result
							Chopped *chopped `json:"chopped"`
						}{res, cmp}
					}
					b, err := json.Marshal(v)
					if err != nil {
						return fmt.Errorf("encode result: %w", err)
					}
					fmt.Fprintln(out, string(b))
					continue
				}
				if sched != nil {
					fmt.Fprintf(out, "scheduled %s: %d runs\n", sched, res.Runs)
				}
				writeTable(out, sc, res, time.Since(began))
				if cmp != nil {
					fmt.Fprintf(out, "  as %d runs of %s: with the state file %d incidents (one continuous run: %d), time to detect differs by at most %s;\n"+
						"  starting each run from the priors instead: %d incidents\n\n", res.Runs, runs, cmp.Incidents, cmp.ContinuousIncidents,
						fmtDur(cmp.MaxTTDDiffS), cmp.AmnesicIncidents)
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per scenario")
	cmd.Flags().DurationVar(&interval, "probe-interval", 0, "probe interval (default: the scenario's, else 15s)")
	cmd.Flags().DurationVar(&runs, "runs", 0, "replay as consecutive runs of this length, handing the detector's state from each to the next")
	cmd.Flags().IntVar(&confirmations, "confirmations", replay.Confirmations,
		"confirmation probes per round of a component in doubt, "+monitor.ConfirmEvery.String()+" apart, as the monitor sends (0: none; --runs always uses the default)")
	cmd.Flags().StringVar(&schedule, "schedule", "", "replay as a scheduled deployment sees it: run length / period, e.g. 2m/15m")
	cmd.Flags().DurationVar(&jitter, "schedule-jitter", 0, "with --schedule: each run starts up to this much late (a CI scheduler's delay)")
	cmd.Flags().StringSliceVar(&components, "components", nil, "components to probe (default: chat, chat_stream, models and the scenario's own)")
	return cmd
}

// chopped compares a replay chopped into runs with one continuous run, and with runs that
// forget everything between them.
type chopped struct {
	Incidents           int     `json:"incidents"`
	ContinuousIncidents int     `json:"continuous_incidents"`
	AmnesicIncidents    int     `json:"incidents_without_state"`
	MaxTTDDiffS         float64 `json:"max_ttd_difference_s"`
}

func compareChopped(whole, chained, amnesic replay.Result) *chopped {
	c := &chopped{Incidents: chained.Incidents, ContinuousIncidents: whole.Incidents, AmnesicIncidents: amnesic.Incidents}
	for i, p := range chained.Phases {
		if i < len(whole.Phases) && p.TTDS != nil && whole.Phases[i].TTDS != nil {
			c.MaxTTDDiffS = math.Max(c.MaxTTDDiffS, math.Abs(*p.TTDS-*whole.Phases[i].TTDS))
		}
	}
	return c
}

func writeTable(w io.Writer, sc *scenario.Scenario, r replay.Result, took time.Duration) {
	fmt.Fprintf(w, "%s: %s of probes every %s on %s (%d observations, %d of them confirmation probes; replayed in %s)\n", r.Scenario, sc.Duration,
		time.Duration(r.ProbeIntervalS*float64(time.Second)), strings.Join(r.Components, ", "), r.Observations, r.Confirmations, took.Round(time.Millisecond))
	if len(r.Phases) > 0 {
		fmt.Fprintf(w, "  %-12s %-21s %9s %9s %9s %7s %-21s %9s %s\n", "component", "truth", "start", "end", "detected", "ttd", "severity", "recovery", "note")
	}
	dur := func(p *float64) string {
		if p == nil {
			return "-"
		}
		return fmtDur(*p)
	}
	for _, p := range r.Phases {
		note := ""
		if p.Transitions > 2 {
			note = fmt.Sprintf("%d transitions", p.Transitions)
		}
		if p.Local != "" {
			note = strings.TrimSpace(note + " local " + p.Local)
		}
		if p.LeadS != nil {
			ahead := "ahead of"
			if *p.LeadS < 0 {
				ahead = "behind"
			}
			note = strings.TrimSpace(fmt.Sprintf("%s %s %s the status page (acknowledged at %s)", note, fmtDur(math.Abs(*p.LeadS)), ahead, fmtDur(*p.OfficialAckS)))
		}
		fmt.Fprintf(w, "  %-12s %-21s %9s %9s %9s %7s %-21s %9s %s\n", p.Component, p.Truth, fmtDur(p.StartS), fmtDur(p.EndS),
			dur(p.DetectedS), dur(p.TTDS), p.Severity, dur(p.RecoveryLagS), note)
	}
	fmt.Fprintf(w, "  false alarms in healthy time: %d (%s); incidents: %d\n\n", r.FalseAlarms, fmtDur(r.FalseAlarmS), r.Incidents)
}

// fmtDur prints seconds as 45s, 1m30s, 2h or 26h0m45s: short, and exact to the second.
func fmtDur(s float64) string {
	d := time.Duration(s * float64(time.Second)).Round(time.Second)
	h, m, sec := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case d == 0:
		return "0s"
	case h > 0 && m == 0 && sec == 0:
		return fmt.Sprintf("%dh", h)
	case h > 0 && sec == 0:
		return fmt.Sprintf("%dh%dm", h, m)
	case h > 0:
		return fmt.Sprintf("%dh%dm%ds", h, m, sec)
	case m > 0 && sec == 0:
		return fmt.Sprintf("%dm", m)
	case m > 0:
		return fmt.Sprintf("%dm%ds", m, sec)
	}
	return fmt.Sprintf("%ds", sec)
}
