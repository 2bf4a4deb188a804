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
func (t *Target) pollStatus(ctx context.Context, rt http.RoundTripper, state *lib.State, base metrics.TagsAndMeta) *probe.Result {
	r, page, fresh := t.poller.Poll(ctx, rt, &t.cfg, time.Now())
	r.Provider = t.cfg.Provider
	if !fresh {
		return &r
	}
	now := time.Now()
	det := t.observe(&r, now)
	samples := t.inst.metrics.Samples(&r, base, now, det)
	if page != nil {
		samples.Samples = append(samples.Samples, t.official(page, now, base)...)
	}
	telemetry.Push(ctx, state.Samples, samples)
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
