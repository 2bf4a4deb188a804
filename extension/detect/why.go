package detect

import "fmt"

// degradation says why a degraded component is degraded, from the test that holds it there:
// the typical recent response against the learned baseline, or the share of responses stalling
// in the heavy tail (whose median stays fast, so a ratio would say nothing).
func (c *component) degradation(cfg *Config) string {
	if c.answers.score > 0 && c.lat.score < cfg.LatencyThreshold && c.lat.tail.calm() {
		wrong, of := c.answers.recent(answerRecent)
		return fmt.Sprintf("answering wrong: %d of its last %d answers", wrong, of)
	}
	if c.lat.tail.score >= cfg.TailThreshold || (c.lat.score < cfg.LatencyThreshold && !c.lat.tail.calm()) {
		in, of := c.lat.tail.recent(tailQuiet)
		return fmt.Sprintf("stalling: %d of its last %d responses over %dx the baseline", in, of, tailFactor)
	}
	if len(c.lat.ratios) == 0 { // restored from a state file: the ratio it saved
		return fmt.Sprintf("%.1fx slower than baseline", c.lat.ratio)
	}
	return fmt.Sprintf("%.1fx slower than baseline (the median of its last %d responses)", c.lat.ratio, len(c.lat.ratios))
}
