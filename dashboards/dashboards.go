// Package dashboards builds the Grafana dashboards from Go with the Grafana foundation SDK, so
// the committed JSON is generated, strictly typed and checked: an overview (verdict, states,
// availability, latency, errors, incidents, official status, alternatives) and a per-component
// drill-down with trace search in Tempo. The metrics come from k6's Prometheus remote-write
// output (k6_ prefix, trends as native histograms in seconds).
package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/statetimeline"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/tempo"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// sel is the label selector every query carries: the dashboard's variables.
const sel = `provider=~"$provider", component=~"$component", location=~"$location"`

func ptr[T any](v T) *T { return &v }

var (
	promDS  = common.DataSourceRef{Type: ptr("prometheus"), Uid: ptr("${prometheus}")}
	tempoDS = common.DataSourceRef{Type: ptr("tempo"), Uid: ptr("${tempo}")}
)

func prom(expr, legend string) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().Expr(expr).LegendFormat(legend).Datasource(promDS)
}

// stateMappings shows the 0-3 state levels as status-page words and colours.
func stateMappings() []dashboard.ValueMapping {
	opts := map[string]dashboard.ValueMappingResult{
		"0": {Text: ptr("operational"), Color: ptr("green"), Index: ptr(int32(0))},
		"1": {Text: ptr("degraded"), Color: ptr("yellow"), Index: ptr(int32(1))},
		"2": {Text: ptr("partial outage"), Color: ptr("orange"), Index: ptr(int32(2))},
		"3": {Text: ptr("major outage"), Color: ptr("red"), Index: ptr(int32(3))},
	}
	return []dashboard.ValueMapping{{ValueMap: &dashboard.ValueMap{Type: dashboard.MappingTypeValueToText, Options: opts}}}
}

func variables() []cog.Builder[dashboard.VariableModel] {
	q := func(name, label, query string) cog.Builder[dashboard.VariableModel] {
		return dashboard.NewQueryVariableBuilder(name).Label(label).
			Query(dashboard.StringOrMap{String: ptr(query)}).Datasource(promDS).
			Multi(true).IncludeAll(true).AllValue(".*").Refresh(dashboard.VariableRefreshOnTimeRangeChanged)
	}
	return []cog.Builder[dashboard.VariableModel]{
		dashboard.NewDatasourceVariableBuilder("prometheus").Label("Prometheus").Type("prometheus"),
		dashboard.NewDatasourceVariableBuilder("tempo").Label("Tempo").Type("tempo"),
		q("provider", "provider", "label_values(k6_chatgpt_probes_total, provider)"),
		q("component", "component", "label_values(k6_chatgpt_probes_total, component)"),
		q("location", "location", "label_values(k6_chatgpt_probes_total, location)"),
	}
}

func series(title, unit string, queries ...*prometheus.DataqueryBuilder) *timeseries.PanelBuilder {
	p := timeseries.NewPanelBuilder().Title(title).Unit(unit).Datasource(promDS).Height(8).Span(12)
	for _, q := range queries {
		p.WithTarget(q)
	}
	return p
}

// quantile is a latency percentile from a k6 trend exported as a native histogram.
func quantile(q, metric, by string) string {
	return "histogram_quantile(" + q + ", sum by (" + by + ") (rate(" + metric + "{" + sel + "}[$__rate_interval])))"
}

// newDashboard starts a dashboard with the settings both share: tags, refresh, range, UTC,
// crosshair sync and the provider/component/location variables.
func newDashboard(title, uid string) *dashboard.DashboardBuilder {
	return dashboard.NewDashboardBuilder(title).Uid(uid).
		Tags([]string{"xk6-chatgpt", "k6", "llm"}).Refresh("30s").Time("now-6h", "now").Timezone("utc").
		Tooltip(dashboard.DashboardCursorSyncCrosshair).Variables(variables())
}

// Overview is the dashboard people open first.
func Overview() (dashboard.Dashboard, error) {
	return newDashboard("ChatGPT synthetic monitor", "xk6-chatgpt-overview").
		WithPanel(stat.NewPanelBuilder().Title("Verdict: worst component state").Datasource(promDS).Height(5).Span(6).
			Mappings(stateMappings()).
			WithTarget(prom("max(last_over_time(k6_chatgpt_state{"+sel+"}[5m]))", "worst"))).
		WithPanel(stat.NewPanelBuilder().Title("Availability").Unit("percentunit").Decimals(2).Datasource(promDS).Height(5).Span(6).
			WithTarget(prom("sum(increase(k6_chatgpt_probes_total{"+sel+`, class="ok"}[$__range])) / sum(increase(k6_chatgpt_probes_total{`+sel+"}[$__range]))", "availability"))).
		// Incidents are rare events: their counter may have a single sample per run, which
		// increase() cannot use, so these panels read the run's cumulative count instead.
		WithPanel(stat.NewPanelBuilder().Title("Incidents opened (largest run in range)").Datasource(promDS).Height(5).Span(6).
			WithTarget(prom("sum(max_over_time(k6_chatgpt_incidents_total{"+sel+"}[$__range]))", "incidents"))).
		WithPanel(stat.NewPanelBuilder().Title("Probe spend").Unit("currencyUSD").Decimals(4).Datasource(promDS).Height(5).Span(6).
			WithTarget(prom("sum(increase(k6_chatgpt_cost_usd_total{"+sel+"}[$__range]))", "USD"))).
		WithPanel(statetimeline.NewPanelBuilder().Title("State per component (ours)").Datasource(promDS).Height(8).Span(24).
			Mappings(stateMappings()).
			WithTarget(prom("max by (provider, component) (k6_chatgpt_state{"+sel+"})", "{{provider}}/{{component}}"))).
		WithPanel(statetimeline.NewPanelBuilder().Title("Official status page, beside ours").Datasource(promDS).Height(6).Span(24).
			Mappings(stateMappings()).
			WithTarget(prom("max by (provider, component) (k6_chatgpt_official_status{"+sel+"})", "official {{provider}}/{{component}}"))).
		WithPanel(series("Availability per component", "percentunit",
			prom("sum by (provider, component) (increase(k6_chatgpt_probes_total{"+sel+`, class="ok"}[$__rate_interval])) / sum by (provider, component) (increase(k6_chatgpt_probes_total{`+sel+"}[$__rate_interval]))", "{{provider}}/{{component}}"))).
		WithPanel(series("Time to first token", "s",
			prom(quantile("0.5", "k6_chatgpt_ttft_seconds", "provider, component"), "p50 {{provider}}/{{component}}"),
			prom(quantile("0.95", "k6_chatgpt_ttft_seconds", "provider, component"), "p95 {{provider}}/{{component}}"))).
		WithPanel(series("Inter-token latency and whole probe (p95)", "s",
			prom(quantile("0.95", "k6_chatgpt_itl_seconds", "provider, component"), "itl {{provider}}/{{component}}"),
			prom(quantile("0.95", "k6_chatgpt_duration_seconds", "provider, component"), "total {{provider}}/{{component}}"))).
		WithPanel(series("Output tokens per second (median)", "none",
			prom(quantile("0.5", "k6_chatgpt_tokens_per_second", "provider, component"), "{{provider}}/{{component}}"))).
		WithPanel(series("Errors by blame and class", "short",
			prom("sum by (blame, class) (increase(k6_chatgpt_errors_total{"+sel+"}[$__rate_interval]))", "{{blame}}: {{class}}"))).
		WithPanel(series("Time to detect (median of the run) and incidents opened", "s",
			prom("histogram_quantile(0.5, sum by (provider, component) (k6_chatgpt_time_to_detect_seconds{"+sel+"}))", "time to detect {{provider}}/{{component}}"),
			prom("sum by (provider, component, state) (k6_chatgpt_incidents_total{"+sel+"})", "opened {{state}} {{provider}}/{{component}}"))).
		WithPanel(table.NewPanelBuilder().Title("Alternatives: which provider answers now").Datasource(promDS).Height(7).Span(12).
			Mappings(stateMappings()).
			WithTarget(prom("max by (provider) (last_over_time(k6_chatgpt_state{"+sel+"}[5m]))", "{{provider}}").Format(prometheus.PromQueryFormatTable).Instant()).
			WithTarget(prom(quantile("0.5", "k6_chatgpt_ttft_seconds", "provider"), "{{provider}}").Format(prometheus.PromQueryFormatTable).Instant())).
		WithPanel(series("Probes held back (Retry-After, backoff, budget) and local failures", "short",
			prom("sum by (reason) (increase(k6_chatgpt_probes_skipped_total{"+sel+"}[$__rate_interval]))", "skipped: {{reason}}"),
			prom("sum by (provider) (increase(k6_chatgpt_errors_total{"+sel+`, blame=~"account|network"}[$__rate_interval]))`, "local: {{provider}}"))).
		Build()
}

// Drilldown is one component in depth, with its failing probes' traces in Tempo.
func Drilldown() (dashboard.Dashboard, error) {
	traces := `{span.chatgpt.component=~"$component" && span.chatgpt.class!="ok" && span.gen_ai.provider.name=~"$provider"}`
	return newDashboard("ChatGPT synthetic monitor: component drill-down", "xk6-chatgpt-drilldown").
		WithPanel(statetimeline.NewPanelBuilder().Title("State by location").Datasource(promDS).Height(8).Span(24).
			Mappings(stateMappings()).
			WithTarget(prom("max by (location, component) (k6_chatgpt_state{"+sel+"})", "{{location}} {{component}}"))).
		WithPanel(series("TTFB, TTFT, total by location (p95)", "s",
			prom(quantile("0.95", "k6_chatgpt_ttfb_seconds", "location, component"), "ttfb {{location}} {{component}}"),
			prom(quantile("0.95", "k6_chatgpt_ttft_seconds", "location, component"), "ttft {{location}} {{component}}"),
			prom(quantile("0.95", "k6_chatgpt_duration_seconds", "location, component"), "total {{location}} {{component}}"))).
		WithPanel(series("Failure classes", "short",
			prom("sum by (class, blame) (increase(k6_chatgpt_errors_total{"+sel+"}[$__rate_interval]))", "{{class}} ({{blame}})"))).
		WithPanel(series("Tokens used", "short",
			prom("sum by (direction) (increase(k6_chatgpt_tokens_total{"+sel+"}[$__rate_interval]))", "{{direction}}"))).
		WithPanel(series("Official status page level", "none",
			prom("max by (component) (k6_chatgpt_official_status{"+sel+"})", "official {{component}}"),
			prom("max by (component) (k6_chatgpt_state{"+sel+"})", "ours {{component}}"))).
		WithPanel(table.NewPanelBuilder().Title("Failing probes: traces in Tempo").Datasource(tempoDS).Height(10).Span(24).
			WithTarget(tempo.NewTempoQueryBuilder().QueryType("traceql").Query(traces).Limit(50).TableType(tempo.SearchTableTypeTraces))).
		Build()
}
