package module

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/grafana/sobek"
	"go.k6.io/k6/v2/js/promises"
	"go.k6.io/k6/v2/lib"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/monitor"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/telemetry"
)

// Target is what chatgpt.target() returns to JS. Exported fields are read-only views of the
// configuration; the API key is not among them.
type Target struct {
	Provider    string   `js:"provider"`
	Model       string   `js:"model"`
	BaseURL     string   `js:"baseURL"`
	Components  []string `js:"components"`
	Simulated   bool     `js:"simulated"`
	BudgetUSD   float64  `js:"budgetUSD"`
	Name        string   `js:"name"`        // the detector's name for it (default: the provider)
	Alternative bool     `js:"alternative"` // a fallback for the other targets
	// Confirmations is how many extra probes probe() and probeAll() send after a regular probe
	// of a component the detector is in doubt about.
	Confirmations int `js:"confirmations"`

	cfg   probe.Target
	comps []probe.Component
	inst  *Instance
	// traceParent is K6_TRACE_PARENT, read at init: k6 gives VU code no environment to read.
	traceParent string
	// location is CHATGPT_LOCATION, else the run's location tag (--tag location=eu-west), which
	// only VU code sees: the evidence of the incidents the target opens names it.
	location string
	// mon is this target's monitoring loop; its gate, status poller, rounds and detector are
	// shared with every VU probing the same target.
	mon *monitor.Monitor
	// semconv is the GenAI vocabulary of its spans (OTEL_SEMCONV_STABILITY_OPT_IN)
	semconv telemetry.Semconv
}

func newTarget(i *Instance, opts map[string]any) (*Target, error) {
	t := &Target{inst: i, traceParent: i.env("K6_TRACE_PARENT"), semconv: telemetry.ParseSemconv(i.env("OTEL_SEMCONV_STABILITY_OPT_IN"))}
	o := &options{m: opts}
	c := &t.cfg
	x := o.parse(c, i.env)
	if o.err != nil {
		return nil, o.err
	}
	t.BudgetUSD, t.Name, t.Alternative, t.Confirmations = x.budget, x.name, x.alternative, x.confirmations
	var err error
	if t.comps, err = parseComponents(opts["components"]); err != nil {
		return nil, err
	}
	speed, err := i.resolveBaseURL(t, x.simulator)
	if err != nil {
		return nil, err
	}
	c.Book = i.root.book(c.Provider+"|"+c.BaseURL+"|"+c.Model, c.Provider)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := c.CheckComponents(t.comps); err != nil {
		return nil, err
	}
	t.Provider, t.Model, t.BaseURL = c.Provider, c.Model, c.BaseURL
	i.root.watchModels(t.Name, c, t.comps)
	i.root.addTarget(t.Name, t.Simulated, c.APIKey)
	for _, pe := range probe.Endpoints { // a key in the environment is a secret, whether a target uses it or not
		i.root.secrets.Add(i.env(pe.KeyEnv))
	}
	c.Secrets = &i.root.secrets
	i.root.guardStdlog()
	for _, pc := range t.comps {
		t.Components = append(t.Components, string(pc))
	}
	key := c.Provider + "|" + c.BaseURL + "|" + c.Model
	if x.impolite {
		key += "|load"
	}
	m := monitor.New(t.Name, c, i.root.detector())
	if x.statusInterval == 0 && speed > 1 { // a sped-up simulator's page changes on its clock
		x.statusInterval = time.Duration(float64(monitor.DefaultStatusInterval) / speed)
	}
	m.Gate, m.Status = i.root.gate(key, t.BudgetUSD, x.budgetPeriod, x.statusInterval)
	m.Rounds, m.Confirmations, m.Speed, m.TrustTruth = &i.root.rounds, t.Confirmations, speed, t.Simulated || c.GroundTruth
	m.Official, m.Probes, m.ConfirmEvery = x.official, t.comps, confirmEvery
	t.location = i.env("CHATGPT_LOCATION")
	m.SetLocation(t.location)
	t.mon = m
	if x.impolite { // a load test: no backoff, no waiting out Retry-After; the budget still holds
		m.Gate.Impolite()
		i.root.loadMode(i)
	}
	if err := i.root.useMemory(i, t, x); err != nil {
		return nil, err
	}
	if err := i.root.useNotifications(i); err != nil {
		return nil, err
	}
	if err := i.root.useCheckpoint(i, x.checkpoint); err != nil {
		return nil, err
	}
	i.root.subscribeExit(i)
	if t.Alternative {
		i.root.detector().SetAlternative(t.Name)
	}
	return t, nil
}

// resolveBaseURL picks the API URL: the option or environment, else the provider's public API
// when a key is set, else the embedded simulator — but only on a developer's machine or when
// asked for (simulator: true, CHATGPT_TARGET=simulator): in CI, or when the run writes reports,
// a missing key is an error, so a rehearsal never publishes a verdict on the real service. A
// simulator's target gets the simulator's web and status pages too, so a rehearsal never
// reaches the real ones. It returns the speed of the simulator served there (1: real time).
func (i *Instance) resolveBaseURL(t *Target, simulator bool) (speed float64, err error) {
	c := &t.cfg
	pe := probe.Endpoints[c.Provider]
	origin, speed := "", 1.0
	switch {
	case c.BaseURL != "":
		if origin, speed = i.root.simOf(c.BaseURL); origin == "" && simulator {
			return 0, fmt.Errorf("the simulator was asked for (simulator option or CHATGPT_TARGET=simulator), but baseURL %s is not a simulator of this run", c.BaseURL)
		}
	case c.APIKey != "" && !simulator:
		c.BaseURL = pe.URL
		if c.BaseURL == "" {
			return 0, fmt.Errorf("provider %s needs baseURL (or %s)", c.Provider, pe.BaseEnv)
		}
	default:
		if why := i.env("CI") + i.env("CHATGPT_REPORT_DIR"); why != "" && !simulator {
			return 0, fmt.Errorf("%s is not set (nor %s, nor the apiKey and baseURL options), and this run is in CI or writes reports, so it would probe the embedded simulator and report on it as if it were %s: set %s (a missing secret reads as empty), or set CHATGPT_TARGET=simulator to rehearse against the simulator",
				pe.KeyEnv, pe.BaseEnv, c.Provider, pe.KeyEnv)
		}
		c.APIKey = "" // the simulator was asked for: no key travels to it
		s, started, err := i.root.simulator()
		if err != nil {
			return 0, fmt.Errorf("no API key or base URL, and the embedded simulator failed: %w", err)
		}
		if started {
			i.vu.InitEnv().Logger.Warnf("xk6-chatgpt: this run probes the embedded simulator at %s, not a real API: "+
				"every report says SIMULATOR. Set %s to probe %s, or %s for any OpenAI-compatible endpoint.", s.URL, pe.KeyEnv, c.Provider, pe.BaseEnv)
		}
		origin, t.Simulated = strings.TrimSuffix(s.URL, "/v1"), true
		c.BaseURL = origin + simPaths[c.Provider]
	}
	if origin != "" {
		t.Simulated = true
		if c.WebURL == "" {
			c.WebURL = origin + "/web/"
		}
		if c.StatusURL == "" {
			c.StatusURL = origin + "/api/v2/summary.json"
		}
	}
	return speed, nil
}

// confirmEvery spaces confirmation probes (0: monitor.ConfirmEvery); tests shorten it.
var confirmEvery time.Duration

// Probe is target.probe(component): a Promise of a ProbeResult, with the confirmation probes
// the detector asked for in r.confirmations. HTTP and stream failures resolve with ok=false and
// a class; only misuse (unknown component, init context) throws.
func (t *Target) Probe(component string) (*sobek.Promise, error) {
	c, err := t.component(component)
	if err != nil {
		return nil, err
	}
	return t.async("probe()", func(env *vuEnv) any { return t.round(env, c) })
}

// ProbeAll is target.probeAll(): every configured component at once, a Promise of an array of
// results in configuration order.
func (t *Target) ProbeAll() (*sobek.Promise, error) {
	return t.async("probeAll()", func(env *vuEnv) any {
		out := make([]*jsProbeResult, len(t.comps))
		var wg sync.WaitGroup
		for n, c := range t.comps {
			wg.Go(func() { out[n] = t.round(env, c) })
		}
		wg.Wait()
		return out
	})
}

// ProbeSync is target.probeSync(component): one probe, blocking the VU until it ends, as k6's
// own http calls do, and without confirmation probes. For load tests whose VUs each keep one
// stream in flight, it saves the promise machinery per request; monitors use probe().
func (t *Target) ProbeSync(component string) (*jsProbeResult, error) {
	c, err := t.component(component)
	if err != nil {
		return nil, err
	}
	env, err := t.capture("probeSync()")
	if err != nil {
		return nil, err
	}
	var r *probe.Result
	t.guard(c, &r, func() { r = t.mon.Probe(env.ctx, c, env.prober(t)) })
	return jsResult(r), nil
}

func (t *Target) component(name string) (probe.Component, error) {
	c, err := probe.ParseComponent(name)
	if err != nil {
		return "", err
	}
	return c, t.cfg.CheckComponents([]probe.Component{c})
}

// round runs the monitor's round of c: the probe and its confirmations.
func (t *Target) round(env *vuEnv, c probe.Component) *jsProbeResult {
	var rr monitor.RoundResult
	t.guard(c, &rr.Regular, func() { rr = t.mon.Round(env.ctx, c, env.prober(t)) })
	out := jsResult(rr.Regular)
	for _, r := range rr.Confirmations {
		out.Confirmations = append(out.Confirmations, jsResult(r))
	}
	return out
}

// async captures the VU's state on the JS thread, then runs work in a goroutine and resolves the
// promise with its value. Every probe's samples are pushed as soon as it ends.
func (t *Target) async(what string, work func(env *vuEnv) any) (*sobek.Promise, error) {
	env, err := t.capture(what)
	if err != nil {
		return nil, err
	}
	p, resolve, _ := promises.New(t.inst.vu)
	go func() { resolve(work(env)) }()
	return p, nil
}

// guard turns a panic while probing (a bug of ours, never input: input is classified) into an
// unknown-class result in *r whose message carries no secret, instead of killing the k6 process.
func (t *Target) guard(c probe.Component, r **probe.Result, run func()) {
	defer func() {
		if rec := recover(); rec != nil {
			msg := secret.Line(fmt.Sprintf("internal error while probing: %v", rec), 1024, t.inst.root.secrets.Literals()...)
			if st := t.inst.vu.State(); st != nil && st.Logger != nil {
				st.Logger.Errorf("xk6-chatgpt: %s (please report it)", msg)
			}
			*r = &probe.Result{Component: c, Provider: t.cfg.Provider, Model: t.cfg.ModelOf(c), Class: classify.Unknown,
				Blame: classify.BlameUnknown, Message: msg}
		}
	}()
	run()
}

func (t *Target) spanTarget() telemetry.SpanTarget {
	return telemetry.SpanTarget{Provider: t.cfg.Provider, Model: t.cfg.Model, Prompt: t.cfg.Prompt, RecordContent: t.cfg.RecordContent,
		Semconv: t.semconv}
}

// transport is the VU's transport (k6's dialer, TLS settings, data_sent/data_received), wrapped
// for --http-debug like k6's own requests.
func (t *Target) transport(state *lib.State) http.RoundTripper {
	rt := state.Transport
	if mode := state.Options.HTTPDebug.String; mode != "" {
		log := state.Logger.WithField("source", "http-debug")
		rt = &probe.DebugTransport{Next: rt, Full: mode == "full", Secrets: &t.inst.root.secrets,
			Log: func(m string) { log.Info(m) }}
	}
	return rt
}
