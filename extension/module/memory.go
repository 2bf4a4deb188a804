package module

import (
	"context"
	"fmt"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statefile"
)

// The detector's memory across scheduled runs: one state file per k6 process, named by the
// first target that sets the state option (or CHATGPT_STATE), loaded before the detector sees
// anything and saved when the run ends (chatgpt.report() in handleSummary, and k6's exit, which
// also follows an interrupt).
type memory struct {
	path    string
	maxAge  time.Duration
	decided bool // the first target decided where the memory comes from
	loaded  time.Time
}

// useMemory is called for every target before the detector sees it. The first decides: load
// the state file, or start from the target's provider's priors and say so.
func (r *RootModule) useMemory(i *Instance, t *Target, x targetExtras) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	det := r.detector()
	det.SetPriors(t.Name, detect.PriorsFor(t.Provider))
	if r.mem.decided {
		switch {
		case x.statePath == "" || x.statePath == r.mem.path:
		case r.mem.path == "":
			return fmt.Errorf("state %q: set it on the first target (or with CHATGPT_STATE); an earlier target already started the detector from the priors", x.statePath)
		default:
			return fmt.Errorf("state %q: this run already keeps its detector state in %q (one state file per run)", x.statePath, r.mem.path)
		}
		return nil
	}
	r.mem = memory{path: x.statePath, maxAge: x.stateMaxAge, decided: true, loaded: time.Now()}
	log := i.logger()
	if x.statePath == "" {
		det.SetMemory(detect.Memory{Source: "priors", Note: fmt.Sprintf("no detector state file (set CHATGPT_STATE or the state option to keep baselines and open incidents between scheduled runs): starting from the %s priors", t.Provider)})
		return nil
	}
	m, told, err := statefile.Load(det, x.statePath, time.Now(), x.stateMaxAge, detect.PriorsFor(t.Provider), t.Provider)
	det.SetMemory(m)
	r.notes.told = told
	if err != nil {
		log.Warnf("xk6-chatgpt: %s", m.Note)
	} else {
		log.Infof("xk6-chatgpt: %s", m.Note)
	}
	return nil
}

// saveMemory writes the detector's state to the state file, if the run has one and observed
// something (a run that probed nothing must not overwrite a newer run's state with an older
// one). It is safe to call more than once: the latest state wins.
func (r *RootModule) saveMemory() error {
	r.mu.Lock()
	mem, det, told := r.mem, r.det, r.notes.told
	r.mu.Unlock()
	if mem.path == "" || det == nil {
		return nil
	}
	s := det.Save()
	if !s.LastObservation.After(mem.loaded) {
		return nil
	}
	r.notesMu.Lock()
	defer r.notesMu.Unlock()
	return statefile.Write(mem.path, statefile.Document{Saved: s, Notified: told})
}

// exitEvent is k6's Exit event type. Its constant lives in k6 v2.2.0's internal/event package,
// which extensions cannot import; the value is stable (Init=1 … Exit=6) and a test checks that
// the subscription fires.
const exitEvent = 6

// flush sends the notifications the run calls for, then saves the state file (with what they
// told). handleSummary's chatgpt.report(), k6's exit and a long run's checkpoints call it; a
// later call finds little left to do.
func (r *RootModule) flush(ctx context.Context, log logrus.FieldLogger) error {
	r.notify(ctx, log)
	return r.saveMemory()
}

// subscribeExit flushes when k6 is about to exit, whatever ended the run (the end of the test,
// an interrupt or SIGTERM, a failed threshold with abortOnFail), so a script without
// handleSummary, or a long run stopped by its supervisor, keeps its memory and tells its news
// too. Once per process, when there is something to flush.
func (r *RootModule) subscribeExit(i *Instance) {
	r.mu.Lock()
	need := r.mem.path != "" || len(r.notes.senders) > 0
	r.mu.Unlock()
	if !need {
		return
	}
	r.exitOnce.Do(func() { r.subscribeExitOnce(i, i.logger()) })
}

// subscribeExitOnce subscribes on the init context's VU, whose events are k6's global ones.
func (r *RootModule) subscribeExitOnce(i *Instance, log logrus.FieldLogger) {
	ev := i.vu.Events().Global
	if ev == nil {
		return
	}
	// Only the subscribed type arrives, and k6 emits Exit once; the channel closes without it
	// when k6 drops every subscription.
	id, ch := ev.Subscribe(exitEvent)
	go func() {
		e, ok := <-ch
		if !ok {
			return
		}
		r.stopCheckpoints() // the last checkpoint ends before the final flush starts
		if err := r.flush(context.Background(), log); err != nil {
			log.Warnf("xk6-chatgpt: %v", err)
		}
		e.Done()
		ev.Unsubscribe(id)
	}()
}

// logger is the VU's logger: the running VU's, else the init environment's, else logrus's.
func (i *Instance) logger() logrus.FieldLogger {
	if st := i.vu.State(); st != nil && st.Logger != nil {
		return st.Logger
	}
	if ie := i.vu.InitEnv(); ie != nil && ie.Logger != nil {
		return ie.Logger
	}
	return logrus.StandardLogger()
}
