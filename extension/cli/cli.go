// Package cli is the `k6 x chatgpt` command: tools that run outside a test, such as serving the
// simulator for other processes to probe.
package cli

import (
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"go.k6.io/k6/v2/cmd/state"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
)

// Name is the subcommand's name under `k6 x`.
const Name = "chatgpt"

// New builds `k6 x chatgpt` and its subcommands.
func New(gs *state.GlobalState) *cobra.Command {
	root := &cobra.Command{
		Use:   Name,
		Short: "ChatGPT / LLM API synthetic monitoring tools",
		Long:  "Tools of the xk6-chatgpt extension that run outside a test.",
	}
	root.AddCommand(simulateCmd(gs), classifyCmd(gs), replayCmd(), checkCmd(gs))
	return root
}

func simulateCmd(gs *state.GlobalState) *cobra.Command {
	var listen, scenarioFile string
	var seed uint64
	var speed float64
	var ttft, ttftP99, itl, itlP99 time.Duration
	var tokens int
	var stamps bool
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Serve the OpenAI-compatible simulator until interrupted",
		Example: "  k6 x chatgpt simulate --listen 127.0.0.1:8080\n" +
			"  k6 x chatgpt simulate --scenario scripts/scenarios/partial-chat-outage.yaml --speed 60\n" +
			"  OPENAI_BASE_URL=http://127.0.0.1:8080/v1 OPENAI_API_KEY=x k6 run scripts/chatgpt.js\n" +
			"  k6 x chatgpt simulate --ttft 200ms --itl 20ms --tokens 20 --stamps   # a fixed load-test target with ground truth",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg := sim.DefaultConfig()
			cfg.Seed, cfg.Speed, cfg.Stamps = seed, speed, stamps
			if ttft > 0 {
				cfg.Baseline.TTFT = scenario.Latency{Median: ttft, P99: ttftP99}
			}
			if itl > 0 {
				cfg.Baseline.ITL = scenario.Latency{Median: itl, P99: itlP99}
			}
			if tokens > 0 {
				cfg.Baseline.OutputTokens = tokens
			}
			if scenarioFile != "" {
				data, err := os.ReadFile(scenarioFile) // #nosec G304 -- the operator names the file
				if err != nil {
					return fmt.Errorf("read scenario: %w", err)
				}
				if cfg.Scenario, err = scenario.Parse(scenarioFile, data); err != nil {
					return err
				}
			}
			s, err := sim.Start(listen, cfg)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "simulator serving an OpenAI-compatible API at %s (Ctrl+C to stop)\n", s.URL)
			sig := make(chan os.Signal, 1)
			gs.SignalNotify(sig, os.Interrupt, syscall.SIGTERM)
			defer gs.SignalStop(sig)
			select {
			case <-sig:
			case <-gs.Ctx.Done():
			}
			return s.Close()
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:0", "address to listen on (port 0 picks a free one)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed of the latency model (a scenario's own seed wins)")
	cmd.Flags().StringVar(&scenarioFile, "scenario", "", "scenario file (YAML or JSON) to serve; none: healthy forever")
	cmd.Flags().Float64Var(&speed, "speed", 1, "scenario minutes per minute (latencies are not compressed)")
	cmd.Flags().DurationVar(&ttft, "ttft", 0, "median time to first token (default 400ms with a long tail); with no --ttft-p99, exactly this")
	cmd.Flags().DurationVar(&ttftP99, "ttft-p99", 0, "99th percentile time to first token")
	cmd.Flags().DurationVar(&itl, "itl", 0, "median gap between tokens (default 25ms); with no --itl-p99, exactly this")
	cmd.Flags().DurationVar(&itlP99, "itl-p99", 0, "99th percentile gap between tokens")
	cmd.Flags().IntVar(&tokens, "tokens", 0, "answer length in tokens, capped by the request's max tokens (default 8)")
	cmd.Flags().BoolVar(&stamps, "stamps", false, "precede every SSE event with its write time (': t=<unix ns>'), the ground truth of timing checks")
	return cmd
}
