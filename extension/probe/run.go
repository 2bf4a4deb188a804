package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
)

// Body caps: an error body bigger than this carries nothing more a classifier needs, and a
// success body of a tiny probe is a few KiB (a model list some tens).
const (
	ErrorBodyCap   = 64 << 10
	SuccessBodyCap = 1 << 20
)

// Deadline causes, told apart after the request fails via context.Cause.
var (
	errConnectTimeout = errors.New("connect deadline exceeded")
	errTTFBTimeout    = errors.New("response header deadline exceeded")
	errTotalTimeout   = errors.New("total deadline exceeded")
	errStalled        = errors.New("stream stalled")
)

// Run performs one probe of component c against t through rt. It never panics on server input
// and always returns within t.Timeouts.Total (plus scheduling slack); the caller's ctx ending
// aborts it. t must have passed Validate.
func Run(parent context.Context, rt http.RoundTripper, t *Target, c Component) Result {
	r, _ := runProbe(parent, rt, t, c, "")
	return r
}

// runProbe is Run with a conditional request (etag sent as If-None-Match, for the status page)
// that also returns the body a status probe read.
func runProbe(parent context.Context, rt http.RoundTripper, t *Target, c Component, etag string) (r Result, p *run) {
	r = Result{Component: c, Provider: t.Provider}
	p = &run{target: t, start: time.Now()}
	keys := t.secrets()
	defer r.sanitize(keys) // the redaction boundary (sanitize.go): every way out; the status page's body is redacted where it is read (status.go)
	model := t.ModelOf(c)
	var req *http.Request
	if c != Realtime {
		var err error
		if req, err = newRequest(t, c, model); err != nil { // only a bug in our own request building gets here
			r.Class, r.Blame, r.Message = classify.RequestInvalid, classify.BlameClient, err.Error()
			return r, p
		}
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		r.Host = req.URL.Host
	} else if u, err := url.Parse(t.BaseURL); err == nil {
		r.Host = u.Host
	}
	r.Stream = streamed(c) || c == Realtime
	if _, isChat := operationsWithTokens[c]; isChat {
		r.MaxTokens = t.maxTokens(model)
		if c == Responses {
			r.MaxTokens = max(r.MaxTokens, ResponsesMinTokens)
		}
	}
	r.Start = p.start
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	p.cancel = cancel
	p.arm(t.Timeouts)
	defer p.disarm()

	o := classify.Outcome{Provider: t.Provider, ExpectAnswer: c != Models}
	if c != Web && c != Status {
		r.Model = model
	}
	if c == Realtime {
		p.runRealtime(ctx, t, model, &o, &r)
	} else {
		p.send(ctx, rt, req, c, etag, &o, &r)
	}
	end := time.Now()
	cause := context.Cause(ctx)
	switch {
	case errors.Is(cause, errConnectTimeout):
		o.TimedOut, o.Stage = true, classify.StageConnect
	case errors.Is(cause, errTTFBTimeout):
		o.TimedOut, o.Stage = true, classify.StageTTFB
	case errors.Is(cause, errTotalTimeout):
		o.TimedOut = true
		if o.Stage == classify.StageNone {
			o.Stage = p.stage()
		}
	case errors.Is(cause, errStalled):
		o.Stalled = true
	case parent.Err() != nil:
		r.Aborted = true
	}
	p.finish(&r, end)
	// Output rate excludes the wait for the first token (docs/signals.md §5); non-streaming responses
	// have no first-token time, so no honest rate.
	if tm := r.Timings; tm.TTFT > 0 && tm.Total > tm.TTFT && r.Usage.Output > 0 {
		r.TokensPerSecond = float64(r.Usage.Output) / ((tm.Total - tm.TTFT) / 1000)
	}
	cl := classify.Classify(o)
	r.OK = cl.OK()
	r.Class, r.Blame, r.Retryable, r.RetryAfterMs = cl.Class, cl.Blame, cl.Retryable, cl.RetryAfterMs
	r.RateLimitKind, r.ProviderCode, r.Advice = cl.RateLimitKind, cl.ProviderCode, cl.Advice
	r.Message = cl.Message
	if cl.Class == classify.WrongAnswer { // the canary's few words are the evidence, redacted before they are cut
		a := []rune(secret.Redact(r.Answer, keys...))
		r.Message = fmt.Sprintf("%s: got %q, expected %q", r.Message, string(a[:min(len(a), 64)]), t.Canary.Answer)
	}
	if cl.Class == classify.AnswerBudgetExhausted {
		r.Message = t.budgetMessage(r.Model, r.MaxTokens, o.Reasoning)
	}
	t.noteLifecycle(&r, p.listed)
	images := 0
	if c == Images && r.OK {
		images = 1
	}
	r.CostUSD, r.CostKnown = Cost(r.Model, r.Usage, images)
	if t.SLO != nil {
		r.SLO, r.Good = t.SLO, r.OK && t.SLO.Met(r.Timings)
	}
	return r, p
}

// send makes the HTTP request of a probe and reads its answer into o and r.
func (p *run) send(ctx context.Context, rt http.RoundTripper, req *http.Request, c Component, etag string, o *classify.Outcome, r *Result) {
	req = req.WithContext(httptrace.WithClientTrace(ctx, p.trace()))
	client := &http.Client{Transport: rt, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse // never follow a redirect with the key attached
	}}
	resp, err := client.Do(req)
	if err != nil {
		o.Err, o.Stage = err, p.stage()
	} else {
		p.headersAt(time.Now())
		o.Status, o.Header, o.Stage = resp.StatusCode, resp.Header, classify.StageBody
		r.Status, r.RequestID, r.SimFault = resp.StatusCode, firstHeader(resp.Header, "X-Request-Id", "Request-Id", "Apim-Request-Id"), resp.Header.Get("X-Sim-Fault")
		if v := resp.Header.Get("X-Sim-Truth-Since"); v != "" {
			r.TruthSince, _ = time.Parse(time.RFC3339Nano, v) // zero when malformed
		}
		for i, h := range SpanHeaders {
			if v := resp.Header.Get(h); v != "" {
				if r.Headers == nil {
					r.Headers = map[string]string{}
				}
				r.Headers[spanHeaderKeys[i]] = v
			}
		}
		if c == Status && resp.StatusCode == http.StatusNotModified && etag != "" {
			o.Status, o.Content, p.notModified = http.StatusOK, 1, true // the page as last read
		} else {
			p.read(resp, c, o, r)
		}
		p.etag = resp.Header.Get("Etag")
		_ = resp.Body.Close()
	}
}

// operationsWithTokens are the components whose request carries an answer budget.
var operationsWithTokens = map[Component]bool{Chat: true, ChatStream: true, Canary: true, Responses: true}

func firstHeader(h http.Header, keys ...string) string {
	for _, k := range keys {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// run holds one probe's clock readings; httptrace calls back from other goroutines.
type run struct {
	target *Target
	start  time.Time
	cancel context.CancelCauseFunc

	mu                       sync.Mutex
	dnsStart, dnsDone        time.Time
	connStart, connDone      time.Time
	tlsStart, tlsDone        time.Time
	gotConn, firstByte, hdrs time.Time
	timers                   []*time.Timer
	stall                    *time.Timer
	disarmed                 bool // the probe is over: the stall watchdog must not re-arm

	// status pages: the body read (redacted) and parsed, the validator sent back, and whether
	// the page was unchanged
	body        []byte
	page        *statuspage.Page
	etag        string
	notModified bool
	// models list: the shutdown dates it announced, by model id
	listed map[string]string
}

func (p *run) trace() *httptrace.ClientTrace {
	at := func(dst *time.Time) func() {
		return func() { p.mu.Lock(); *dst = time.Now(); p.mu.Unlock() }
	}
	return &httptrace.ClientTrace{
		DNSStart:             func(httptrace.DNSStartInfo) { at(&p.dnsStart)() },
		DNSDone:              func(httptrace.DNSDoneInfo) { at(&p.dnsDone)() },
		ConnectStart:         func(string, string) { at(&p.connStart)() },
		ConnectDone:          func(string, string, error) { at(&p.connDone)() },
		TLSHandshakeStart:    at(&p.tlsStart),
		TLSHandshakeDone:     func(tls.ConnectionState, error) { at(&p.tlsDone)() },
		GotConn:              func(httptrace.GotConnInfo) { at(&p.gotConn)() },
		GotFirstResponseByte: at(&p.firstByte),
	}
}

// stage is how far the request got, judged from the trace.
func (p *run) stage() classify.Stage {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case !p.hdrs.IsZero():
		return classify.StageBody
	case !p.gotConn.IsZero():
		return classify.StageTTFB
	}
	return classify.StageConnect
}

func (p *run) headersAt(t time.Time) {
	p.mu.Lock()
	p.hdrs = t
	p.mu.Unlock()
}

// arm starts the phase watchdogs. Each cancels the request with its own cause if its phase has
// not been passed when it fires, so the classifier can tell a slow connect from a slow model.
func (p *run) arm(to Timeouts) {
	p.timers = append(p.timers,
		time.AfterFunc(to.Connect, func() {
			if p.stage() == classify.StageConnect {
				p.cancel(errConnectTimeout)
			}
		}),
		time.AfterFunc(to.TTFB, func() {
			if p.stage() != classify.StageBody {
				p.cancel(errTTFBTimeout)
			}
		}),
		time.AfterFunc(to.Total, func() { p.cancel(errTotalTimeout) }),
	)
}

func (p *run) disarm() {
	for _, t := range p.timers {
		t.Stop()
	}
	p.mu.Lock()
	p.disarmed = true
	if p.stall != nil {
		p.stall.Stop()
	}
	p.mu.Unlock()
}

func ms(from, to time.Time) float64 {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return 0
	}
	return float64(to.Sub(from)) / float64(time.Millisecond)
}

func (p *run) finish(r *Result, end time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	r.Timings.DNS = ms(p.dnsStart, p.dnsDone)
	r.Timings.Connect = ms(p.connStart, p.connDone)
	r.Timings.TLS = ms(p.tlsStart, p.tlsDone)
	first := p.firstByte
	if first.IsZero() {
		first = p.hdrs
	}
	r.Timings.TTFB = ms(p.start, first)
	r.Timings.Total = ms(p.start, end)
}
