package module

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/grafana/sobek"
	"go.k6.io/k6/v2/js/promises"
	"go.k6.io/k6/v2/lib"
	"go.k6.io/k6/v2/metrics"
	"go.opentelemetry.io/otel/trace"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
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

	cfg         probe.Target
	comps       []probe.Component
	inst        *Instance
	gate        *probe.Gate
	poller      *probe.StatusPoller
	officialMap statuspage.Map
	speed       float64 // a sped-up simulator's speed (1: real time), for confirmation spacing
}

func newTarget(i *Instance, opts map[string]any) (*Target, error) {
	t := &Target{inst: i, speed: 1}
	o := &options{m: opts}
	c := &t.cfg
	x := o.parse(c, i.env)
	if o.err != nil {
		return nil, o.err
	}
	t.BudgetUSD, t.Name, t.Alternative, t.officialMap, t.Confirmations = x.budget, x.name, x.alternative, x.official, x.confirmations
	var err error
	if t.comps, err = parseComponents(opts["components"]); err != nil {
		return nil, err
	}
	if err := i.resolveBaseURL(t); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := c.CheckComponents(t.comps); err != nil {
		return nil, err
	}
	t.Provider, t.Model, t.BaseURL = c.Provider, c.Model, c.BaseURL
	for _, pc := range t.comps {
		t.Components = append(t.Components, string(pc))
	}
	key := c.Provider + "|" + c.BaseURL + "|" + c.Model
	if x.impolite {
		key += "|load"
	}
	t.gate, t.poller = i.root.gate(key, t.BudgetUSD, x.statusInterval)
	if x.impolite { // a load test: no backoff, no waiting out Retry-After; the budget still holds
		t.gate.Impolite()
		i.root.loadMode(i)
	}
	if err := i.root.useMemory(i, t, x); err != nil {
		return nil, err
	}
	if t.Alternative {
		i.root.detector().SetAlternative(t.Name)
	}
	return t, nil
}

// resolveBaseURL picks the API URL: the option or environment, else the provider's public API
// when a key is set, else the embedded simulator. A simulator's target gets the simulator's web
// and status pages too, so a rehearsal never reaches the real ones.
func (i *Instance) resolveBaseURL(t *Target) error {
	c := &t.cfg
	origin := ""
	switch {
	case c.BaseURL != "":
		origin, t.speed = i.root.simOf(c.BaseURL)
	case c.APIKey != "":
		c.BaseURL = providerEnv[c.Provider].url
		if c.BaseURL == "" {
			return fmt.Errorf("provider %s needs baseURL (or %s)", c.Provider, providerEnv[c.Provider].base)
		}
	default:
		s, started, err := i.root.simulator()
		if err != nil {
			return fmt.Errorf("no API key or base URL, and the embedded simulator failed: %w", err)
		}
		if started {
			i.vu.InitEnv().Logger.Warnf("xk6-chatgpt: no API key or base URL set, so this run probes the embedded "+
				"simulator at %s, not a real API. Set OPENAI_API_KEY=sk-... to probe OpenAI, or OPENAI_BASE_URL for any "+
				"OpenAI-compatible endpoint.", s.URL)
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
	return nil
}

// Probe is target.probe(component): a Promise of a ProbeResult. HTTP and stream failures resolve
// with ok=false and a class; only misuse (unknown component, init context) throws.
func (t *Target) Probe(component string) (*sobek.Promise, error) {
	c, err := probe.ParseComponent(component)
	if err != nil {
		return nil, err
	}
	if err := t.cfg.CheckComponents([]probe.Component{c}); err != nil {
		return nil, err
	}
	return t.async("probe()", func(run prober) any { return t.withConfirmations(c, run) })
}

// ProbeAll is target.probeAll(): every configured component at once, a Promise of an array of
// results in configuration order.
func (t *Target) ProbeAll() (*sobek.Promise, error) {
	return t.async("probeAll()", func(run prober) any {
		out := make([]*jsProbeResult, len(t.comps))
		var wg sync.WaitGroup
		for n, c := range t.comps {
			wg.Go(func() { out[n] = t.withConfirmations(c, run) })
		}
		wg.Wait()
		return out
	})
}

// confirmEvery is detect.ConfirmEvery; tests shorten it.
var confirmEvery = detect.ConfirmEvery

// withConfirmations probes c, then sends the confirmation probes the detector asks for: while
// c stays in doubt, up to t.Confirmations more, detect.ConfirmEvery apart from the regular
// probe's start (as replay assumes; in scenario time against a sped-up simulator). They stop
// when the next regular probe of c starts (so a script probing every second sends none) and
// when the VU's context ends.
func (t *Target) withConfirmations(c probe.Component, run prober) *jsProbeResult {
	began := time.Now()
	superseded := t.inst.root.newRound(t.Name + "/" + string(c))
	r := run(c, false)
	out := jsResult(r)
	if c == probe.Status || r.Skipped != "" || r.Aborted {
		return out
	}
	det, ctx := t.inst.root.detector(), t.inst.vu.Context()
	for k := 1; k <= t.Confirmations; k++ {
		if !det.WantsConfirmation(t.Name, string(c), time.Now()) {
			break
		}
		timer := time.NewTimer(time.Until(began.Add(time.Duration(float64(k) * float64(confirmEvery) / t.speed))))
		select {
		case <-ctx.Done():
			timer.Stop()
			return out
		case <-superseded: // the next regular probe is here: a script probing faster needs none
			timer.Stop()
			return out
		case <-timer.C:
		}
		if !det.WantsConfirmation(t.Name, string(c), time.Now()) {
			break
		}
		cr := run(c, true)
		out.Confirmations = append(out.Confirmations, jsResult(cr))
		if cr.Skipped != "" || cr.Aborted {
			break
		}
	}
	return out
}

// async captures the VU's state on the JS thread, then runs work in a goroutine and resolves the
// promise with its value. Every probe's samples are pushed as soon as it ends.
func (t *Target) async(what string, work func(run prober) any) (*sobek.Promise, error) {
	run, err := t.runner(what)
	if err != nil {
		return nil, err
	}
	p, resolve, _ := promises.New(t.inst.vu)
	go func() { resolve(work(run)) }()
	return p, nil
}

// guard turns a panic while probing (a bug of ours, never input: input is classified) into an
// unknown-class result whose message carries no secret, instead of killing the k6 process.
func (t *Target) guard(c probe.Component, run func(probe.Component) *probe.Result) (r *probe.Result) {
	defer func() {
		if rec := recover(); rec != nil {
			msg := secret.Redact(fmt.Sprintf("internal error while probing: %v", rec), t.cfg.APIKey)
			if st := t.inst.vu.State(); st != nil && st.Logger != nil {
				st.Logger.Errorf("xk6-chatgpt: %s (please report it)", msg)
			}
			r = &probe.Result{Component: c, Provider: t.cfg.Provider, Model: t.cfg.ModelOf(c), Class: classify.Unknown,
				Blame: classify.BlameUnknown, Message: msg}
		}
	}()
	return run(c)
}

// ProbeSync is target.probeSync(component): the same probe, blocking the VU until it ends, as
// k6's own http calls do. For load tests whose VUs each keep one stream in flight, it saves the
// promise machinery per request; monitors use probe().
func (t *Target) ProbeSync(component string) (*jsProbeResult, error) {
	c, err := probe.ParseComponent(component)
	if err != nil {
		return nil, err
	}
	if err := t.cfg.CheckComponents([]probe.Component{c}); err != nil {
		return nil, err
	}
	run, err := t.runner("probeSync()")
	if err != nil {
		return nil, err
	}
	return jsResult(run(c, false)), nil
}

// prober runs one probe and records it; confirmation marks the detector's extra probes.
type prober func(c probe.Component, confirmation bool) *probe.Result

// runner captures the VU's state (on the JS thread) and returns the function that runs one
// probe and records it: gate, --rps, span, probe, detector, metrics.
func (t *Target) runner(what string) (prober, error) {
	vu := t.inst.vu
	state := vu.State()
	if state == nil {
		return nil, fmt.Errorf("%s must be called from VU code (the default function), not the init context", what)
	}
	base := state.Tags.GetCurrentValues()
	ctx := vu.Context()
	parent := telemetry.ParentFromTraceparent(ctx, t.inst.env("K6_TRACE_PARENT"))
	rt := telemetry.Propagate{Next: t.transport(state)}
	probeOnce := func(c probe.Component, confirmation bool) *probe.Result {
		if c == probe.Status {
			return t.pollStatus(ctx, parent, rt, state, base)
		}
		admit := t.gate.Admit
		if confirmation {
			admit = t.gate.AdmitConfirmation
		}
		ticket, skip := admit(c, t.cfg.Pool(c), time.Now(), t.cfg.Estimate(c))
		if skip != nil {
			skip.Provider, skip.Model, skip.Confirmation = t.cfg.Provider, t.cfg.ModelOf(c), confirmation
			telemetry.Push(ctx, state.Samples, t.inst.metrics.SkippedSamples(skip, base, skip.Start))
			return skip
		}
		var r probe.Result
		if l := state.RPSLimit; l != nil && l.Wait(ctx) != nil { // k6's --rps applies to probes as to its own requests
			r = probe.Result{Component: c, Provider: t.cfg.Provider, Model: t.cfg.ModelOf(c), Aborted: true}
			t.gate.Done(ticket, &r, time.Now())
			return &r
		}
		sctx, span := telemetry.StartProbe(parent, state.TracerProvider, t.spanTarget(), c, t.cfg.ModelOf(c))
		r = probe.Run(sctx, rt, &t.cfg, c)
		r.Confirmation = confirmation
		t.finish(ctx, span, &r, state, base)
		t.gate.Done(ticket, &r, time.Now())
		return &r
	}
	return func(c probe.Component, confirmation bool) *probe.Result {
		return t.guard(c, func(c probe.Component) *probe.Result { return probeOnce(c, confirmation) })
	}, nil
}

// finish records a sent probe: the detector, its samples and its span. The trace id goes to
// the result and the samples' metadata.
func (t *Target) finish(ctx context.Context, span trace.Span, r *probe.Result, state *lib.State, base metrics.TagsAndMeta) telemetry.Detection {
	if sc := span.SpanContext(); sc.IsValid() && sc.IsSampled() {
		r.TraceID = sc.TraceID().String()
	}
	if r.Aborted {
		span.End()
		return telemetry.Detection{}
	}
	now := time.Now()
	det := t.observe(r, now) // sets r.State first
	telemetry.EndProbe(span, t.spanTarget(), r, det.Changes)
	samples := t.inst.metrics.Samples(r, base, now, det)
	if n := t.inst.spans.TakeNew(); n > 0 {
		samples.Samples = append(samples.Samples, t.inst.metrics.LostSpansSample(n, base, now))
	}
	telemetry.Push(ctx, state.Samples, samples)
	return det
}

func (t *Target) spanTarget() telemetry.SpanTarget {
	return telemetry.SpanTarget{Provider: t.cfg.Provider, Model: t.cfg.Model, Prompt: t.cfg.Prompt, RecordContent: t.cfg.RecordContent}
}

// transport is the VU's transport (k6's dialer, TLS settings, data_sent/data_received), wrapped
// for --http-debug like k6's own requests.
func (t *Target) transport(state *lib.State) http.RoundTripper {
	rt := state.Transport
	if mode := state.Options.HTTPDebug.String; mode != "" {
		log := state.Logger.WithField("source", "http-debug")
		rt = &probe.DebugTransport{Next: rt, Full: mode == "full", Secrets: []string{t.cfg.APIKey},
			Log: func(m string) { log.Info(m) }}
	}
	return rt
}
