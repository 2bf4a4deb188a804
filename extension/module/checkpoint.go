package module

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// A long-running monitor (scripts/chatgpt.js with CHATGPT_MODE=continuous: one k6 run that
// probes until its supervisor stops it) cannot wait for the end of the run to save the
// detector's state and send its notifications: a run killed without warning (an OOM kill, a
// node lost) would lose everything since it started, and news of an incident would wait for
// the run's end. With the checkpoint option the extension flushes (notifications, then the state
// file) on a timer while the run goes on; k6's exit (the end of the run, Ctrl-C, SIGTERM) still
// flushes last. A restart then loads a state at most one checkpoint old, open incidents
// included (statefile.Load), so an outage that spans the restart stays one incident.

// checkpoints is the process's flush timer (guarded by RootModule.mu, but for once).
type checkpoints struct {
	once    sync.Once     // the first probe starts the timer (a fast path for load tests' probes)
	every   time.Duration // 0: none; the first target that sets it decides
	decided bool
	stop    context.CancelFunc
	done    chan struct{}
	stopped bool
}

// parseLongRun reads the options of a long-running monitor: checkpoint (CHATGPT_CHECKPOINT) and
// budgetPeriod. The first error sticks in o.err.
func (o *options) parseLongRun(x *targetExtras, env func(string) string) {
	x.checkpoint = o.positiveDuration("checkpoint", env("CHATGPT_CHECKPOINT"))
	x.budgetPeriod = o.positiveDuration("budgetPeriod", "")
}

// positiveDuration is the option key's duration, else def ("" none); 0 when neither is set.
func (o *options) positiveDuration(key string, def string) time.Duration {
	v := any(def)
	if ov, ok := o.m[key]; ok && ov != nil {
		v = ov
	}
	if v == "" || o.err != nil {
		return 0
	}
	d, err := toDuration(v)
	if err != nil || d <= 0 {
		o.err = fmt.Errorf("option %s must be a positive duration like \"1m\", got %v", key, v)
	}
	return d
}

// minCheckpoint bounds how often the state file may be rewritten: each write is a synced file
// and a rename, cheap at a minute, wasteful at milliseconds.
const minCheckpoint = time.Second

// useCheckpoint records the run's checkpoint interval (the first target that sets one decides;
// a different one later is an error, as for the state file) and warns, once, when k6 is set to
// keep every trend sample for its end-of-test summary, which grows without end in a run that
// never ends.
func (r *RootModule) useCheckpoint(i *Instance, every time.Duration) error {
	if every == 0 {
		return nil
	}
	if every < minCheckpoint {
		return fmt.Errorf("checkpoint %s is shorter than %s", every, minCheckpoint)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ckpt.decided {
		if every != r.ckpt.every {
			return fmt.Errorf("checkpoint %s: this run already checkpoints every %s (one interval per run)", every, r.ckpt.every)
		}
		return nil
	}
	r.ckpt.every, r.ckpt.decided = every, true
	// k6 feeds every sample of every metric to its metrics engine unless both the summary and
	// threshold processing are off (--no-thresholds, not merely a script without thresholds:
	// k6's run command decides before it reads them), and a Trend sink keeps every value.
	if ie := i.vu.InitEnv(); ie != nil && (ie.RuntimeOptions.SummaryMode.String != "disabled" || !ie.RuntimeOptions.NoThresholds.Bool) {
		ie.Logger.Warnf("xk6-chatgpt: this run checkpoints every %s, as a long-running monitor does, but k6's end-of-test "+
			"summary or thresholds are on, so k6 keeps every trend sample in memory for as long as the run lasts: run it with "+
			"--summary-mode=disabled --no-thresholds (K6_SUMMARY_MODE=disabled K6_NO_THRESHOLDS=true), and read the metrics "+
			"from an output (-o experimental-prometheus-rw with K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true, or -o opentelemetry)", every)
	}
	return nil
}

// startCheckpoints starts the flush timer once, with the first probe: `k6 archive` and
// `k6 inspect` (the k6-operator's initializer) run the init context too, and must not start it.
func (r *RootModule) startCheckpoints(i *Instance) {
	r.ckpt.once.Do(func() { r.startCheckpointsOnce(i) })
}

func (r *RootModule) startCheckpointsOnce(i *Instance) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := &r.ckpt
	need := r.mem.path != "" || len(r.notes.senders) > 0
	if c.every == 0 || c.done != nil || c.stopped || !need {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.stop, c.done = cancel, make(chan struct{})
	go r.checkpointLoop(ctx, c.every, c.done, i.logger())
}

func (r *RootModule) checkpointLoop(ctx context.Context, every time.Duration, done chan<- struct{}, log logrus.FieldLogger) {
	defer close(done)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			// A notification under way when the run stops is cancelled and sent by the final flush.
			if err := r.flush(ctx, log); err != nil {
				log.Warnf("xk6-chatgpt: checkpoint: %v", err)
			}
		}
	}
}

// stopCheckpoints ends the flush timer and waits for a flush under way; later calls, and calls
// when none runs, return at once. No timer starts after it.
func (r *RootModule) stopCheckpoints() {
	r.mu.Lock()
	c := &r.ckpt
	c.stopped = true
	stop, done := c.stop, c.done
	r.mu.Unlock()
	if stop == nil {
		return
	}
	stop()
	<-done
}
