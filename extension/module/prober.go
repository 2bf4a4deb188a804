package module

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"go.k6.io/k6/v2/lib"
	"go.k6.io/k6/v2/metrics"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/monitor"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/telemetry"
)

// vuEnv is what probing needs of the VU, captured on the JS thread when a probe is asked for.
type vuEnv struct {
	ctx    context.Context // the VU's: ends with the iteration or the test
	parent context.Context // the trace parent of every probe's span
	rt     http.RoundTripper
	state  *lib.State
	base   metrics.TagsAndMeta // the VU's tags and metadata
}

// capture reads the VU's state; it fails in the init context.
func (t *Target) capture(what string) (*vuEnv, error) {
	vu := t.inst.vu
	state := vu.State()
	if state == nil {
		return nil, fmt.Errorf("%s must be called from VU code (the default function), not the init context", what)
	}
	t.inst.root.startCheckpoints(t.inst) // once, with the run's first probe
	ctx := vu.Context()
	base := state.Tags.GetCurrentValues()
	if loc, ok := base.Tags.Get("location"); ok && t.location == "" {
		t.location = loc
		t.mon.SetLocation(loc)
	}
	return &vuEnv{ctx: ctx, parent: telemetry.ParentFromTraceparent(ctx, t.traceParent),
		rt: telemetry.Propagate{Next: t.transport(state)}, state: state, base: base}, nil
}

// prober is the monitor's hands in one component's round: it sends probes through the VU's
// transport under k6's --rps limit with a span each, and records each as k6 samples, the
// span's end and the run report, logging state changes so k6's own output tells the story.
func (env *vuEnv) prober(t *Target) *vuProber { return &vuProber{vuEnv: env, t: t} }

type vuProber struct {
	*vuEnv
	t    *Target
	span trace.Span // of the probe under way (a round's probes run one after another)
}

var _ monitor.StatusProber = (*vuProber)(nil)

// Send runs one probe. Waiting for k6's --rps limiter counts as part of it, as for k6's own
// requests; a test stopping meanwhile aborts it.
func (p *vuProber) Send(ctx context.Context, c probe.Component, _ bool) *probe.Result {
	if l := p.state.RPSLimit; l != nil && l.Wait(ctx) != nil {
		return &probe.Result{Component: c, Provider: p.t.cfg.Provider, Model: p.t.cfg.ModelOf(c), Aborted: true}
	}
	sctx := p.start(c, p.t.cfg.ModelOf(c))
	r := probe.Run(sctx, p.rt, &p.t.cfg, c)
	return p.sent(&r)
}

// ReadStatus reads the official status page once.
func (p *vuProber) ReadStatus(ctx context.Context, etag string) (*probe.Result, probe.StatusRead) {
	sctx := p.start(probe.Status, "")
	r, read := probe.ReadStatus(sctx, p.rt, &p.t.cfg, etag)
	return p.sent(&r), read
}

func (p *vuProber) start(c probe.Component, model string) context.Context {
	sctx, span := telemetry.StartProbe(p.parent, p.state.TracerProvider, p.t.spanTarget(), c, model)
	p.span = span
	return sctx
}

// sent stamps the trace id on the result; an aborted probe's span ends here, since nothing
// will be recorded for it.
func (p *vuProber) sent(r *probe.Result) *probe.Result {
	if sc := p.span.SpanContext(); sc.IsValid() && sc.IsSampled() {
		r.TraceID = sc.TraceID().String()
	}
	if r.Aborted {
		p.span.End()
	}
	return r
}

// Skipped records a probe the gate held back: only chatgpt_probes_skipped.
func (p *vuProber) Skipped(r *probe.Result) {
	r.Provider, r.Model = p.t.cfg.Provider, p.t.cfg.ModelOf(r.Component)
	telemetry.Push(p.ctx, p.state.Samples, p.t.inst.metrics.SkippedSamples(r, p.base, r.Start))
}

// Observed records a sent probe: the run report, the log, its span and its samples.
func (p *vuProber) Observed(r *probe.Result, v monitor.View) {
	p.t.inst.root.recorder().Observe(v.At, p.t.Name, string(r.Component), r.Class, r.Advice, r.Message, r.Timings.TTFT, v.State)
	p.logChanges(v)
	if len(v.Opened) > 0 { // who is at fault, for the incident's metric and span
		v.Fault = faultOf(p.t.mon.Detector().Snapshot(v.At), p.t.Name)
		p.span.SetAttributes(attribute.String("chatgpt.fault", string(v.Fault)))
	}
	telemetry.EndProbe(p.span, p.t.spanTarget(), r, v.Changes)
	samples := p.t.inst.metrics.Samples(r, p.base, v.At, v)
	if n := p.t.inst.spans.TakeNew(); n > 0 {
		samples.Samples = append(samples.Samples, p.t.inst.metrics.LostSpansSample(n, p.base, v.At))
	}
	telemetry.Push(p.ctx, p.state.Samples, samples)
}

// Official records the page's word: the log of what it changed and chatgpt_official_status.
func (p *vuProber) Official(readings []monitor.Reading, v monitor.View) {
	p.logChanges(v)
	out := make([]metrics.Sample, 0, len(readings))
	for _, rd := range readings {
		out = append(out, p.t.inst.metrics.OfficialSample(p.t.cfg.Provider, p.t.cfg.ModelOf(probe.Component(rd.Component)),
			rd.Component, rd.State.Level(), p.base, v.At))
	}
	if len(out) > 0 {
		telemetry.Push(p.ctx, p.state.Samples, metrics.ConnectedSamples{Samples: out, Time: v.At})
	}
}

// logChanges writes state changes to k6's log, so its own output tells the story.
func (p *vuProber) logChanges(v monitor.View) {
	log := p.state.Logger
	for _, c := range v.Changes {
		in, _ := p.t.mon.Detector().Incident(c.Incident)
		switch {
		case c.To == detect.Maintenance || c.From == detect.Maintenance:
			log.Infof("xk6-chatgpt: %s/%s %s -> %s (declared by the official status page)", c.Target, c.Component, c.From, c.To)
		case c.From == detect.Operational:
			log.Warnf("xk6-chatgpt: %s/%s %s -> %s (incident %s, first bad probe %s ago)", c.Target, c.Component,
				c.From, c.To, c.Incident, v.At.Sub(in.StartedAt).Round(time.Second))
		case c.To == detect.Operational:
			log.Infof("xk6-chatgpt: %s/%s recovered, %s -> %s (incident %s lasted %s)", c.Target, c.Component,
				c.From, c.To, c.Incident, in.Duration(v.At).Round(time.Second))
		default:
			log.Warnf("xk6-chatgpt: %s/%s %s -> %s (incident %s)", c.Target, c.Component, c.From, c.To, c.Incident)
		}
	}
}
