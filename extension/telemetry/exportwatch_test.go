package telemetry

import (
	"context"
	"errors"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// failing is an exporter whose backend is gone; block holds exports to fill the queue.
type failing struct {
	block chan struct{}
}

func (f *failing) ExportSpans(ctx context.Context, _ []sdktrace.ReadOnlySpan) error {
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
		}
	}
	return errors.New("connection refused")
}
func (f *failing) Shutdown(context.Context) error { return nil }

// Spans in failed exports and spans dropped from a full queue are counted, and the error is
// logged once, not per batch.
func TestExportWatchCountsLostSpans(t *testing.T) {
	var logged int
	w := WatchExports(func(string, ...any) { logged++ })
	before := w.Lost()
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(&failing{}, sdktrace.WithBatchTimeout(time.Hour)))
	for range 10 {
		_, s := tp.Tracer("t").Start(context.Background(), "probe")
		s.End()
	}
	_ = tp.Shutdown(context.Background()) // k6 shuts its provider down at the end of the run
	if got := w.Lost() - before; got != 10 {
		t.Fatalf("lost %d spans, want 10", got)
	}
	if n := w.TakeNew(); n < 10 || w.TakeNew() != 0 {
		t.Fatalf("TakeNew %d, then not zero", n)
	}

	block := &failing{block: make(chan struct{})}
	tp2 := sdktrace.NewTracerProvider(sdktrace.WithBatcher(block, sdktrace.WithMaxQueueSize(4), sdktrace.WithMaxExportBatchSize(1), sdktrace.WithBatchTimeout(time.Millisecond)))
	before = w.Lost()
	for range 50 {
		_, s := tp2.Tracer("t").Start(context.Background(), "probe")
		s.End() // never blocks, even with the exporter stuck
	}
	close(block.block)
	_ = tp2.Shutdown(context.Background())
	if lost := w.Lost() - before; lost != 50 {
		t.Fatalf("lost %d of 50 spans (dropped and failed)", lost)
	}
	if logged != 1 {
		t.Fatalf("export error logged %d times, want once per 30 s", logged)
	}
}
