package telemetry

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
)

// TracerName is the instrumentation scope of the extension's spans.
const TracerName = "github.com/xk6-chatgpt/xk6-chatgpt"

// Tracers is what span creation needs of a tracer provider (k6's lib.TracerProvider, which is
// a no-op unless --traces-output is set).
type Tracers interface {
	Tracer(name string, opts ...trace.TracerOption) trace.Tracer
}

// SpanTarget is what a probe span says about its target.
type SpanTarget struct {
	Provider, Model string
	Prompt          string // recorded only with RecordContent
	RecordContent   bool
	Semconv         Semconv // the zero value: v1.41 names
}

// StartProbe starts the CLIENT span of one probe of component c, named
// "{gen_ai.operation.name} {gen_ai.request.model}" (the component for non-GenAI probes). The
// returned context carries it: requests made with it get a traceparent (see Propagate).
func StartProbe(ctx context.Context, tp Tracers, t SpanTarget, c probe.Component, model string) (context.Context, trace.Span) {
	op, genai := operations[string(c)]
	name := string(c)
	if genai {
		name = op + " " + model
	} else if model != "" {
		name += " " + model
	}
	sc := t.Semconv
	if !sc.Old && !sc.New {
		sc.Old = true
	}
	ctx, span := tp.Tracer(TracerName, trace.WithSchemaURL(sc.SchemaURL())).Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient))
	if !span.IsRecording() { // no --traces-output: spend nothing on attributes
		return ctx, span
	}
	attrs := []attribute.KeyValue{attrComponent.String(string(c)), attrSynthetic.String("test")}
	if genai {
		p := t.Provider
		if n, ok := providerNames[p]; ok {
			p = n
		}
		attrs = append(attrs, attrOperation.String(op), attrRequestModel.String(model), attrProvider.String(p))
	}
	span.SetAttributes(attrs...)
	return ctx, span
}

// EndProbe records the probe's outcome on its span and ends it at the probe's own end time:
// phase events at the times they happened, GenAI usage and response attributes, the headers
// to quote to support, the detector's state changes, and status Error with the class on failure.
func EndProbe(span trace.Span, t SpanTarget, r *probe.Result, changes []detect.Transition) {
	if !span.IsRecording() {
		return
	}
	start := r.Start
	at := func(ms float64) time.Time { return start.Add(time.Duration(ms * float64(time.Millisecond))) }
	tm := r.Timings
	// dns, connect and tls are durations of consecutive phases; the rest are offsets from start.
	ev := func(name string, offset float64, attrs ...attribute.KeyValue) {
		span.AddEvent(name, trace.WithTimestamp(at(offset)), trace.WithAttributes(attrs...))
	}
	var off float64
	for _, p := range []struct {
		name string
		ms   float64
	}{{"dns", tm.DNS}, {"connect", tm.Connect}, {"tls", tm.TLS}} {
		if p.ms > 0 {
			off += p.ms
			ev(p.name, off, attribute.Float64("duration_ms", p.ms))
		}
	}
	if tm.TTFB > 0 {
		ev("first_byte", tm.TTFB)
	}
	if tm.TTFT > 0 {
		ev("first_token", tm.TTFT)
		span.SetAttributes(attrFirstChunk.Float64(tm.TTFT / 1000))
	}
	if r.Stream && tm.Total > 0 && r.Status > 0 {
		ev("stream_end", tm.Total, attribute.Bool("complete", r.OK))
	}
	attrs := []attribute.KeyValue{attrClass.String(string(r.Class)), attrState.String(r.State)}
	if host, port, err := net.SplitHostPort(r.Host); err == nil {
		attrs = append(attrs, attrServerAddress.String(host))
		if p, err := strconv.Atoi(port); err == nil {
			attrs = append(attrs, attrServerPort.Int(p))
		}
	} else if r.Host != "" {
		attrs = append(attrs, attrServerAddress.String(r.Host))
	}
	if r.Status > 0 {
		attrs = append(attrs, attrHTTPStatus.Int(r.Status))
	}
	if r.MaxTokens > 0 {
		attrs = append(attrs, attrMaxTokens.Int(r.MaxTokens), attrStream.Bool(r.Stream))
	}
	if r.ResponseModel != "" {
		attrs = append(attrs, attrResponseModel.String(r.ResponseModel))
	}
	if r.FinishReason != "" {
		attrs = append(attrs, attrFinishReasons.StringSlice([]string{r.FinishReason}))
	}
	if r.Usage.Input > 0 || r.Usage.Output > 0 {
		attrs = append(attrs, attrInputTokens.Int(r.Usage.Input), attrOutputTokens.Int(r.Usage.Output))
		if t.Semconv.New {
			attrs = append(attrs, attrTextInputTokens.Int(r.Usage.Input), attrTextOutputTokens.Int(r.Usage.Output))
		}
	}
	if r.CostUSD > 0 {
		attrs = append(attrs, attrCostUSD.Float64(r.CostUSD))
	}
	for k, v := range r.Headers {
		attrs = append(attrs, responseHeader(k).String(v))
	}
	if t.RecordContent {
		attrs = append(attrs, attrInputMessages.String(messages("user", t.Prompt)))
		if r.Answer != "" {
			attrs = append(attrs, attrOutputMessages.String(messages("assistant", r.Answer)))
		}
	}
	if !r.OK {
		attrs = append(attrs, attrErrorType.String(string(r.Class)), attrBlame.String(string(r.Blame)), attrAdvice.String(r.Advice))
		span.SetStatus(codes.Error, string(r.Class)+": "+r.Message)
	}
	span.SetAttributes(attrs...)
	for _, c := range changes {
		a := []attribute.KeyValue{attrComponent.String(c.Component), attribute.String("chatgpt.from", string(c.From)),
			attribute.String("chatgpt.to", string(c.To))}
		if c.Incident != "" {
			a = append(a, attribute.String("chatgpt.incident", c.Incident))
		}
		span.AddEvent("chatgpt.state_change", trace.WithTimestamp(c.At), trace.WithAttributes(a...))
	}
	span.End(trace.WithTimestamp(at(tm.Total)))
}

// messages renders one message in the GenAI semconv message JSON.
func messages(role, text string) string {
	b, _ := json.Marshal([]map[string]any{{"role": role, "parts": []map[string]string{{"type": "text", "content": text}}}})
	return string(b)
}

// Propagate injects the W3C traceparent of the request's context into every request, so a probe
// into your own gateway joins its traces. The request is cloned, as RoundTrippers must not
// change theirs.
type Propagate struct{ Next http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (p Propagate) RoundTrip(req *http.Request) (*http.Response, error) {
	if sc := trace.SpanContextFromContext(req.Context()); sc.IsValid() {
		req = req.Clone(req.Context())
		propagation.TraceContext{}.Inject(req.Context(), propagation.HeaderCarrier(req.Header))
	}
	return p.Next.RoundTrip(req)
}

// ParentFromTraceparent returns ctx with the remote parent a W3C traceparent value names
// (K6_TRACE_PARENT), or ctx unchanged when the value is empty or invalid.
func ParentFromTraceparent(ctx context.Context, traceparent string) context.Context {
	if traceparent == "" {
		return ctx
	}
	return propagation.TraceContext{}.Extract(ctx, propagation.MapCarrier{"traceparent": traceparent})
}
