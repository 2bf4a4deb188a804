package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"go.k6.io/k6/v2/cmd/state"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/monitor"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statefile"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
)

// Exit codes of `k6 x chatgpt check`.
const (
	checkUp       = 0
	checkDown     = 1 // down for everyone
	checkYou      = 2 // it's you
	checkUnknown  = 3
	checkMisusage = 4
)

// checkFlags are `k6 x chatgpt check`'s options.
type checkFlags struct {
	provider, model, baseURL, statusURL, statePath string
	components, alternatives                       []string
	asJSON                                         bool
	timeout                                        time.Duration
}

// checkResult is what `check --json` prints.
type checkResult struct {
	Target      string              `json:"target"`
	BaseURL     string              `json:"base_url"`
	Model       string              `json:"model"`
	Answer      string              `json:"answer"`
	Attribution monitor.Attribution `json:"attribution"`
	Components  []checkedComponent  `json:"components"`
	Official    string              `json:"official,omitempty"` // the status page's indicator
	Since       *time.Time          `json:"since,omitempty"`    // the open incident's start, from the state file
	Controls    []monitor.Control   `json:"controls"`
	ExitCode    int                 `json:"exit_code"`
}

type checkedComponent struct {
	Component string         `json:"component"`
	Status    string         `json:"status"` // up, down or unknown (challenged)
	Class     classify.Class `json:"class"`
	HTTP      int            `json:"http_status"`
	TTFTMs    float64        `json:"ttft_ms,omitempty"`
	TotalMs   float64        `json:"total_ms"`
	Official  detect.State   `json:"official,omitempty"`
}

func checkCmd(gs *state.GlobalState) *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Is it down for everyone, or just you? Probe once, with controls, and answer",
		Long: "Probes the provider's components once, reads its official status page and tries control hosts that\n" +
			"share your network but not the provider's (--alternative), then answers: up, down for everyone, it's\n" +
			"you, or unknown, with the evidence (--json for bots). With --state, says since when. Exit codes: 0 up,\n" +
			"1 down for everyone, 2 it's you, 3 unknown, 4 a usage error. Keys come from the provider's variable\n" +
			"(OPENAI_API_KEY, ANTHROPIC_API_KEY, ...), never from the command line.",
		Example: "  OPENAI_API_KEY=sk-... k6 x chatgpt check\n" +
			"  k6 x chatgpt check --provider anthropic --alternative https://api.openai.com/v1 --json\n" +
			"  k6 x chatgpt check --base-url http://127.0.0.1:8080/v1 --status-url http://127.0.0.1:8080/api/v2/summary.json",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := runCheck(cmd.Context(), gs, f)
			if err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "check: %v\n", err)
				gs.OSExit(checkMisusage)
				return nil
			}
			out := cmd.OutOrStdout()
			if f.asJSON {
				enc := json.NewEncoder(out)
				enc.SetEscapeHTML(false)
				if err := enc.Encode(res); err != nil {
					return fmt.Errorf("encode: %w", err)
				}
			} else {
				writeCheck(out, res)
			}
			gs.OSExit(res.ExitCode)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.provider, "provider", probe.OpenAI, "openai, azure, anthropic, gemini or compatible")
	fl.StringVar(&f.model, "model", "", "model (default: the provider's cheap one)")
	fl.StringVar(&f.baseURL, "base-url", "", "API base URL (default: the provider's base-URL variable, else its public API)")
	fl.StringVar(&f.statusURL, "status-url", "", "official status page (default: the provider's)")
	fl.StringSliceVar(&f.components, "components", []string{"chat_stream", "models"}, "components to probe")
	fl.StringArrayVar(&f.alternatives, "alternative", nil, "a control host sharing your network but not the provider's (repeatable): any HTTP answer counts")
	fl.StringVar(&f.statePath, "state", "", "the monitor's state file, to say since when")
	fl.BoolVar(&f.asJSON, "json", false, "print one JSON object")
	fl.DurationVar(&f.timeout, "timeout", 25*time.Second, "give up after this long")
	return cmd
}

// runCheck probes, reads the page and the controls, and attributes.
func runCheck(parent context.Context, gs *state.GlobalState, f checkFlags) (checkResult, error) {
	if parent == nil {
		parent = context.Background()
	}
	t, err := checkTarget(gs, f)
	if err != nil {
		return checkResult{}, err
	}
	ctx, cancel := context.WithTimeout(parent, f.timeout)
	defer cancel()
	comps := make([]probe.Component, 0, len(f.components))
	for _, name := range f.components {
		c, err := probe.ParseComponent(strings.TrimSpace(name))
		if err != nil {
			return checkResult{}, err
		}
		if c != probe.Status {
			comps = append(comps, c)
		}
	}
	if err := t.CheckComponents(comps); err != nil {
		return checkResult{}, err
	}
	rt := http.DefaultTransport
	results := make([]probe.Result, len(comps))
	var page *statuspage.Page
	var controls []monitor.Control
	var wg sync.WaitGroup
	for i, c := range comps {
		wg.Go(func() { results[i] = probe.Run(ctx, rt, t, c) })
	}
	wg.Go(func() { page, controls = readPage(ctx, rt, t) })
	alts := make([]monitor.Control, len(f.alternatives))
	for i, u := range f.alternatives {
		wg.Go(func() { alts[i] = reach(ctx, u) })
	}
	wg.Wait()
	return judgeCheck(t, results, page, append(controls, alts...), f.statePath), nil
}

// checkTarget is the probe target of the flags and the provider's variables.
func checkTarget(gs *state.GlobalState, f checkFlags) (*probe.Target, error) {
	d, ok := probe.Endpoints[f.provider]
	if !ok {
		return nil, fmt.Errorf("--provider %q is not supported (supported: %s)", f.provider, strings.Join(probe.Providers, ", "))
	}
	t := &probe.Target{Provider: f.provider, Model: f.model, BaseURL: f.baseURL, APIKey: gs.Env[d.KeyEnv], StatusURL: f.statusURL,
		Timeouts: probe.Timeouts{Total: 20 * time.Second}}
	if t.Model == "" {
		t.Model = d.Model
	}
	if t.BaseURL == "" {
		t.BaseURL = gs.Env[d.BaseEnv]
	}
	if t.BaseURL == "" {
		if t.APIKey == "" || d.URL == "" {
			return nil, fmt.Errorf("%s is not set, nor --base-url (or %s): nothing to check", d.KeyEnv, d.BaseEnv)
		}
		t.BaseURL = d.URL
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}

// readPage reads the official status page; its host is a control too.
func readPage(ctx context.Context, rt http.RoundTripper, t *probe.Target) (*statuspage.Page, []monitor.Control) {
	if t.StatusURL == "" {
		return nil, nil
	}
	r, read := probe.ReadStatus(ctx, rt, t, "")
	ctrl := []monitor.Control{{Name: "its status page", Reached: r.Status > 0}}
	if !r.OK {
		return nil, ctrl
	}
	return read.Page, ctrl
}

// reach is a control: any HTTP answer from url means our network reaches it.
func reach(ctx context.Context, url string) monitor.Control {
	c := monitor.Control{Name: url}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return c
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return c
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	c.Reached = true
	return c
}

// judgeCheck turns the one-shot results into the detector's vocabulary and attributes them.
func judgeCheck(t *probe.Target, results []probe.Result, page *statuspage.Page, controls []monitor.Control, statePath string) checkResult {
	res := checkResult{Target: t.Provider, BaseURL: t.BaseURL, Model: t.Model, Controls: controls}
	if res.Controls == nil {
		res.Controls = []monitor.Control{}
	}
	var view statuspage.View
	if page != nil {
		res.Official = page.Indicator
		view = statuspage.DefaultMaps[t.Provider].View(page, time.Now())
	}
	everOK, since := fromState(statePath, t.Provider)
	e := monitor.Evidence{Target: t.Provider, Controls: controls}
	for _, r := range results {
		cs := detect.ComponentStatus{Target: t.Provider, Component: string(r.Component), State: detect.Operational,
			EverOK: r.OK || everOK[string(r.Component)], Official: detect.State(view.States[string(r.Component)])}
		cc := checkedComponent{Component: string(r.Component), Status: "up", Class: r.Class, HTTP: r.Status,
			TTFTMs: r.Timings.TTFT, TotalMs: r.Timings.Total, Official: cs.Official}
		if !r.OK {
			cs.RecentClass, cs.RecentBlame, cs.RecentFailed = r.Class, r.Blame, 1
			cc.Status = "down"
			if r.Blame.CountsAsOutage() {
				cs.State = detect.Major
			}
			if r.Component == probe.Web && r.Class == classify.EdgeBlocked {
				cc.Status = "unknown (challenged)"
			}
		}
		e.Components = append(e.Components, cs)
		res.Components = append(res.Components, cc)
	}
	res.Attribution = monitor.Attribute(e)
	res.Answer = res.Attribution.Answer
	switch {
	case res.Attribution.Fault == monitor.FaultNone:
		res.ExitCode, res.Answer = checkUp, "up"
	case res.Attribution.Fault == monitor.FaultProvider || res.Attribution.Fault == monitor.FaultProviderEdge:
		res.ExitCode = checkDown
		if res.Answer == "degraded" {
			res.ExitCode = checkUp
		}
	case res.Attribution.Fault.Ours():
		res.ExitCode = checkYou
	default:
		res.ExitCode = checkUnknown
	}
	if !since.IsZero() && res.ExitCode == checkDown {
		res.Since = &since
	}
	return res
}

// fromState reads the monitor's state file: which components answered before, and the start of
// the target's earliest open incident.
func fromState(path, target string) (map[string]bool, time.Time) {
	everOK := map[string]bool{}
	var since time.Time
	if path == "" {
		return everOK, since
	}
	doc, err := statefile.Read(path)
	if err != nil {
		return everOK, since
	}
	for _, c := range doc.Components {
		if c.Target != target && c.Target != "" {
			continue
		}
		everOK[c.Component] = c.EverOK
		if in := c.OpenIncident; in != nil && (since.IsZero() || in.StartedAt.Before(since)) {
			since = in.StartedAt
		}
	}
	return everOK, since
}

// writeCheck prints the answer for people.
func writeCheck(w io.Writer, r checkResult) {
	a := r.Attribution
	head := r.Answer
	if a.Fault != monitor.FaultNone {
		head = fmt.Sprintf("%s (%s, confidence %.0f %%)", r.Answer, a.Fault, 100*a.Confidence)
	}
	fmt.Fprintf(w, "%s %s at %s: %s\n", r.Target, r.Model, r.BaseURL, head)
	for _, c := range r.Components {
		detail := fmt.Sprintf("%.0f ms", c.TotalMs)
		if c.Status != "up" {
			detail = fmt.Sprintf("%s (HTTP %d)", c.Class, c.HTTP)
		}
		official := ""
		if c.Official != "" {
			official = ", status page: " + string(c.Official)
		}
		fmt.Fprintf(w, "  %-12s %-8s %s%s\n", c.Component, c.Status, detail, official)
	}
	if r.Official != "" {
		fmt.Fprintf(w, "  status page: %s\n", r.Official)
	}
	for _, e := range a.Evidence {
		fmt.Fprintf(w, "  - %s\n", e)
	}
	if r.Since != nil {
		fmt.Fprintf(w, "  since %s (the monitor's state file)\n", r.Since.UTC().Format(time.RFC3339))
	}
	var up []string
	for _, c := range r.Controls {
		if c.Reached && !slices.Contains(up, c.Name) {
			up = append(up, c.Name)
		}
	}
	if len(up) > 0 && r.ExitCode == checkDown {
		fmt.Fprintf(w, "  answering: %s\n", strings.Join(up, ", "))
	}
}
