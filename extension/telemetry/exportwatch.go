package telemetry

import (
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"go.opentelemetry.io/otel"
)

// Spans are exported by k6's batch span processor (OpenTelemetry SDK defaults: a queue of 2048
// spans, batches of 512 every 5 s, 30 s export timeout; OTEL_BSP_* variables change them). It
// never blocks a probe: when the queue is full it drops, and when the backend fails the batch
// is lost. Neither is visible to k6, so ExportWatch reads the SDK's own accounting — its debug
// log line before each export ("total_dropped") and its error handler after a failed one — and
// counts the spans lost.
type ExportWatch struct {
	dropped atomic.Int64 // queue overflows, as the SDK counts them
	batch   atomic.Int64 // size of the batch being exported
	failed  atomic.Int64 // spans in batches whose export failed
	errors  atomic.Int64
	lastLog atomic.Int64 // unix nanos of the last error logged
	log     func(format string, args ...any)
	shown   atomic.Int64 // lost spans already reported
}

var (
	watchOnce sync.Once
	watch     *ExportWatch
)

// WatchExports installs the watch once per process (it sets the OpenTelemetry global logger and
// error handler, which k6 leaves at their defaults) and returns it. log receives export errors,
// at most one every 30 s.
func WatchExports(log func(format string, args ...any)) *ExportWatch {
	watchOnce.Do(func() {
		watch = &ExportWatch{log: log}
		otel.SetLogger(logr.New(sink{watch}))
		otel.SetErrorHandler(otel.ErrorHandlerFunc(watch.handle))
	})
	return watch
}

func (w *ExportWatch) handle(err error) {
	w.errors.Add(1)
	w.failed.Add(w.batch.Swap(0))
	now := time.Now().UnixNano()
	if last := w.lastLog.Load(); now-last > int64(30*time.Second) && w.lastLog.CompareAndSwap(last, now) && w.log != nil {
		w.log("xk6-chatgpt: trace export failed, spans are being lost (counted in chatgpt_spans_lost): %v", err)
	}
}

// Lost is the number of spans lost so far: dropped from the queue or in a failed export.
func (w *ExportWatch) Lost() int64 { return w.dropped.Load() + w.failed.Load() }

// TakeNew returns the spans lost since the last call, for a counter metric.
func (w *ExportWatch) TakeNew() int64 {
	for {
		shown, lost := w.shown.Load(), w.Lost()
		if lost <= shown || w.shown.CompareAndSwap(shown, lost) {
			return max(lost-shown, 0)
		}
	}
}

// sink is a logr sink that keeps only the batch processor's accounting line.
type sink struct{ w *ExportWatch }

func (sink) Init(logr.RuntimeInfo)            {}
func (sink) Enabled(level int) bool           { return level <= 8 } // 8 is the SDK's debug level
func (s sink) WithValues(...any) logr.LogSink { return s }
func (s sink) WithName(string) logr.LogSink   { return s }
func (sink) Error(error, string, ...any)      {}

func (s sink) Info(_ int, msg string, kv ...any) {
	if msg != "exporting spans" {
		return
	}
	for i := 0; i+1 < len(kv); i += 2 {
		n, ok := toInt64(kv[i+1])
		if !ok {
			continue
		}
		switch kv[i] {
		case "count":
			s.w.batch.Store(n)
		case "total_dropped":
			s.w.dropped.Store(n)
		}
	}
}

func toInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case uint32:
		return int64(n), true
	case uint64:
		if n > math.MaxInt64 {
			return 0, false
		}
		return int64(n), true
	}
	return 0, false
}
