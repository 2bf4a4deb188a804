package probe_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
)

// autoRetiringNano is an "auto" target against a simulator that retires gpt-5.4-nano, the
// cheapest live model, from the start.
func autoRetiringNano(t *testing.T, name string) *probe.Target {
	t.Helper()
	sc := simtest.Scenario(t, `
name: `+name+`
duration: 1h
baseline: {ttft: {median: 5ms}, itl: {median: 1ms}}
retirements:
  - {model: gpt-5.4-nano, at: 0s}
`)
	tg := &probe.Target{Model: probe.AutoModel, BaseURL: simtest.Fast(t, sc), APIKey: "sk-test"}
	if err := tg.Validate(); err != nil {
		t.Fatal(err)
	}
	return tg
}

// TestAutoMovesOffARetiredModel: "auto" probes the cheapest live model; when the provider
// retires it, the probe is model_retired (our configuration's fault, the replacement in its
// advice) and the next probe goes to the replacement, which answers.
func TestAutoMovesOffARetiredModel(t *testing.T) {
	tg := autoRetiringNano(t, "retire-now")
	ctx := context.Background()
	first := probe.Run(ctx, http.DefaultTransport, tg, probe.ChatStream)
	if first.Model != "gpt-5.4-nano" || first.Class != classify.ModelRetired || first.Blame != classify.BlameClient {
		t.Fatalf("first probe: %s %s/%s (%s), want gpt-5.4-nano model_retired/client", first.Model, first.Class, first.Blame, first.Message)
	}
	if !strings.Contains(first.Advice, "replacement: gpt-5.4-mini") || !strings.Contains(first.Advice, `"auto" probes gpt-5.4-mini`) {
		t.Errorf("advice %q names no replacement", first.Advice)
	}
	if d, ok := first.ShutdownDays["gpt-5.4-nano"]; ok {
		t.Errorf("a model retired without notice has no shutdown date, got %d days", d)
	}
	next := probe.Run(ctx, http.DefaultTransport, tg, probe.ChatStream)
	if next.Model != "gpt-5.4-mini" || !next.OK {
		t.Fatalf("next probe: %s %s (%s), want gpt-5.4-mini ok", next.Model, next.Class, next.Message)
	}
}

// TestModelsListTeachesShutdowns: the models probe reads shutdown_date; a date inside the
// warning window moves "auto" off the model before it shuts down, and every model of the target
// with a date gets its days left.
func TestModelsListTeachesShutdowns(t *testing.T) {
	tg := autoRetiringNano(t, "announce")
	r := probe.Run(context.Background(), http.DefaultTransport, tg, probe.Models)
	if !r.OK {
		t.Fatalf("models: %s %s", r.Class, r.Message)
	}
	if got := tg.ModelOf(probe.Chat); got != "gpt-5.4-mini" {
		t.Errorf("after the list announced gpt-5.4-nano's shutdown, auto is %s, want gpt-5.4-mini", got)
	}
	if d, ok := r.ShutdownDays["gpt-image-1-mini"]; ok {
		t.Errorf("gpt-image-1-mini is no model of the target, got %d days", d)
	}
	tg2 := &probe.Target{Model: "gpt-4o-mini", BaseURL: tg.BaseURL, APIKey: "sk-test", ModelFor: map[probe.Component]string{probe.Images: "gpt-image-1-mini"}}
	if err := tg2.Validate(); err != nil {
		t.Fatal(err)
	}
	tg2.Book.Now = func() time.Time { return time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC) } // the table's dates, checked that day
	r = probe.Run(context.Background(), http.DefaultTransport, tg2, probe.Models)
	if _, ok := r.ShutdownDays["gpt-4o-mini"]; !ok {
		t.Errorf("no days left for gpt-4o-mini: %v", r.ShutdownDays)
	}
	ws := tg2.Book.Warnings(tg2.Models([]probe.Component{probe.Chat, probe.Images}))
	if len(ws) != 2 || ws[0].Model != "gpt-image-1-mini" || ws[0].Replacement != "gpt-image-2" || ws[1].Replacement != "gpt-6-luna" {
		t.Errorf("warnings %+v, want gpt-image-1-mini (gpt-image-2) then gpt-4o-mini (gpt-6-luna)", ws)
	}
}
