package telemetry

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
)

func attrs(s tracetest.SpanStub) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes {
		m[kv.Key] = kv.Value
	}
	return m
}

func TestProbeSpans(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	start := time.Unix(1_800_000_000, 0)
	ok := &probe.Result{OK: true, Component: probe.ChatStream, Class: classify.OK, Status: 200, Start: start, Host: "api.openai.com:443",
		Timings: probe.Timings{DNS: 2, Connect: 3, TLS: 5, TTFB: 120, TTFT: 400, Total: 900}, Usage: probe.Usage{Input: 15, Output: 5},
		ResponseModel: "gpt-4o-mini-2024-07-18", FinishReason: "stop", MaxTokens: 5, Stream: true, State: "operational", CostUSD: 5.25e-6,
		Headers: map[string]string{"x-request-id": "req_123", "cf-ray": "abc-CDG"}, Answer: "Pong."}
	failed := &probe.Result{Component: probe.Chat, Class: classify.EdgeGatewayError, Blame: classify.BlameEdge, Status: 502, Start: start,
		Host: "api.openai.com", Timings: probe.Timings{TTFB: 80, Total: 81}, Message: "Bad gateway", Advice: "Cloudflare…", State: "major_outage"}
	change := []detect.Transition{{At: start.Add(time.Second), Component: "chat", From: detect.Operational, To: detect.Major, Incident: "openai/chat-1"}}
	target := SpanTarget{Provider: "openai", Model: "gpt-4o-mini", Prompt: "Reply with the single word: pong"}
	for _, tc := range []struct {
		r       *probe.Result
		changes []detect.Transition
		record  bool
	}{{ok, nil, true}, {failed, change, false}} {
		tg := target
		tg.RecordContent = tc.record
		_, span := StartProbe(context.Background(), tp, tg, tc.r.Component, "gpt-4o-mini")
		EndProbe(span, tg, tc.r, tc.changes)
	}
	spans := rec.Ended()
	if len(spans) != 2 {
		t.Fatalf("%d spans", len(spans))
	}
	s := tracetest.SpanStubFromReadOnlySpan(spans[0])
	a := attrs(s)
	if s.Name != "chat gpt-4o-mini" || s.SpanKind != trace.SpanKindClient || s.Status.Code == codes.Error {
		t.Fatalf("span %s kind %v status %v", s.Name, s.SpanKind, s.Status)
	}
	for k, want := range map[string]any{
		"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o-mini",
		"gen_ai.response.model": "gpt-4o-mini-2024-07-18", "gen_ai.usage.input_tokens": int64(15), "gen_ai.usage.output_tokens": int64(5),
		"gen_ai.request.max_tokens": int64(5), "gen_ai.request.stream": true, "gen_ai.response.time_to_first_chunk": 0.4,
		"server.address": "api.openai.com", "server.port": int64(443), "http.response.status_code": int64(200),
		"http.response.header.x-request-id": "req_123", "http.response.header.cf-ray": "abc-CDG", "chatgpt.component": "chat_stream",
		"chatgpt.class": "ok",
	} {
		if got := a[attribute.Key(k)].AsInterface(); got != want {
			t.Errorf("%s = %#v, want %#v", k, got, want)
		}
	}
	if fr := a["gen_ai.response.finish_reasons"].AsStringSlice(); len(fr) != 1 || fr[0] != "stop" {
		t.Errorf("finish reasons %v", fr)
	}
	if _, ok := a["gen_ai.output.messages"]; !ok {
		t.Error("recordContent did not record the answer")
	}
	var names []string
	for _, e := range s.Events {
		names = append(names, e.Name)
	}
	if got := names; len(got) != 6 || got[0] != "dns" || got[3] != "first_byte" || got[4] != "first_token" || got[5] != "stream_end" {
		t.Errorf("events %v", got)
	}
	if s.Events[4].Time != start.Add(400*time.Millisecond) || s.EndTime != start.Add(900*time.Millisecond) || s.Events[2].Time != start.Add(10*time.Millisecond) {
		t.Errorf("event or end times off: first token %v, end %v, tls %v", s.Events[4].Time, s.EndTime, s.Events[2].Time)
	}
	f := tracetest.SpanStubFromReadOnlySpan(spans[1])
	fa := attrs(f)
	if f.Status.Code != codes.Error || f.Status.Description != "edge_gateway_error: Bad gateway" || fa["error.type"].AsString() != "edge_gateway_error" ||
		fa["chatgpt.blame"].AsString() != "edge" || fa["server.address"].AsString() != "api.openai.com" {
		t.Errorf("failed span %v %v", f.Status, fa)
	}
	if _, ok := fa["gen_ai.input.messages"]; ok {
		t.Error("content recorded without recordContent")
	}
	if len(f.Events) != 2 || f.Events[1].Name != "chatgpt.state_change" {
		t.Errorf("failed span events %+v", f.Events)
	}
}

// Requests made in a span's context carry its traceparent; K6_TRACE_PARENT parents the spans.
func TestPropagation(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = r.Header.Get("Traceparent") }))
	defer srv.Close()
	tp := sdktrace.NewTracerProvider()
	parent := ParentFromTraceparent(context.Background(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	ctx, span := StartProbe(parent, tp, SpanTarget{Provider: "openai"}, probe.Models, "")
	defer span.End()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err := (&http.Client{Transport: Propagate{Next: http.DefaultTransport}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	want := "00-4bf92f3577b34da6a3ce929d0e0e4736-" + span.SpanContext().SpanID().String() + "-01"
	if got != want || req.Header.Get("Traceparent") != "" {
		t.Fatalf("traceparent %q, want %q (and the caller's request untouched)", got, want)
	}
	if ParentFromTraceparent(context.Background(), "garbage") != context.Background() {
		t.Error("an invalid traceparent changed the context")
	}
}
