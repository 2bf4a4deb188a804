package main

import (
	"net/http"
	"strings"
	"testing"

	"go.k6.io/k6/v2/js/modulestest"
	"go.k6.io/k6/v2/lib"
	"go.k6.io/k6/v2/metrics"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
)

// read() refuses the init context, and in VU code streams one completion and emits one sample
// of its TTFT error on the metric the benchmark reads.
func TestReadThroughJS(t *testing.T) {
	rt := modulestest.NewRuntime(t)
	if err := rt.SetupModuleSystem(map[string]any{importPath: root{}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.RunOnEventLoop(`const floor = require("k6/x/loadbench-floor"); globalThis.base = "` + simtest.Fast(t, nil) + `"; floor.read(base)`); err == nil || !strings.Contains(err.Error(), "init context") {
		t.Fatalf("read in the init context: err = %v", err)
	}
	samples := make(chan metrics.SampleContainer, 10)
	rt.MoveToVUContext(&lib.State{
		Samples:   samples,
		Tags:      lib.NewVUStateTags(metrics.NewRegistry().RootTagSet()),
		Transport: http.DefaultTransport,
	})
	v, err := rt.RunOnEventLoop(`floor.read(base)`)
	if err != nil {
		t.Fatal(err)
	}
	if ms := v.ToFloat(); ms < 0 || ms > 20 {
		t.Fatalf("TTFT error %.3f ms", ms)
	}
	got := metrics.GetBufferedSamples(samples)
	if len(got) != 1 || got[0].GetSamples()[0].Metric.Name != metricName {
		t.Fatalf("samples: %v", got)
	}
	if _, err := rt.RunOnEventLoop(`floor.read("http://127.0.0.1:1/v1")`); err == nil {
		t.Fatal("a refused connection did not throw")
	}
}
