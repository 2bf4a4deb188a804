// Package telemetry defines every k6 metric the extension emits, in one table, and turns probe
// results into samples. Tags stay low-cardinality (component, provider, model, class, blame);
// request ids travel as sample metadata, never as tags.
package telemetry

import (
	"context"
	"fmt"
	"time"

	"go.k6.io/k6/v2/metrics"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/monitor"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
)

// Def describes one metric. The table is the single source for registration and the README's
// metrics reference.
type Def struct {
	Name  string
	Type  metrics.MetricType
	Value metrics.ValueType
	Tags  string // tags beyond the common ones
	Help  string
}

// Metric names.
const (
	Probes          = "chatgpt_probes"
	Available       = "chatgpt_available"
	Errors          = "chatgpt_errors"
	TTFB            = "chatgpt_ttfb"
	TTFT            = "chatgpt_ttft"
	ITL             = "chatgpt_itl"
	Duration        = "chatgpt_duration"
	TokensPerSecond = "chatgpt_tokens_per_second" // #nosec G101 -- a metric name
	Tokens          = "chatgpt_tokens"            // #nosec G101 -- a metric name
	Cost            = "chatgpt_cost_usd"
	Skipped         = "chatgpt_probes_skipped"
	OfficialStatus  = "chatgpt_official_status"
	SpansLost       = "chatgpt_spans_lost"
	TTFTError       = "chatgpt_ttft_error"
	Goodput         = "chatgpt_goodput"
	StateLevel      = "chatgpt_state"
	Degraded        = "chatgpt_degraded"
	Down            = "chatgpt_down"
	Local           = "chatgpt_local"
	Incidents       = "chatgpt_incidents"
	Blips           = "chatgpt_blips"
	IncidentLength  = "chatgpt_incident_duration"
	TimeToDetect    = "chatgpt_time_to_detect"
	ShutdownDays    = "chatgpt_model_shutdown_days"
)

// Defs is the table of every metric.
var Defs = []Def{
	{Probes, metrics.Counter, metrics.Default, "class, blame", "probes completed"},
	{Available, metrics.Rate, metrics.Default, "", "share of regular probes (confirmation probes aside) that served a complete, non-empty answer (ok)"},
	{Errors, metrics.Counter, metrics.Default, "class, blame", "failed probes, by class and blame"},
	{TTFB, metrics.Trend, metrics.Time, "", "time to response headers"},
	{TTFT, metrics.Trend, metrics.Time, "", "time to the first content or reasoning token (streams)"},
	{ITL, metrics.Trend, metrics.Time, "", "mean gap between tokens after the first, per response (streams)"},
	{Duration, metrics.Trend, metrics.Time, "", "whole probe, request start to last byte"},
	{TokensPerSecond, metrics.Trend, metrics.Default, "", "output tokens per second after the first token (streams)"},
	{Tokens, metrics.Counter, metrics.Default, "direction", "tokens used by probes (input, output)"},
	{Cost, metrics.Counter, metrics.Default, "", "what probes cost at list prices, in USD (models with known prices)"},
	{Skipped, metrics.Counter, metrics.Default, "reason", "probes not sent: retry_after (the provider asked to wait), backoff (failing component probed at a reduced rate), budget (spend cap)"},
	{OfficialStatus, metrics.Gauge, metrics.Default, "", "what the provider's official status page says of each component, on chatgpt_state's 0-3 scale (read by the status component)"},
	{Goodput, metrics.Rate, metrics.Default, "", "share of probes that succeeded within the target's SLOs (slo: TTFT and inter-token latency; only targets that set one)"},
	{TTFTError, metrics.Trend, metrics.Time, "", "measured TTFT minus the stamping simulator's own (groundTruth targets only): the monitor's accuracy"},
	{SpansLost, metrics.Counter, metrics.Default, "", "probe spans the trace exporter lost: dropped from k6's full span queue or in a failed export (only with --traces-output)"},
	{StateLevel, metrics.Gauge, metrics.Default, "", "detected component state after each probe: 0 operational, 1 degraded, 2 partial, 3 major outage"},
	{Local, metrics.Rate, metrics.Default, "", "share of probes that failed on your side (blame account or network: bad key, quota, region, DNS, proxy); a threshold on it pages the account owner, not the provider's watchers"},
	{Down, metrics.Rate, metrics.Default, "", "share of probes that met a confirmed outage: they failed (or were held back) while the detector held the component in partial or major outage, opened in this run or carried over from the state file (maintenance is not an outage; a success while the recovery is being confirmed is not down); `rate==0` fails a run of an outage"},
	{Degraded, metrics.Rate, metrics.Default, "", "share of regular probes after which the component was in degraded performance (slow, not down)"},
	{Incidents, metrics.Counter, metrics.Default, "state, fault", "incidents opened by the detector, by the state that opened them and who was at fault (provider, provider_edge, our_network, our_account, our_request, unknown)"},
	{Blips, metrics.Counter, metrics.Default, "", "total failures of a component too short to page (under 35 s): recorded, never an incident"},
	{IncidentLength, metrics.Trend, metrics.Time, "", "duration of each resolved incident, first bad observation to recovery"},
	{TimeToDetect, metrics.Trend, metrics.Time, "", "start of the trouble to the detector's confirmation, per incident: from the simulator's ground truth when probing one, else from the first bad observation"},
	{ShutdownDays, metrics.Gauge, metrics.Default, "", "days until the model (the `model` tag) shuts down, for probed models with an announced date (the models list's shutdown_date, else extension/lifecycle); negative once retired; warned of from 90 days"},
}

// Metrics holds the registered metrics of one k6 test.
type Metrics struct {
	m map[string]*metrics.Metric
}

// Register creates (or finds, registration is idempotent) every metric in reg.
func Register(reg *metrics.Registry) (*Metrics, error) {
	ms := &Metrics{m: make(map[string]*metrics.Metric, len(Defs))}
	for _, d := range Defs {
		m, err := reg.NewMetric(d.Name, d.Type, d.Value)
		if err != nil {
			return nil, fmt.Errorf("register metric %s: %w", d.Name, err)
		}
		ms.m[d.Name] = m
	}
	return ms, nil
}

// Samples turns one probe result, and the detector's view after it, into samples. base carries the VU's tags and metadata; the
// probe's own tags are added to a copy.
func (ms *Metrics) Samples(r *probe.Result, base metrics.TagsAndMeta, at time.Time, det monitor.View) metrics.ConnectedSamples {
	tags, meta := tagsAndMeta(r, base)
	classTags := tags.With("class", string(r.Class))
	if r.Blame != "" {
		classTags = classTags.With("blame", string(r.Blame))
	}
	out := make([]metrics.Sample, 0, 16) // a successful load probe makes 15
	add := func(name string, t *metrics.TagSet, v float64) {
		out = append(out, metrics.Sample{TimeSeries: metrics.TimeSeries{Metric: ms.m[name], Tags: t}, Time: at, Value: v, Metadata: meta})
	}
	add(Probes, classTags, 1)
	// Availability and goodput are shares of the regular schedule's probes: confirmation
	// probes are sent when in doubt, and counting them would over-weight the bad minutes.
	if !r.Confirmation {
		add(Available, tags, metrics.B(r.OK))
	}
	if r.SLO != nil && !r.Confirmation {
		add(Goodput, tags, metrics.B(r.OK && r.SLO.Met(r.Timings)))
	}
	if !r.OK {
		add(Errors, classTags, 1)
	}
	tm := r.Timings
	if tm.TTFB > 0 {
		add(TTFB, tags, tm.TTFB)
	}
	if r.OK { // latency of failures is their own story (timeouts would poison the trends)
		if tm.TTFT > 0 {
			add(TTFT, tags, tm.TTFT)
			if r.TrueTTFT > 0 {
				add(TTFTError, tags, tm.TTFT-r.TrueTTFT)
			}
		}
		if tm.ITL > 0 {
			add(ITL, tags, tm.ITL)
		}
		add(Duration, tags, tm.Total)
		if r.TokensPerSecond > 0 {
			add(TokensPerSecond, tags, r.TokensPerSecond)
		}
	}
	if r.Usage.Input > 0 {
		add(Tokens, tags.With("direction", "input"), float64(r.Usage.Input))
	}
	if r.Usage.Output > 0 {
		add(Tokens, tags.With("direction", "output"), float64(r.Usage.Output))
	}
	if r.CostUSD > 0 {
		add(Cost, tags, r.CostUSD)
	}
	add(StateLevel, tags, float64(det.State.Level()))
	add(Down, tags, metrics.B(det.State.Down() && !r.OK))
	if !r.Confirmation {
		add(Degraded, tags, metrics.B(det.State == detect.Degraded))
	}
	add(Local, tags, metrics.B(!r.OK && (r.Blame == classify.BlameAccount || r.Blame == classify.BlameNetwork)))
	for m, days := range r.ShutdownDays { // tagged with their own model: the models probe reports every model of the target
		add(ShutdownDays, tags.With("model", m), float64(days))
	}
	for _, in := range det.Opened { // tagged with their own component: one probe can confirm a sibling's outage
		ct := tags.With("component", in.Component)
		it := ct.With("state", string(in.State))
		if det.Fault != "" {
			it = it.With("fault", string(det.Fault))
		}
		add(Incidents, it, 1)
		add(TimeToDetect, ct, float64(in.TrueTimeToDetect())/float64(time.Millisecond))
	}
	for _, b := range det.Blips {
		add(Blips, tags.With("component", b.Component), 1)
	}
	for _, in := range det.Resolved {
		add(IncidentLength, tags.With("component", in.Component), float64(in.Duration(at))/float64(time.Millisecond))
	}
	return metrics.ConnectedSamples{Samples: out, Tags: tags, Time: at}
}

// SkippedSamples counts a probe the politeness gate held back.
func (ms *Metrics) SkippedSamples(r *probe.Result, base metrics.TagsAndMeta, at time.Time) metrics.ConnectedSamples {
	tags, meta := tagsAndMeta(r, base)
	out := []metrics.Sample{{TimeSeries: metrics.TimeSeries{Metric: ms.m[Skipped], Tags: tags.With("reason", r.Skipped)}, Time: at, Value: 1, Metadata: meta}}
	if down := detect.State(r.State).Down(); down { // held back by a Retry-After or backoff during an outage: still down
		out = append(out, metrics.Sample{TimeSeries: metrics.TimeSeries{Metric: ms.m[Down], Tags: tags}, Time: at, Value: 1, Metadata: meta})
	}
	return metrics.ConnectedSamples{Samples: out, Tags: tags, Time: at}
}

// LostSpansSample counts spans the exporter lost since the last report.
func (ms *Metrics) LostSpansSample(n int64, base metrics.TagsAndMeta, at time.Time) metrics.Sample {
	return metrics.Sample{TimeSeries: metrics.TimeSeries{Metric: ms.m[SpansLost], Tags: base.Tags}, Time: at, Value: float64(n), Metadata: base.Metadata}
}

// OfficialSample is the official status page's level for one of our components.
func (ms *Metrics) OfficialSample(provider, model, component string, level int, base metrics.TagsAndMeta, at time.Time) metrics.Sample {
	tags := base.Tags.With("component", component).With("provider", provider).With("model", model)
	return metrics.Sample{TimeSeries: metrics.TimeSeries{Metric: ms.m[OfficialStatus], Tags: tags}, Time: at, Value: float64(level), Metadata: base.Metadata}
}

// tagsAndMeta are a probe's tags (low-cardinality) and sample metadata (its ids).
func tagsAndMeta(r *probe.Result, base metrics.TagsAndMeta) (*metrics.TagSet, map[string]string) {
	tags := base.Tags.With("component", string(r.Component)).With("provider", r.Provider).With("model", r.Model)
	meta := make(map[string]string, len(base.Metadata)+2)
	for k, v := range base.Metadata {
		meta[k] = v
	}
	if r.RequestID != "" {
		meta["request_id"] = r.RequestID
	}
	if r.TraceID != "" {
		meta["trace_id"] = r.TraceID
	}
	return tags, meta
}

// Push sends the samples unless ctx is done (the test is ending).
func Push(ctx context.Context, out chan<- metrics.SampleContainer, s metrics.ConnectedSamples) {
	metrics.PushIfNotDone(ctx, out, s)
}
