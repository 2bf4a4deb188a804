package monitor

import (
	"context"
	"sync"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
)

// DefaultConfirmations and ConfirmEvery are the confirmation probes a monitor sends, and the
// detector's thresholds (detect.Defaults) are tuned with: after a regular probe of a component
// the detector is in doubt about (detect.Detector.WantsConfirmation), up to three more, 4 s
// apart, while it stays in doubt. They cost about 9 % more probes in a noisy healthy week,
// nearly all right after a background failure. MaxConfirmations is as many as fit between
// 15-second rounds.
const (
	DefaultConfirmations = 3
	MaxConfirmations     = 3
	ConfirmEvery         = 4 * time.Second
)

// RoundResult is one round of a component: its regular probe and the confirmation probes
// that followed it.
type RoundResult struct {
	Regular       *probe.Result
	Confirmations []*probe.Result
}

// Round probes c once, then sends the confirmation probes the detector asks for: while c stays
// in doubt, up to Confirmations more, ConfirmEvery apart (in scenario time) from the regular
// probe's start. They stop when a newer regular probe of c starts (so a script probing every
// second sends none), when one is held back or aborted, and when ctx ends. The status
// component is a read of the official page for a StatusProber.
func (m *Monitor) Round(ctx context.Context, c probe.Component, p Prober) RoundResult {
	if _, ok := p.(StatusProber); ok && c == probe.Status {
		return RoundResult{Regular: m.Probe(ctx, c, p)}
	}
	began := m.Clock.Now()
	superseded := m.Rounds.begin(m.Target + "/" + string(c))
	out := RoundResult{Regular: m.Probe(ctx, c, p)}
	if r := out.Regular; c == probe.Status || r.Skipped != "" || r.Aborted {
		return out
	}
	for k := 1; k <= m.Confirmations; k++ {
		// Let the other probes due at this instant be observed first (in virtual time; real
		// time goes on at once), so the doubt is judged on them too, as after probeAll's
		// concurrent probes.
		if !m.Clock.Until(ctx, m.Clock.Now(), superseded) || !m.wantsConfirmation(c) {
			break
		}
		at := began.Add(time.Duration(float64(k) * float64(m.spacing()) / max(m.Speed, 1e-9)))
		if !m.Clock.Until(ctx, at, superseded) || !m.wantsConfirmation(c) {
			break
		}
		r := m.probe(ctx, c, p, true)
		out.Confirmations = append(out.Confirmations, r)
		if r.Skipped != "" || r.Aborted {
			break
		}
	}
	return out
}

func (m *Monitor) wantsConfirmation(c probe.Component) bool {
	return m.Detector().WantsConfirmation(m.Target, string(c), m.Clock.Now())
}

func (m *Monitor) spacing() time.Duration {
	if m.ConfirmEvery > 0 {
		return m.ConfirmEvery
	}
	return ConfirmEvery
}

// Probe sends one regular probe of c, without confirmations: through the gate, observed. The
// status component is a read of the official page for a StatusProber.
func (m *Monitor) Probe(ctx context.Context, c probe.Component, p Prober) *probe.Result {
	if sp, ok := p.(StatusProber); ok && c == probe.Status {
		return m.readStatus(ctx, sp)
	}
	return m.probe(ctx, c, p, false)
}

// probe sends one probe through the gate and observes it.
func (m *Monitor) probe(ctx context.Context, c probe.Component, p Prober, confirmation bool) *probe.Result {
	admit := m.Gate.Admit
	if confirmation {
		admit = m.Gate.AdmitConfirmation
	}
	ticket, skip := admit(c, m.Costs.Pool(c), m.Clock.Now(), m.Costs.Estimate(c))
	if skip != nil {
		skip.Confirmation = confirmation
		skip.State = string(m.Detector().State(m.Target, string(c)))
		p.Skipped(skip)
		return skip
	}
	r := p.Send(ctx, c, confirmation)
	r.Confirmation = confirmation
	now := m.Clock.Now()
	m.Gate.Done(ticket, r, now)
	if !r.Aborted {
		p.Observed(r, m.observe(r, now))
	}
	return r
}

// readStatus is the status component: the official page, read at the poller's cadence. A fresh
// read is observed like any probe and, when the page parses, gives the detector the page's word
// on each probed component. Between reads it returns the last result, marked cached, and
// records nothing.
func (m *Monitor) readStatus(ctx context.Context, p StatusProber) *probe.Result {
	read, etag, cached := m.Status.Claim(m.Clock.Now())
	if !read {
		return &cached
	}
	r, body := p.ReadStatus(ctx, etag)
	stored, page := m.Status.Store(*r, body)
	*r = stored
	if r.Aborted {
		return r
	}
	now := m.Clock.Now()
	p.Observed(r, m.observe(r, now))
	if page != nil {
		p.Official(m.official(page, now))
	}
	return r
}

// Run probes components every interval from now until ctx ends or the clock does: the
// schedule of a monitor that owns its cadence (replay; a long-running monitor). Each round of
// each component runs beside the others, with the prober probers makes for it when the round
// is due, in component order.
func (m *Monitor) Run(ctx context.Context, interval time.Duration, components []probe.Component, probers func(at time.Time, c probe.Component) Prober) {
	for at := m.Clock.Now(); m.Clock.Until(ctx, at, nil); at = at.Add(interval) {
		for _, c := range components {
			p := probers(at, c)
			m.Clock.Go(func() { m.Round(ctx, c, p) })
		}
	}
}

// Rounds tells each round of a component when a newer regular probe of it starts, from any
// VU or target sharing the name: its confirmations are then moot, since the newer one samples
// the component now. A nil Rounds supersedes nothing.
type Rounds struct {
	mu   sync.Mutex
	open map[string]chan struct{}
}

// begin marks the start of a regular probe of key and returns the channel closed at the next.
func (r *Rounds) begin(key string) <-chan struct{} {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.open == nil {
		r.open = map[string]chan struct{}{}
	}
	if old := r.open[key]; old != nil {
		close(old)
	}
	ch := make(chan struct{})
	r.open[key] = ch
	return ch
}
