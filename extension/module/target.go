package module

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/grafana/sobek"
	"go.k6.io/k6/v2/js/promises"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/telemetry"
)

// OpenAIBaseURL is used when a key is given without a base URL.
const OpenAIBaseURL = "https://api.openai.com/v1"

// DefaultModel is cheap and fast, which a probe every 15 s needs.
const DefaultModel = "gpt-4o-mini"

// Target is what chatgpt.target() returns to JS. Exported fields are read-only views of the
// configuration; the API key is not among them.
type Target struct {
	Provider   string   `js:"provider"`
	Model      string   `js:"model"`
	BaseURL    string   `js:"baseURL"`
	Components []string `js:"components"`
	Simulated  bool     `js:"simulated"`

	cfg   probe.Target
	comps []probe.Component
	inst  *Instance
}

var knownOptions = []string{"provider", "model", "baseURL", "apiKey", "components", "prompt", "maxTokens", "timeouts"}

func newTarget(i *Instance, opts map[string]any) (*Target, error) {
	for k := range opts {
		if !slices.Contains(knownOptions, k) {
			return nil, fmt.Errorf("unknown option %q (known: %s)", k, strings.Join(knownOptions, ", "))
		}
	}
	t := &Target{inst: i}
	var err error
	str := func(key, envKey, def string) string {
		if err != nil {
			return ""
		}
		if v, ok := opts[key]; ok && v != nil {
			s, isStr := v.(string)
			if !isStr {
				err = fmt.Errorf("option %s must be a string, got %T", key, v)
			}
			return s
		}
		if envKey != "" {
			if v := i.env(envKey); v != "" {
				return v
			}
		}
		return def
	}
	c := &t.cfg
	c.Provider = str("provider", "", "openai")
	c.Model = str("model", "", DefaultModel)
	c.APIKey = str("apiKey", "OPENAI_API_KEY", "")
	c.BaseURL = str("baseURL", "OPENAI_BASE_URL", "")
	c.Prompt = str("prompt", "", "")
	if err != nil {
		return nil, err
	}
	if v, ok := opts["maxTokens"]; ok {
		n, ok := toInt(v)
		if !ok || n <= 0 {
			return nil, fmt.Errorf("option maxTokens must be a positive integer, got %v", v)
		}
		c.MaxTokens = n
	}
	if v, ok := opts["timeouts"]; ok {
		if c.Timeouts, err = parseTimeouts(v); err != nil {
			return nil, err
		}
	}
	if t.comps, err = parseComponents(opts["components"]); err != nil {
		return nil, err
	}
	if c.BaseURL == "" && c.APIKey == "" {
		s, started, serr := i.root.simulator()
		if serr != nil {
			return nil, fmt.Errorf("no OPENAI_API_KEY or OPENAI_BASE_URL, and the embedded simulator failed: %w", serr)
		}
		if started {
			i.vu.InitEnv().Logger.Warnf("xk6-chatgpt: no OPENAI_API_KEY or OPENAI_BASE_URL set, so this run probes the embedded "+
				"simulator at %s, not a real API. Set OPENAI_API_KEY=sk-... to probe OpenAI, or OPENAI_BASE_URL for any "+
				"OpenAI-compatible endpoint.", s.URL)
		}
		c.BaseURL, t.Simulated = s.URL, true
	} else if c.BaseURL == "" {
		c.BaseURL = OpenAIBaseURL
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	t.Provider, t.Model, t.BaseURL = c.Provider, c.Model, c.BaseURL
	for _, pc := range t.comps {
		t.Components = append(t.Components, string(pc))
	}
	return t, nil
}

func parseComponents(v any) ([]probe.Component, error) {
	if v == nil {
		return []probe.Component{probe.Chat, probe.ChatStream, probe.Models}, nil
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, fmt.Errorf("option components must be a non-empty array of names, got %v", v)
	}
	out := make([]probe.Component, 0, len(list))
	for _, e := range list {
		s, _ := e.(string)
		c, err := probe.ParseComponent(s)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func parseTimeouts(v any) (probe.Timeouts, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return probe.Timeouts{}, fmt.Errorf("option timeouts must be an object, got %T", v)
	}
	var to probe.Timeouts
	fields := map[string]*time.Duration{"connect": &to.Connect, "ttfb": &to.TTFB, "firstToken": &to.FirstToken,
		"stall": &to.Stall, "total": &to.Total}
	for k, val := range m {
		dst, ok := fields[k]
		if !ok {
			keys := make([]string, 0, len(fields))
			for f := range fields {
				keys = append(keys, f)
			}
			sort.Strings(keys)
			return to, fmt.Errorf("unknown timeout %q (known: %s)", k, strings.Join(keys, ", "))
		}
		d, err := toDuration(val)
		if err != nil || d <= 0 {
			return to, fmt.Errorf("timeouts.%s must be a positive duration like \"30s\" or milliseconds, got %v", k, val)
		}
		*dst = d
	}
	return to, nil
}

func toDuration(v any) (time.Duration, error) {
	if s, ok := v.(string); ok {
		return time.ParseDuration(s)
	}
	if n, ok := toInt(v); ok {
		return time.Duration(n) * time.Millisecond, nil
	}
	return 0, errors.New("not a duration")
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int64:
		return int(n), true
	case int:
		return n, true
	case float64:
		if n == float64(int(n)) {
			return int(n), true
		}
	case string:
		i, err := strconv.Atoi(n)
		return i, err == nil
	}
	return 0, false
}

// Probe is target.probe(component): a Promise of a ProbeResult. HTTP and stream failures resolve
// with ok=false and a class; only misuse (unknown component, init context) throws.
func (t *Target) Probe(component string) (*sobek.Promise, error) {
	c, err := probe.ParseComponent(component)
	if err != nil {
		return nil, err
	}
	return t.start(c)
}

func (t *Target) start(c probe.Component) (*sobek.Promise, error) {
	return t.async("probe()", func(run func(probe.Component) *probe.Result) any { return run(c) })
}

// ProbeAll is target.probeAll(): every configured component at once, a Promise of an array of
// results in configuration order.
func (t *Target) ProbeAll() (*sobek.Promise, error) {
	return t.async("probeAll()", func(run func(probe.Component) *probe.Result) any {
		out := make([]*probe.Result, len(t.comps))
		var wg sync.WaitGroup
		for n, c := range t.comps {
			wg.Go(func() { out[n] = run(c) })
		}
		wg.Wait()
		return out
	})
}

// async captures the VU's state on the JS thread, then runs work in a goroutine and resolves the
// promise with its value. Every probe's samples are pushed as soon as it ends.
func (t *Target) async(what string, work func(run func(probe.Component) *probe.Result) any) (*sobek.Promise, error) {
	vu := t.inst.vu
	state := vu.State()
	if state == nil {
		return nil, fmt.Errorf("%s must be called from VU code (the default function), not the init context", what)
	}
	base := state.Tags.GetCurrentValues()
	ctx := vu.Context()
	run := func(c probe.Component) *probe.Result {
		r := probe.Run(ctx, state.Transport, &t.cfg, c)
		if !r.Aborted {
			now := time.Now()
			det := t.observe(&r, now) // sets r.State first
			telemetry.Push(ctx, state.Samples, t.inst.metrics.Samples(&r, base, now, det))
		}
		return &r
	}
	p, resolve, _ := promises.New(vu)
	go func() { resolve(work(run)) }()
	return p, nil
}
