package sim

import (
	"cmp"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// Outcome is what one probe of a scenario would measure, computed in virtual time without a
// server: the input of replay and of detector tests.
type Outcome struct {
	AtS       float64        `json:"at_s"` // scenario time of the probe
	Component string         `json:"component"`
	Truth     string         `json:"truth"`
	Fault     string         `json:"fault,omitempty"`
	Class     classify.Class `json:"class"`
	Blame     classify.Blame `json:"blame"`
	TTFTMs    float64        `json:"ttft_ms"`
	ITLMs     float64        `json:"itl_ms"`
	TotalMs   float64        `json:"total_ms"`
	Tokens    int            `json:"tokens"`
	// RetryAfterMs is the wait the response asked for (Retry-After), which a polite monitor
	// honours by not probing.
	RetryAfterMs int64 `json:"retry_after_ms,omitempty"`
}

// Outcomes calls fn for each probe of each component every interval over the scenario, in time
// then component order, until fn returns false. The same scenario (seed included) always gives
// the same stream.
func (sc *Scenario) Outcomes(components []string, interval time.Duration, fn func(Outcome) bool) {
	if interval <= 0 {
		interval = sc.ProbeInterval
	}
	r := rand.New(rand.NewPCG(sc.Seed, sc.Seed^0x9e3779b97f4a7c15)) // #nosec G404 -- seeded replay, not security
	for t := time.Duration(0); t < sc.Duration; t += interval {
		for _, c := range components {
			if !fn(sc.outcome(t, c, r)) {
				return
			}
		}
	}
}

// Sampler draws single outcomes at any scenario time from a random stream of its own: the
// confirmation probes of a replay, which must leave the regular probes' outcomes as they are.
type Sampler struct {
	sc *Scenario
	r  *rand.Rand
}

// Sampler returns a sampler whose stream depends on the scenario's seed, apart from Outcomes'.
func (sc *Scenario) Sampler() *Sampler {
	seed := sc.Seed ^ 0xbf58476d1ce4e5b9
	return &Sampler{sc: sc, r: rand.New(rand.NewPCG(seed, seed^0x94d049bb133111eb))} // #nosec G404 -- seeded replay, not security
}

// At is what a probe of component at scenario time t would measure.
func (s *Sampler) At(t time.Duration, component string) Outcome {
	return s.sc.outcome(t, component, s.r)
}

func (sc *Scenario) outcome(t time.Duration, component string, r *rand.Rand) Outcome {
	fault, factor, truth := sc.choose(t, component, r)
	o := Outcome{AtS: t.Seconds(), Component: component, Truth: truth, Fault: fault}
	n := max(sc.Baseline.OutputTokens, 1)
	ttft := float64(sc.Baseline.TTFT.Sample(r)) * factor
	var gaps float64
	for range n - 1 {
		gaps += float64(sc.Baseline.ITL.Sample(r)) * factor
	}
	ms := func(d float64) float64 { return d / float64(time.Millisecond) }
	c := faultClass(fault)
	o.Class, o.Blame, o.RetryAfterMs = c.Class, c.Blame, c.RetryAfterMs
	switch {
	case fault == "" || fault == "ttfb_stall" || fault == "wrong_answer": // a stalled first byte under default deadlines is a slow success
		if fault == "ttfb_stall" {
			ttft += float64(30 * time.Second)
		}
		o.TTFTMs, o.TotalMs, o.Tokens = ms(ttft), ms(ttft+gaps), n
		if n > 1 {
			o.ITLMs = ms(gaps) / float64(n-1)
		}
	case isStreamFault(fault):
		o.TTFTMs, o.Tokens = ms(ttft), faultAfter
		o.TotalMs = ms(ttft) + o.TTFTMs/10
	default: // error responses come fast
		o.TotalMs = ms(ttft) / 8
	}
	return o
}

func isStreamFault(id string) bool {
	switch id {
	case "stream_error_record", "stream_truncate", "stream_stall", "responses_failed", "responses_error_event", "empty_200":
		return true
	}
	return false
}

// faultClasses is each fault's classification, computed once by classifying the very response
// the simulator serves for it, so replay and live probes cannot drift apart.
var faultClasses = func() map[string]classify.Classification {
	out := map[string]classify.Classification{"": {Class: classify.OK}, "ttfb_stall": {Class: classify.OK}}
	origin := http.Header{}
	(&Server{}).headersInto(origin, response{})
	for id, f := range httpFaults {
		h := http.Header{}
		if !f.edge {
			for k, v := range origin {
				h[k] = v
			}
		}
		h.Set("Server", "cloudflare")
		for _, kv := range f.hdrs {
			h.Set(kv[0], kv[1])
		}
		h.Set("Content-Type", cmp.Or(f.ctype, "application/json"))
		h.Set("Content-Length", strconv.Itoa(len(f.body)))
		out[id] = classify.Classify(classify.Outcome{Status: f.status, Header: h, Body: []byte(f.body), ExpectAnswer: true})
	}
	stream := func(facts classify.StreamFacts, o classify.Outcome) classify.Classification {
		o.Status, o.Stream, o.ExpectAnswer, o.Header = 200, &facts, true, origin
		return classify.Classify(o)
	}
	errRecord := []byte(`{"error":{"message":"The server had an error","type":"server_error"}}`)
	out["stream_error_record"] = stream(classify.StreamFacts{ErrorEvent: errRecord}, classify.Outcome{Content: 8})
	out["responses_failed"] = out["stream_error_record"]
	out["responses_error_event"] = out["stream_error_record"]
	out["stream_truncate"] = stream(classify.StreamFacts{}, classify.Outcome{Content: 8})
	out["stream_stall"] = stream(classify.StreamFacts{}, classify.Outcome{Content: 8, Err: errors.New("stalled"), Phase: classify.PhaseBody, Stalled: true})
	out["empty_200"] = stream(classify.StreamFacts{Terminal: true}, classify.Outcome{})
	out["wrong_answer"] = stream(classify.StreamFacts{Terminal: true}, classify.Outcome{Content: 2, AnswerWrong: true})
	reset := classify.Classify(classify.Outcome{Err: syscall.ECONNRESET, Phase: classify.PhaseTTFB})
	for _, id := range []string{"conn_refused", "dns_fail", "tls_fail"} {
		out[id] = reset
	}
	return out
}()

func faultClass(id string) classify.Classification { return faultClasses[id] }
