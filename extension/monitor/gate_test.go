package monitor

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
)

// During a 429 storm with Retry-After: 30, probes to the target drop to one per 30 s, and
// resume at the full rate once the storm is over. Scenario time is a fake clock shared by the
// server and the gate; the probes themselves are real HTTP requests.
func TestRetryAfterStorm(t *testing.T) {
	var now atomic.Int64 // seconds into the scenario
	stormFrom, stormUntil := int64(60), int64(180)
	var sent [300 / 5]bool
	healthy := sim.New(sim.Config{Baseline: sim.Baseline{TTFT: scenario.Latency{Median: time.Millisecond}, ITL: scenario.Latency{Median: time.Millisecond}}})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := now.Load()
		sent[at/5] = true
		if at >= stormFrom && at < stormUntil {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Retry-After", "30")
			w.Header().Set("X-Request-Id", "req_storm")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(429)
			_, _ = io.WriteString(w, `{"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-x on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms.","type":"requests","param":null,"code":"rate_limit_exceeded"}}`)
			return
		}
		healthy.ServeHTTP(w, r)
	}))
	defer srv.Close()
	tg := target(t, srv.URL+"/v1")
	g := NewGate(0)
	t0 := time.Unix(1_700_000_000, 0)
	var skipped []string
	for at := int64(0); at < 300; at += 5 { // one probe every 5 s
		now.Store(at)
		clock := t0.Add(time.Duration(at) * time.Second)
		ticket, skip := g.Admit(probe.Chat, tg.Pool(probe.Chat), clock, tg.Estimate(probe.Chat))
		if skip != nil {
			if skip.Skipped != SkipRetryAfter || skip.Class != classify.RateLimited || skip.OK {
				t.Fatalf("t=%ds: skip %+v", at, skip)
			}
			skipped = append(skipped, skip.Message)
			continue
		}
		r := probe.Run(context.Background(), http.DefaultTransport, tg, probe.Chat)
		g.Done(ticket, &r, clock)
		if storm := at >= stormFrom && at < stormUntil; storm != (r.Class == classify.RateLimited) || r.OK == storm {
			t.Fatalf("t=%ds: class %s", at, r.Class)
		}
	}
	count := func(from, to int64) (n int) {
		for at := from; at < to; at += 5 {
			if sent[at/5] {
				n++
			}
		}
		return n
	}
	before, during, after := count(0, stormFrom), count(stormFrom, stormUntil), count(stormUntil, 300)
	t.Logf("probes sent: %d of 12 before the storm, %d of 24 during it, %d of 24 after; first skip: %q", before, during, after, skipped[0])
	if before != 12 || during != 4 || after != 24 {
		t.Fatalf("sent %d/%d/%d before/during/after the storm, want 12/4 (one per Retry-After)/24", before, during, after)
	}
}

// A component failing on the provider's side is probed 1 in 2, then 1 in 4 times, and at the
// full rate again after one success; other components are unaffected.
func TestBackoffWhileDown(t *testing.T) {
	g := NewGate(0)
	now := time.Unix(0, 0)
	down := &probe.Result{Class: classify.ServerError, Blame: classify.BlameProvider}
	var pattern []bool
	for range 28 {
		tk, skip := g.Admit(probe.ChatStream, "p", now, 0)
		pattern = append(pattern, skip == nil)
		if skip == nil {
			g.Done(tk, down, now)
		} else if skip.Skipped != SkipBackoff || skip.Class != classify.ServerError {
			t.Fatalf("skip %+v", skip)
		}
		if _, other := g.Admit(probe.Models, "models", now, 0); other != nil {
			t.Fatal("a healthy component was held back")
		}
	}
	got := ""
	for _, s := range pattern {
		got += map[bool]string{true: "x", false: "."}[s]
	}
	// 4 failures at the full rate, 4 more at 1 in 2, then 1 in 4.
	if want := "xxxx.x.x.x.x...x...x...x...x"; got != want {
		t.Fatalf("send pattern %s, want %s", got, want)
	}
	tk, _ := g.Admit(probe.ChatStream, "p", now, 0)
	for tk == nil {
		tk, _ = g.Admit(probe.ChatStream, "p", now, 0)
	}
	g.Done(tk, &probe.Result{OK: true, Class: classify.OK}, now)
	for range 3 {
		tk, skip := g.Admit(probe.ChatStream, "p", now, 0)
		if skip != nil {
			t.Fatal("still backing off after a success")
		}
		g.Done(tk, &probe.Result{OK: true}, now)
	}
	// Account failures (a bad key) are ours to fix, not load to shed: no backoff.
	for range 10 {
		tk, skip := g.Admit(probe.Chat, "p", now, 0)
		if skip != nil {
			t.Fatal("backed off on an account failure")
		}
		g.Done(tk, &probe.Result{Class: classify.AuthInvalid, Blame: classify.BlameAccount}, now)
	}
}

// The spend cap holds even with probes in flight: admission reserves the worst case.
func TestBudget(t *testing.T) {
	g := NewGate(0.001)
	now := time.Unix(0, 0)
	a, _ := g.Admit(probe.Chat, "p", now, 0.0004)
	b, _ := g.Admit(probe.Chat, "p", now, 0.0004)
	if a == nil || b == nil {
		t.Fatal("probes within the cap refused")
	}
	if _, skip := g.Admit(probe.Chat, "p", now, 0.0004); skip == nil || skip.Skipped != SkipBudget {
		t.Fatalf("third in-flight probe admitted past the cap: %+v", skip)
	}
	g.Done(a, &probe.Result{OK: true, CostUSD: 0.0001}, now)
	g.Done(b, &probe.Result{OK: true, CostUSD: 0.0001}, now)
	if c, _ := g.Admit(probe.Chat, "p", now, 0.0004); c == nil {
		t.Fatal("refused after the actual spend came in under the estimates")
	}
	if _, skip := g.Admit(probe.Models, "models", now, 0); skip != nil {
		t.Fatal("a free probe refused by the budget")
	}
	if s := g.Spent(); s < 0.0002-1e-12 || s > 0.0002+1e-12 {
		t.Fatalf("spent %v", s)
	}
}

// A Retry-After holds back the components spending the same model's tokens, not the control
// probes: a rate limit must not blind the monitor to what still works.
func TestRetryAfterPools(t *testing.T) {
	tg := target(t, "http://127.0.0.1:1/v1")
	g := NewGate(0)
	now := time.Unix(0, 0)
	tk, _ := g.Admit(probe.ChatStream, tg.Pool(probe.ChatStream), now, 0)
	g.Done(tk, &probe.Result{Class: classify.RateLimited, Blame: classify.BlameAccount, RetryAfterMs: 20000}, now)
	later := now.Add(5 * time.Second)
	if _, skip := g.Admit(probe.Chat, tg.Pool(probe.Chat), later, 0); skip == nil || skip.Skipped != SkipRetryAfter {
		t.Fatal("chat, same model, not held back")
	}
	if _, skip := g.Admit(probe.Models, tg.Pool(probe.Models), later, 0); skip != nil {
		t.Fatal("the model list held back by a chat rate limit")
	}
	if _, skip := g.Admit(probe.Embeddings, tg.Pool(probe.Embeddings), later, 0); skip != nil {
		t.Fatal("embeddings (another model) held back")
	}
	if _, skip := g.Admit(probe.Chat, tg.Pool(probe.Chat), now.Add(21*time.Second), 0); skip != nil {
		t.Fatal("still held back after Retry-After")
	}
}

// Confirmation probes skip the failure-streak backoff and do not lengthen the streak, but wait
// out Retry-After and count against the budget like any probe.
func TestConfirmationAdmission(t *testing.T) {
	g := NewGate(1)
	now := time.Unix(0, 0)
	fail := &probe.Result{Class: classify.ServerError, Blame: classify.BlameProvider}
	for range 4 { // four regular failures in a row: backoff, one in two
		tk, skip := g.Admit(probe.Chat, "m", now, 0)
		if skip != nil {
			t.Fatalf("regular probe skipped before the streak: %+v", skip)
		}
		g.Done(tk, fail, now)
	}
	if _, skip := g.Admit(probe.Chat, "m", now, 0); skip == nil || skip.Skipped != SkipBackoff {
		t.Fatalf("fifth regular probe: %+v, want backoff", skip)
	}
	for range 6 {
		tk, skip := g.AdmitConfirmation(probe.Chat, "m", now, 0)
		if skip != nil {
			t.Fatalf("confirmation held back by the backoff: %+v", skip)
		}
		g.Done(tk, fail, now)
	}
	if g.comp(probe.Chat).fails != 4 {
		t.Fatalf("confirmations lengthened the streak to %d", g.comp(probe.Chat).fails)
	}
	tk, _ := g.AdmitConfirmation(probe.Chat, "m", now, 0)
	g.Done(tk, &probe.Result{Class: classify.RateLimited, Blame: classify.BlameProvider, RetryAfterMs: 30000}, now)
	if _, skip := g.AdmitConfirmation(probe.Chat, "m", now.Add(time.Second), 0); skip == nil || skip.Skipped != SkipRetryAfter {
		t.Fatalf("confirmation during Retry-After: %+v", skip)
	}
	if _, skip := g.AdmitConfirmation(probe.Models, "models", now, 2); skip == nil || skip.Skipped != SkipBudget {
		t.Fatalf("confirmation over budget: %+v", skip)
	}
}

// A budget period renews the cap: a continuous monitor that spent its day's cap is held back
// until the next period, not for the rest of its life; periods stay aligned to the first probe.
func TestBudgetPeriod(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	for _, tc := range []struct {
		name   string
		period time.Duration
		at     time.Duration // when the probe after the cap was reached is asked for
		admit  bool
	}{
		{"no period: the run's cap holds for good", 0, 48 * time.Hour, false},
		{"within the period", 24 * time.Hour, 23 * time.Hour, false},
		{"next period", 24 * time.Hour, 24 * time.Hour, true},
		{"periods later", 24 * time.Hour, 73 * time.Hour, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := NewGate(0.001)
			g.BudgetPeriod = tc.period
			a, _ := g.Admit(probe.Chat, "p", t0, 0.0008)
			if a == nil {
				t.Fatal("first probe refused")
			}
			g.Done(a, &probe.Result{OK: true, CostUSD: 0.0008}, t0)
			if _, skip := g.Admit(probe.Chat, "p", t0.Add(time.Minute), 0.0008); skip == nil || skip.Skipped != SkipBudget {
				t.Fatalf("over the cap, admitted: %+v", skip)
			}
			tk, skip := g.Admit(probe.Chat, "p", t0.Add(tc.at), 0.0008)
			if (tk != nil) != tc.admit {
				t.Fatalf("at +%s: admitted %v, want %v (%+v)", tc.at, tk != nil, tc.admit, skip)
			}
			if skip != nil && tc.period > 0 && !strings.Contains(skip.Message, "renews in 1h0m0s") {
				t.Errorf("message %q does not say when the cap renews", skip.Message)
			}
		})
	}
}
