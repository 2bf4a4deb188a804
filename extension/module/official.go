package module

import (
	"context"
	"net/http"
	"sort"
	"time"

	"go.k6.io/k6/v2/lib"
	"go.k6.io/k6/v2/metrics"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/telemetry"
)

// pollStatus is the status component: the official page, read at its own cadence. A fresh read
// is a probe like any other (metrics, detector) and, when the page parses, gives the detector
// the page's word on each of the target's components and chatgpt_official_status its gauge.
// Between reads it resolves at once with the last result, marked cached, and records nothing.
func (t *Target) pollStatus(ctx, parent context.Context, rt http.RoundTripper, state *lib.State, base metrics.TagsAndMeta) *probe.Result {
	if !t.poller.Due(time.Now()) {
		r, _, _ := t.poller.Poll(ctx, rt, &t.cfg, time.Now())
		r.Provider = t.cfg.Provider
		return &r
	}
	sctx, span := telemetry.StartProbe(parent, state.TracerProvider, t.spanTarget(), probe.Status, "")
	r, page, fresh := t.poller.Poll(sctx, rt, &t.cfg, time.Now())
	r.Provider = t.cfg.Provider
	if !fresh { // another VU read it meanwhile
		span.End()
		return &r
	}
	t.finish(ctx, span, &r, state, base)
	if page != nil {
		telemetry.Push(ctx, state.Samples, metrics.ConnectedSamples{Samples: t.official(page, time.Now(), base), Time: time.Now()})
	}
	return &r
}

// official feeds the page's word on every configured component to the detector and returns
// the chatgpt_official_status samples.
func (t *Target) official(page *statuspage.Page, now time.Time, base metrics.TagsAndMeta) []metrics.Sample {
	view := t.officialMap.View(page, now)
	det := t.inst.root.detector()
	comps := make([]string, 0, len(view.States))
	for c := range view.States {
		comps = append(comps, c)
	}
	sort.Strings(comps)
	var out []metrics.Sample
	for _, c := range comps {
		if !t.probes(c) {
			continue
		}
		st := view.States[c]
		if st == statuspage.Unknown {
			st = "" // a word we do not know is no word
		}
		in := view.Acks[c]
		changes := det.ObserveOfficial(detect.Official{At: now, Target: t.Name, Component: c, State: detect.State(st),
			AckAt: in.AckAt, Incident: in.Name})
		t.logChanges(det, changes, now, &telemetry.Detection{})
		if st != "" {
			out = append(out, t.inst.metrics.OfficialSample(t.cfg.Provider, t.cfg.ModelOf(probe.Component(c)), c, detect.State(st).Level(), base, now))
		}
	}
	return out
}

// probes reports whether the target probes component c.
func (t *Target) probes(c string) bool {
	for _, pc := range t.comps {
		if string(pc) == c && pc != probe.Status {
			return true
		}
	}
	return false
}
