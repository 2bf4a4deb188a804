package main

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"go.k6.io/k6/v2/js/common"
	"go.k6.io/k6/v2/js/modules"
	"go.k6.io/k6/v2/metrics"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/loadbench/floor"
)

const (
	importPath = "k6/x/loadbench-floor"
	// metricName is the TTFT error trend, ms, one sample per completion (runK6 reads its p99
	// and count).
	metricName = "loadbench_floor_ttft_error"
)

type root struct{}

type instance struct {
	vu     modules.VU
	metric *metrics.Metric
	client *http.Client // made at the first read, from the VU's transport
}

func (root) NewModuleInstance(vu modules.VU) modules.Instance {
	m, err := vu.InitEnv().Registry.NewMetric(metricName, metrics.Trend, metrics.Time)
	if err != nil {
		common.Throw(vu.Runtime(), fmt.Errorf("loadbench-floor: %w", err))
	}
	return &instance{vu: vu, metric: m}
}

func (i *instance) Exports() modules.Exports {
	return modules.Exports{Named: map[string]any{"read": i.read}}
}

// read streams one completion from base (the stamping simulator's /v1) and records its TTFT
// error; a failed stream throws.
func (i *instance) read(base string) (float64, error) {
	st := i.vu.State()
	if st == nil {
		return 0, errors.New("read() runs in VU code, not in the init context")
	}
	if i.client == nil {
		i.client = &http.Client{Transport: st.Transport, Timeout: time.Minute}
	}
	errMs, err := floor.Read(i.vu.Context(), i.client, base)
	if err != nil {
		return 0, err
	}
	metrics.PushIfNotDone(i.vu.Context(), st.Samples, metrics.Sample{
		TimeSeries: metrics.TimeSeries{Metric: i.metric, Tags: st.Tags.GetCurrentValues().Tags},
		Time:       time.Now(),
		Value:      errMs,
	})
	return errMs, nil
}
