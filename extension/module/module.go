// Package module is the JS binding of the extension: the k6/x/chatgpt module with target() and
// probe(). It holds the process-wide state shared by all VUs (the embedded simulator and the
// outage detector) and stays thin: measuring is the probe package's job, metrics are
// telemetry's.
package module

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"go.k6.io/k6/v2/js/common"
	"go.k6.io/k6/v2/js/modules"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/monitor"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/report"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/telemetry"
)

// ImportPath is the module's name in scripts.
const ImportPath = "k6/x/chatgpt"

// Version is the extension's version: the semver tag of the release (git tag vX.Y.Z and this
// value change together; a release build may also set it with -ldflags -X).
var Version = "v0.1.0"

// RootModule is created once per k6 process; its state is shared by every VU.
type RootModule struct {
	simOnce sync.Once
	sim     *sim.Running // the embedded default, when no key or base URL is set
	simErr  error

	mu   sync.Mutex
	sims map[string]*sim.Running // chatgpt.simulator() instances by options

	rounds monitor.Rounds // per target/component: a newer regular probe ends an older one's confirmations

	detOnce sync.Once
	det     *detect.Detector // shared by every VU and target
	mem     memory           // the detector's state file (guarded by mu)

	loadOnce sync.Once
	recOnce  sync.Once
	rec      *report.Recorder // what the end-of-run report shows

	targets map[string]bool // every target's name, and whether it probes a simulator (guarded by mu)
	// secrets are every target's key and every provider's key in the environment, and the other
	// credentials the run was given: redacted from every probe result (probe.Target.Secrets),
	// --http-debug dump, net/http log line and notification.
	secrets  secret.Set
	notes    notifications // who is told of incidents, and what they were told (guarded by mu)
	notesMu  sync.Mutex    // one notification round (and state save) at a time
	exitOnce sync.Once
	ckpt     checkpoints // a long run's flush timer (guarded by mu)

	gates   map[string]*monitor.Gate         // politeness and spend per target, shared by every VU (guarded by mu)
	pollers map[string]*monitor.StatusPoller // the official status page per target (guarded by mu)
	books   map[string]*probe.ModelBook      // what each target learned of its models (guarded by mu)
	watched map[string]watchedTarget         // each target's models, for shutdown warnings (guarded by mu)
}

var _ modules.Module = (*RootModule)(nil)

// New returns the root module to register.
func New() *RootModule { return &RootModule{} }

// Close stops what the root module started (the checkpoint timer, the embedded simulator). k6
// exits without calling it; tests call it.
func (r *RootModule) Close() error {
	r.stopCheckpoints()
	var errs []error
	if r.sim != nil {
		errs = append(errs, r.sim.Close())
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.sims {
		errs = append(errs, s.Close())
	}
	return errors.Join(errs...)
}

// simulator starts the embedded simulator once per process and returns it.
func (r *RootModule) simulator() (*sim.Running, bool, error) {
	started := false
	r.simOnce.Do(func() {
		r.sim, r.simErr = sim.Start("127.0.0.1:0", sim.DefaultConfig())
		started = r.simErr == nil
	})
	return r.sim, started, r.simErr
}

// loadGCPercent is the garbage collector's target in load tests (polite: false): with hundreds
// of streams per core, GC cycles at Go's default of 100 % delayed stream reads by tens of
// milliseconds at p99 (extension/loadbench: TTFT error p99 34 ms at 1,000 streams, 2.7 ms at
// 400 %). Live heap is small (about 10 KiB per stream), so the memory cost is modest.
const loadGCPercent = 400

// loadMode tunes the process for a load test once: a higher GC target unless GOGC is set.
func (r *RootModule) loadMode(i *Instance) {
	r.loadOnce.Do(func() {
		if _, set := os.LookupEnv("GOGC"); set {
			return
		}
		debug.SetGCPercent(loadGCPercent)
		if ie := i.vu.InitEnv(); ie != nil {
			ie.Logger.Infof("xk6-chatgpt: load test (polite: false): garbage collector target raised to %d%% to keep GC pauses out of stream timings; set GOGC to choose", loadGCPercent)
		}
	})
}

// recorder is the process-wide report recorder, started with the first VU.
func (r *RootModule) recorder() *report.Recorder {
	r.recOnce.Do(func() { r.rec = report.NewRecorder(time.Now(), time.Minute) })
	return r.rec
}

// gate returns the politeness gate and status poller of the target with key, creating them
// with the first caller's budget (renewed every budgetPeriod; 0: once per run) and status
// interval.
func (r *RootModule) gate(key string, budgetUSD float64, budgetPeriod, statusEvery time.Duration) (*monitor.Gate, *monitor.StatusPoller) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gates == nil {
		r.gates, r.pollers = map[string]*monitor.Gate{}, map[string]*monitor.StatusPoller{}
	}
	g, ok := r.gates[key]
	if !ok {
		g = monitor.NewGate(budgetUSD)
		g.BudgetPeriod = budgetPeriod
		r.gates[key], r.pollers[key] = g, &monitor.StatusPoller{Interval: statusEvery}
	}
	return g, r.pollers[key]
}

// addTarget notes a target's name and whether it probes a simulator, for the reports.
func (r *RootModule) addTarget(name string, simulated bool, key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.targets == nil {
		r.targets = map[string]bool{}
	}
	r.targets[name] = r.targets[name] || simulated
	r.secrets.Add(key)
}

// simulatorNote is what every output says when targets probe a simulator ("" when none does).
func (r *RootModule) simulatorNote() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var sim []string
	for name, simulated := range r.targets {
		if simulated {
			sim = append(sim, name)
		}
	}
	slices.Sort(sim)
	return report.SimulatorNote(sim, len(sim) == len(r.targets))
}

// simulated reports whether the target named name probes a simulator.
func (r *RootModule) simulated(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.targets[name]
}

// simOf is the origin and speed of the chatgpt.simulator() serving baseURL ("" and 1: none).
func (r *RootModule) simOf(baseURL string) (string, float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.sims {
		origin := strings.TrimSuffix(s.URL, "/v1")
		if baseURL == origin || strings.HasPrefix(baseURL, origin+"/") {
			return origin, s.Speed
		}
	}
	return "", 1
}

// Instance is the module as one VU sees it.
type Instance struct {
	vu      modules.VU
	root    *RootModule
	metrics *telemetry.Metrics
	spans   *telemetry.ExportWatch
}

var _ modules.Instance = (*Instance)(nil)

// NewModuleInstance registers the metrics (idempotent) while the init environment is there.
func (r *RootModule) NewModuleInstance(vu modules.VU) modules.Instance {
	ms, err := telemetry.Register(vu.InitEnv().Registry)
	if err != nil {
		common.Throw(vu.Runtime(), fmt.Errorf("xk6-chatgpt: %w", err))
	}
	r.recorder() // the run starts now
	log := vu.InitEnv().Logger
	return &Instance{vu: vu, root: r, metrics: ms, spans: telemetry.WatchExports(log.Warnf)}
}

// Exports are the module's JS API (index.d.ts).
func (i *Instance) Exports() modules.Exports {
	return modules.Exports{Named: map[string]any{
		"target":    i.target,
		"simulator": i.simulator,
		"state":     i.state,
		"report":    i.report,
		"version":   Version,
	}}
}

// target is chatgpt.target(options): validated configuration, errors thrown at init time so a
// typo fails the run before any probe.
func (i *Instance) target(opts map[string]any) (*Target, error) {
	if i.vu.State() != nil || i.vu.InitEnv() == nil { // options and the environment are read once, at init
		return nil, fmt.Errorf("chatgpt.target() must be called in the init context (top level of the script), not in VU code")
	}
	t, err := newTarget(i, opts)
	if err != nil {
		return nil, fmt.Errorf("chatgpt.target: %w", err)
	}
	return t, nil
}

// env reads a variable as the script sees it: -e values first, then the process environment.
func (i *Instance) env(key string) string {
	ie := i.vu.InitEnv()
	if ie == nil {
		return ""
	}
	if v, ok := ie.RuntimeOptions.Env[key]; ok {
		return v
	}
	if ie.LookupEnv != nil {
		if v, ok := ie.LookupEnv(key); ok {
			return v
		}
	}
	return ""
}
