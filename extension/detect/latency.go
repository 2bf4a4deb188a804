package detect

import (
	"math"
	"time"
)

// metric is one latency metric's baseline: a prior, replaced by the median and MAD (in log
// space) of the newest healthy samples once there are MinSamples of them.
type metric struct {
	prior   Baseline
	samples []float64 // log ms, ring of maxLearn
	next    int
	med     float64 // cached log median
	sigma   float64
	stale   int           // samples added since the cache was computed
	hours   *[24]hourStat // baselines by hour of day (nil until a timed sample is learned)
}

func newMetric(p Baseline) metric {
	m := metric{prior: p}
	m.med, m.sigma = math.Log(max(p.MedianMs, 0.001)), max(p.Sigma, minSigma)
	return m
}

// minSigma keeps a too-regular baseline from turning a tiny wobble into an alarm.
const minSigma = 0.05

func (m *metric) learn(ms float64) {
	m.samples, m.next = ringPush(m.samples, m.next, math.Log(ms), maxLearn)
	m.stale++
	if len(m.samples) >= MinSamples && (m.stale >= 16 || len(m.samples) == MinSamples) {
		m.refresh()
	}
}

func (m *metric) refresh() {
	m.stale = 0
	var buf, dev [maxLearn]float64
	med := kth(m.samples, len(m.samples)/2, buf[:])
	d := dev[:0]
	for _, x := range m.samples {
		d = append(d, math.Abs(x-med))
	}
	m.med, m.sigma = med, max(1.4826*kth(d, len(d)/2, buf[:]), minSigma)
}

func (m *metric) learned() bool { return len(m.samples) >= MinSamples }

// llr is the evidence (nats) one sample gives for "slower by factor" against "slower by at
// most sqrt(factor)", from a Gaussian shift test on the log ratio; ratio is the sample's ratio
// to the baseline median.
func (m *metric) llr(ms, factor float64, at time.Time) (llr, ratio float64) {
	x := math.Log(ms) - m.median(at)
	d1 := math.Log(factor)
	d0 := d1 / 2
	return (d1 - d0) / (m.sigma * m.sigma) * (x - (d0+d1)/2), math.Exp(x)
}

// latencyTest is one component's latency test over its metrics.
type latencyTest struct {
	ttft, itl, total metric
	score            float64 // onset CUSUM
	recovery         float64 // reverse CUSUM while degraded
	// ratio is how slow the typical recent response is against the baseline: the median of
	// the last recentRatios responses' ratios (each the slower of its TTFT and ITL against
	// the baselines at its hour), so no single response, fast or slow, sets it.
	ratio   float64
	ratios  []float64 // log ratios, a ring of recentRatios
	nextRat int
	tail    tailTest
}

// recentRatios is how many responses the reported ratio is the median of.
const recentRatios = 8

func newLatencyTest(p Priors) latencyTest {
	return latencyTest{ttft: newMetric(p.TTFT), itl: newMetric(p.ITL), total: newMetric(p.Total), ratio: 1}
}

// observe scores one successful probe's latencies (0 = not measured). Each sample may add at
// most half the threshold, so no single response alarms. It reports the evidence added; a
// response in the heavy tail adds none (the tail test weighs it instead), so a share of
// stalls does not also teach the latency test that most responses are fast.
func (l *latencyTest) observe(o Observation, factor, threshold float64) float64 {
	primary, m := o.TTFTMs, &l.ttft
	if primary <= 0 {
		primary, m = o.TotalMs, &l.total
	}
	if primary > 0 && l.tail.observe(primary, m.median(o.At), o.At) {
		l.addRatio(math.Log(primary) - m.median(o.At))
		return 0
	}
	sum, ratio := 0.0, 0.0
	add := func(m *metric, ms float64) {
		if ms <= 0 {
			return
		}
		v, r := m.llr(ms, factor, o.At)
		sum += v
		ratio = max(ratio, r)
	}
	add(&l.itl, o.ITLMs)
	if o.TTFTMs > 0 {
		add(&l.ttft, o.TTFTMs)
	} else {
		add(&l.total, o.TotalMs)
	}
	if ratio > 0 {
		l.addRatio(math.Log(ratio))
	}
	sum = min(max(sum, -threshold/2), threshold/2)
	l.score = max(0, l.score+sum)
	return sum
}

// addRatio adds one response's log ratio to the recent ones and sets ratio to their median.
func (l *latencyTest) addRatio(x float64) {
	l.ratios, l.nextRat = ringPush(l.ratios, l.nextRat, x, recentRatios)
	var buf [recentRatios]float64
	n := len(l.ratios)
	med := kth(l.ratios, n/2, buf[:])
	if n%2 == 0 {
		med = (kth(l.ratios, n/2-1, buf[:]) + med) / 2
	}
	l.ratio = math.Exp(med)
}

// learnHours adds a success's latencies to the hour-of-day baselines.
func (l *latencyTest) learnHours(o Observation) {
	l.itl.learnHour(o.ITLMs, o.At)
	if o.TTFTMs > 0 {
		l.ttft.learnHour(o.TTFTMs, o.At)
	} else {
		l.total.learnHour(o.TotalMs, o.At)
	}
}

func (l *latencyTest) learn(o Observation) {
	if o.ITLMs > 0 {
		l.itl.learn(o.ITLMs)
	}
	if o.TTFTMs > 0 {
		l.ttft.learn(o.TTFTMs)
	} else if o.TotalMs > 0 {
		l.total.learn(o.TotalMs)
	}
}
