// Package report turns a monitoring run into what people and CI systems read: a text section
// for k6's stdout, Markdown for $GITHUB_STEP_SUMMARY, JUnit XML, a stable versioned JSON
// document, one self-contained HTML file with a state timeline, latency chart, incidents and
// (given earlier runs' JSON) 90 days of uptime, and SVG status badges. It imports nothing of k6:
// the module builds a Run from the detector, the Recorder and k6's summary data.
package report

import (
	"strings"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/monitor"
)

// SchemaVersion is the JSON report's version; a breaking change to its shape increments it.
const SchemaVersion = 1

// Run is one monitoring run, the JSON report's document (report.schema.json).
type Run struct {
	SchemaVersion int               `json:"schema_version"`
	StartedAt     time.Time         `json:"started_at"`
	EndedAt       time.Time         `json:"ended_at"`
	PreviousRunAt *time.Time        `json:"previous_run_started_at"` // when the scheduler says so: late or skipped runs show
	ScheduleGap   *float64          `json:"schedule_gap_s"`          // started_at - previous run, seconds
	Overall       detect.State      `json:"overall"`
	Verdict       string            `json:"verdict"`
	Local         *detect.Local     `json:"local"`
	Components    []Component       `json:"components"`
	Incidents     []detect.Incident `json:"incidents"`
	Blips         []detect.Blip     `json:"blips,omitempty"` // total failures too short to page
	// Attribution is, per target with something to say, who is at fault and why: the answer
	// to "is it down for everyone, or just us?".
	Attribution    []monitor.Attribution `json:"attribution,omitempty"`
	Alternatives   []detect.Alternative  `json:"alternatives"`
	Thresholds     []Threshold           `json:"thresholds"`
	Timeline       []Series              `json:"timeline"`
	Unacknowledged []string              `json:"unacknowledged"`
	OfficialOnly   []string              `json:"official_only"`
	// Memory says where the detector's baselines came from: a state file (and its age) or the
	// provider's priors.
	Memory *detect.Memory `json:"memory,omitempty"`
	// Simulator says that targets probed a simulator, not a real API ("" when none did): every
	// title and the verdict carry it, so a rehearsal is never mistaken for the real thing.
	Simulator string `json:"simulator,omitempty"`
	// ModelShutdowns are the probed models that shut down within 90 days (or already did): the
	// verdict warns of each (lifecycle.go).
	ModelShutdowns []ModelShutdown `json:"model_shutdowns,omitempty"`
}

// SimulatorNote is what outputs say of a run whose targets (some of them: those named) probed a
// simulator; "" when none did.
func SimulatorNote(simulated []string, all bool) string {
	switch {
	case len(simulated) == 0:
		return ""
	case all:
		return "SIMULATOR, not a real API"
	}
	return "partly simulated: " + strings.Join(simulated, ", ") + " probed a simulator"
}

// Attribute records who is at fault (monitor.Attribute, per target) and the verdict that
// says so.
func (r *Run) Attribute(as []monitor.Attribution, verdict string) {
	r.Attribution, r.Verdict = as, verdict
}

// MarkSimulator records note (SimulatorNote) on the run and in front of its verdict.
func (r *Run) MarkSimulator(note string) {
	if note == "" {
		return
	}
	r.Simulator = note
	r.Verdict = note + " — " + r.Verdict
}

// Title is the report's title, with the simulator note when there is one.
func (r Run) Title() string {
	if r.Simulator == "" {
		return "ChatGPT synthetic check"
	}
	return "ChatGPT synthetic check (" + r.Simulator + ")"
}

// Component is one probed component's run in numbers.
type Component struct {
	Target       string         `json:"target"`
	Component    string         `json:"component"`
	State        detect.State   `json:"state"`
	Official     detect.State   `json:"official,omitempty"`
	Probes       int            `json:"probes"`
	OK           int            `json:"ok"`
	Availability float64        `json:"availability"` // ok / probes, 0-1
	TTFTP50      float64        `json:"ttft_p50_ms"`  // 0: not measured
	TTFTP95      float64        `json:"ttft_p95_ms"`
	Classes      map[string]int `json:"classes"` // failure classes with counts
	Advice       string         `json:"advice,omitempty"`
	LastError    string         `json:"last_error,omitempty"` // the provider's words on the latest failure: untrusted text
	Incident     string         `json:"incident,omitempty"`
	// Challenged: the web front door answered this bot with a challenge; its state is unknown,
	// not operational.
	Challenged bool `json:"challenged,omitempty"`
}

// Shown is the state as reports print it: "unknown (challenged)" for a front door that only
// ever showed this bot a challenge.
func (c Component) Shown() string {
	if c.Challenged {
		return "unknown (challenged)"
	}
	return string(c.State)
}

// Name is "target/component", or the component alone for an unnamed target.
func (c Component) Name() string {
	if c.Target == "" {
		return c.Component
	}
	return c.Target + "/" + c.Component
}

// Threshold is one k6 threshold's outcome.
type Threshold struct {
	Metric    string `json:"metric"`
	Threshold string `json:"threshold"`
	OK        bool   `json:"ok"`
}

// Series is one component's timeline in fixed buckets.
type Series struct {
	Target    string   `json:"target"`
	Component string   `json:"component"`
	Buckets   []Bucket `json:"buckets"`
}

// Bucket is what one component did in one span of time.
type Bucket struct {
	At      time.Time    `json:"at"`
	State   detect.State `json:"state"` // worst state after a probe in the bucket
	Probes  int          `json:"probes"`
	Failed  int          `json:"failed"`
	TTFTP50 float64      `json:"ttft_p50_ms"`
}
