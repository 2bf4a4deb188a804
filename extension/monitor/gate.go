package monitor

import (
	"fmt"
	"sync"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
)

// Skip reasons: why a probe was not sent.
const (
	SkipRetryAfter = "retry_after" // the provider asked us to wait (Retry-After)
	SkipBackoff    = "backoff"     // the component keeps failing: probed at a reduced rate
	SkipBudget     = "budget"      // the run's spend cap would be exceeded
)

// Gate keeps a monitor polite: it honours Retry-After for every component sharing the limited
// pool (the components spending one model's tokens share its rate limits; control probes such as
// the model list are their own pool, so a rate limit never blinds the monitor to them), and when
// a component keeps failing on the provider's side it lets only every second, then every fourth
// probe through until one succeeds ("continuously trying to access the service might exacerbate
// the problem"). It also holds the target's spend cap. It is clock-free (callers pass the time)
// and safe for concurrent use; one Gate serves every VU probing the same target.
type Gate struct {
	// DownAfter consecutive provider or edge failures start the backoff; MaxFactor bounds it
	// (1 probe in MaxFactor); MaxRetryAfter bounds how long a Retry-After may silence a target.
	DownAfter     int
	MaxFactor     int
	MaxRetryAfter time.Duration
	// BudgetUSD caps what this target's probes may spend in the run; 0 means no cap.
	BudgetUSD float64
	// BudgetPeriod renews the cap every period, counted from the first probe: a run that lasts
	// for months (a continuous monitor) gets a daily cap, say, instead of stopping for good once
	// its first dollar is spent. 0: one cap for the whole run.
	BudgetPeriod time.Duration

	mu       sync.Mutex
	waits    map[string]retryWait // by pool
	comps    map[probe.Component]*backoff
	spent    float64 // in the current budget period
	reserved float64
	period   time.Time // start of the current budget period
}

type backoff struct {
	fails   int // consecutive provider/edge failures of sent probes
	skipped int // probes held back since the last one sent
	class   classify.Class
}

// NewGate returns a gate with the defaults: back off after 4 failures in a row (the detector's
// MinFailures, so detection is never slowed), down to 1 probe in 4, Retry-After honoured up to
// 10 minutes, and the given spend cap.
func NewGate(budgetUSD float64) *Gate {
	return &Gate{DownAfter: 4, MaxFactor: 4, MaxRetryAfter: 10 * time.Minute, BudgetUSD: budgetUSD}
}

// Impolite turns off backoff and Retry-After for load tests, which must keep their load; the
// spend cap stays.
func (g *Gate) Impolite() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.DownAfter, g.MaxRetryAfter = 0, 0
}

type retryWait struct {
	until time.Time
	why   classify.Class
	wait  time.Duration
}

// Ticket is an admitted probe's reservation; Done must be called with its result.
type Ticket struct {
	c        probe.Component
	pool     string
	estimate float64
	confirm  bool
}

// Admit decides whether a probe of c, in rate-limit pool (probe.Target.Pool), may be sent at now.
// When it may not, the returned result says why (Skipped, Class, Message) and carries no
// measurement. estimate is the most the probe can cost (probe.Target.Estimate).
func (g *Gate) Admit(c probe.Component, pool string, now time.Time, estimate float64) (*Ticket, *probe.Result) {
	return g.admit(c, pool, now, estimate, false)
}

// AdmitConfirmation is Admit for a confirmation probe (one the detector asks for while in
// doubt). It obeys Retry-After and the spend cap but not the failure-streak backoff, and its
// failures do not lengthen the streak: confirmations are few (three per round at most) and stop
// by themselves once an outage is confirmed, and the backoff is for the outage's duration.
func (g *Gate) AdmitConfirmation(c probe.Component, pool string, now time.Time, estimate float64) (*Ticket, *probe.Result) {
	return g.admit(c, pool, now, estimate, true)
}

func (g *Gate) admit(c probe.Component, pool string, now time.Time, estimate float64, confirm bool) (*Ticket, *probe.Result) {
	g.mu.Lock()
	defer g.mu.Unlock()
	skip := func(why string, class classify.Class, msg string) (*Ticket, *probe.Result) {
		return nil, &probe.Result{Component: c, Skipped: why, Class: class, Start: now, Message: msg}
	}
	if w := g.waits[pool]; now.Before(w.until) {
		return skip(SkipRetryAfter, w.why, fmt.Sprintf("not sent: the provider asked to retry after %s (%s); %s left",
			w.wait.Round(time.Second), w.why, w.until.Sub(now).Round(time.Second)))
	}
	b := g.comp(c)
	if f := g.factor(b.fails); !confirm && b.skipped+1 < f {
		b.skipped++
		return skip(SkipBackoff, b.class, fmt.Sprintf("not sent: %d failures in a row (%s), probing 1 in %d until it answers",
			b.fails, b.class, f))
	}
	g.renew(now)
	if g.BudgetUSD > 0 && g.spent+g.reserved+estimate > g.BudgetUSD {
		if g.BudgetPeriod > 0 {
			return skip(SkipBudget, "", fmt.Sprintf("not sent: this probe could cost up to $%.6f and $%.6f of the $%.2f cap for %s has been spent; it renews in %s",
				estimate, g.spent+g.reserved, g.BudgetUSD, g.BudgetPeriod, g.period.Add(g.BudgetPeriod).Sub(now).Round(time.Second)))
		}
		return skip(SkipBudget, "", fmt.Sprintf("not sent: this probe could cost up to $%.6f and the run has spent $%.6f of its $%.2f cap",
			estimate, g.spent+g.reserved, g.BudgetUSD))
	}
	if !confirm {
		b.skipped = 0
	}
	g.reserved += estimate
	return &Ticket{c: c, pool: pool, estimate: estimate, confirm: confirm}, nil
}

// renew starts a new budget period when the current one is over (with the lock held). Periods
// are whole multiples of BudgetPeriod from the first, so a run idle for a while does not shift
// them.
func (g *Gate) renew(now time.Time) {
	if g.BudgetPeriod <= 0 {
		return
	}
	if g.period.IsZero() {
		g.period = now
		return
	}
	if gone := now.Sub(g.period); gone >= g.BudgetPeriod {
		g.period = g.period.Add(gone - gone%g.BudgetPeriod)
		g.spent = 0
	}
}

// Done records the result of an admitted probe at now.
func (g *Gate) Done(t *Ticket, r *probe.Result, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.reserved -= t.estimate
	g.spent += r.CostUSD
	if r.Aborted {
		return
	}
	b := g.comp(t.c)
	switch {
	case r.OK:
		b.fails, b.class = 0, ""
	case r.RetryAfterMs > 0: // the provider said when to come back: that wait is the backoff
	case t.confirm: // see AdmitConfirmation
	case r.Blame == classify.BlameProvider || r.Blame == classify.BlameEdge:
		b.fails++
		b.class = r.Class
	}
	if r.RetryAfterMs > 0 && g.MaxRetryAfter > 0 {
		wait := min(time.Duration(r.RetryAfterMs)*time.Millisecond, g.MaxRetryAfter)
		if u := now.Add(wait); u.After(g.waits[t.pool].until) {
			if g.waits == nil {
				g.waits = map[string]retryWait{}
			}
			g.waits[t.pool] = retryWait{until: u, why: r.Class, wait: wait}
		}
	}
}

// Spent is what admitted probes have cost so far in the current budget period (the run, without
// one), at list prices.
func (g *Gate) Spent() float64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.spent
}

func (g *Gate) comp(c probe.Component) *backoff {
	if g.comps == nil {
		g.comps = map[probe.Component]*backoff{}
	}
	b := g.comps[c]
	if b == nil {
		b = &backoff{}
		g.comps[c] = b
	}
	return b
}

// factor is 1 in how many probes is sent after fails consecutive failures: all until DownAfter,
// then doubling every DownAfter failures up to MaxFactor.
func (g *Gate) factor(fails int) int {
	if g.DownAfter <= 0 || fails < g.DownAfter {
		return 1
	}
	f := 2
	for n := fails - g.DownAfter; n >= g.DownAfter && f < g.MaxFactor; n -= g.DownAfter {
		f *= 2
	}
	return min(f, max(g.MaxFactor, 1))
}
