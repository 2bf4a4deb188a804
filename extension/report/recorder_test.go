package report

import (
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
)

// A recorder fed for months (a continuous monitor) stays bounded: its timeline merges into at
// most maxBuckets buckets, each keeping at most maxBucketTTFT TTFTs, whatever the run's length.
func TestRecorderBoundedOverLongRuns(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	for _, tc := range []struct {
		name     string
		span     time.Duration
		perMin   int
		mergesAt int // at least this many merges happened
	}{
		{"a day at the production cadence", 24 * time.Hour, 4, 0},
		{"ten weeks at the production cadence", 70 * 24 * time.Hour, 4, 5},
		{"a week at 60 probes a minute", 7 * 24 * time.Hour, 60, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRecorder(t0, time.Minute)
			step := time.Minute / time.Duration(tc.perMin)
			for at := time.Duration(0); at < tc.span; at += step {
				r.Observe(t0.Add(at), "openai", "chat_stream", classify.OK, "", "", 300+float64(at%7), detect.Operational)
			}
			rec := r.comps[key{"openai", "chat_stream"}]
			n := 0
			for _, ts := range rec.bucketTTFT {
				if len(ts) > maxBucketTTFT {
					t.Fatalf("a bucket keeps %d TTFTs", len(ts))
				}
				n += len(ts)
			}
			if len(rec.buckets) > maxBuckets || len(rec.ttft) > maxTTFT {
				t.Fatalf("%d buckets, %d TTFTs", len(rec.buckets), len(rec.ttft))
			}
			if minutes := int(tc.span / time.Minute); tc.mergesAt > 0 && len(rec.buckets) >= minutes>>tc.mergesAt {
				t.Errorf("%d buckets for %d minutes: fewer merges than expected", len(rec.buckets), minutes)
			}
			t.Logf("%d buckets, %d bucket TTFTs, %d reservoir TTFTs", len(rec.buckets), n, len(rec.ttft))
		})
	}
}
