package report

import (
	"slices"
	"sync"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
)

// Recorder keeps, for the report, each component's probe counts, failure classes, a bounded
// sample of TTFTs and a timeline in fixed buckets. Memory is bounded whatever the run's length:
// at most maxTTFT samples per component (a reservoir) and maxBuckets buckets (older ones merge).
type Recorder struct {
	mu      sync.Mutex
	started time.Time
	bucket  time.Duration
	comps   map[key]*record
	order   []key
	seq     uint64
}

type key struct{ target, component string }

type record struct {
	probes, ok int
	classes    map[string]int
	advice     string
	message    string
	ttft       []float64
	seen       int // TTFTs seen, for the reservoir
	buckets    []Bucket
	bucketTTFT [][]float64
}

const (
	maxTTFT       = 4096
	maxBuckets    = 2000
	maxBucketTTFT = 64 // TTFTs kept per bucket for its median
)

// NewRecorder starts a recorder at start with timeline buckets of the given width (0: 1 min).
func NewRecorder(start time.Time, bucket time.Duration) *Recorder {
	if bucket <= 0 {
		bucket = time.Minute
	}
	return &Recorder{started: start, bucket: bucket, comps: map[key]*record{}}
}

// Started is the run's start.
func (r *Recorder) Started() time.Time { return r.started }

// Observe records one probe outcome and the component's state after it.
func (r *Recorder) Observe(at time.Time, target, component string, class classify.Class, advice, message string, ttftMs float64, state detect.State) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := key{target, component}
	rec := r.comps[k]
	if rec == nil {
		rec = &record{classes: map[string]int{}}
		r.comps[k] = rec
		r.order = append(r.order, k)
	}
	rec.probes++
	ok := class == classify.OK
	if ok {
		rec.ok++
	} else {
		rec.classes[string(class)]++
		rec.advice, rec.message = advice, message
	}
	if ttftMs > 0 && ok {
		rec.seen++
		if len(rec.ttft) < maxTTFT {
			rec.ttft = append(rec.ttft, ttftMs)
		} else { // reservoir sampling keeps a uniform sample of a long run
			r.seq = r.seq*6364136223846793005 + 1442695040888963407
			if j := int(r.seq>>33) % rec.seen; j < maxTTFT {
				rec.ttft[j] = ttftMs
			}
		}
	}
	start := at.Truncate(r.bucket)
	if n := len(rec.buckets); n == 0 || rec.buckets[n-1].At.Before(start) {
		rec.buckets = append(rec.buckets, Bucket{At: start, State: detect.Operational})
		rec.bucketTTFT = append(rec.bucketTTFT, nil)
		if len(rec.buckets) > maxBuckets {
			rec.merge()
		}
	}
	b := &rec.buckets[len(rec.buckets)-1]
	b.Probes++
	if !ok {
		b.Failed++
	}
	if state.Level() > b.State.Level() || (state == detect.Maintenance && b.State == detect.Operational) {
		b.State = state
	}
	if ttftMs > 0 && ok && len(rec.bucketTTFT[len(rec.bucketTTFT)-1]) < maxBucketTTFT {
		rec.bucketTTFT[len(rec.bucketTTFT)-1] = append(rec.bucketTTFT[len(rec.bucketTTFT)-1], ttftMs)
	}
}

// merge halves the timeline's resolution by joining neighbouring buckets.
func (rec *record) merge() {
	var out []Bucket
	var outT [][]float64
	for i := 0; i < len(rec.buckets); i += 2 {
		b, t := rec.buckets[i], rec.bucketTTFT[i]
		if i+1 < len(rec.buckets) {
			n := rec.buckets[i+1]
			b.Probes += n.Probes
			b.Failed += n.Failed
			if n.State.Level() > b.State.Level() {
				b.State = n.State
			}
			t = thin(append(slices.Clone(t), rec.bucketTTFT[i+1]...), maxBucketTTFT)
		}
		out, outT = append(out, b), append(outT, t)
	}
	rec.buckets, rec.bucketTTFT = out, outT
}

// thin keeps at most n of xs, evenly spaced, so a merged bucket's TTFTs stay as many as a new
// bucket's: a run that lasts for months (a continuous monitor) merges its timeline again and
// again, and joined samples would otherwise grow with its length.
func thin(xs []float64, n int) []float64 {
	if len(xs) <= n {
		return xs
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = xs[i*len(xs)/n]
	}
	return out
}

// Fill completes run's components and timeline from what was recorded, in the order
// components were first seen; snapshot gives their final state, official word and incident.
func (r *Recorder) Fill(run *Run, snap detect.Snapshot) {
	r.mu.Lock()
	defer r.mu.Unlock()
	status := map[key]detect.ComponentStatus{}
	for _, c := range snap.Components {
		status[key{c.Target, c.Component}] = c
	}
	for _, k := range r.order {
		rec := r.comps[k]
		st := status[k]
		c := Component{Target: k.target, Component: k.component, State: st.State, Official: st.Official, Probes: rec.probes,
			OK: rec.ok, Classes: rec.classes, Incident: st.Incident}
		if c.State == "" {
			c.State = detect.Operational
		}
		if rec.probes > 0 {
			c.Availability = float64(rec.ok) / float64(rec.probes)
		}
		if rec.ok < rec.probes {
			c.Advice, c.LastError = rec.advice, rec.message
		}
		c.TTFTP50, c.TTFTP95 = quantile(rec.ttft, 0.5), quantile(rec.ttft, 0.95)
		run.Components = append(run.Components, c)
		s := Series{Target: k.target, Component: k.component, Buckets: slices.Clone(rec.buckets)}
		for i := range s.Buckets {
			s.Buckets[i].TTFTP50 = quantile(rec.bucketTTFT[i], 0.5)
		}
		run.Timeline = append(run.Timeline, s)
	}
}

// quantile is the q-quantile of xs by nearest rank (0 for none).
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}
