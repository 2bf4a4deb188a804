package module

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/monitor"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statefile"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
)

// simPaths is where the simulator serves each provider's dialect, under its origin.
var simPaths = map[string]string{probe.OpenAI: "/v1", probe.Compatible: "/v1", probe.Anthropic: "/v1", probe.Gemini: "/v1beta/openai", probe.Azure: ""}

// DefaultBudgetUSD caps each target's spend per run: a scheduled run spends cents, so reaching
// it means a misconfigured load (many VUs, long runs) and stopping is the kind thing to do.
const DefaultBudgetUSD = 1.0

var knownOptions = []string{"name", "alternative", "provider", "model", "baseURL", "apiKey", "apiVersion", "components", "prompt",
	"maxTokens", "reasoningEffort", "modelFor", "canary", "webURL", "statusURL", "statusInterval", "officialComponents", "timeouts",
	"budgetUSD", "recordContent", "groundTruth", "polite", "slo", "state", "stateMaxAge", "confirmations", "simulator",
	"checkpoint", "budgetPeriod"}

// targetExtras are the options that configure the monitor around a probe target.
type targetExtras struct {
	impolite       bool // polite: false — a load test keeps its load
	simulator      bool // simulator: true or CHATGPT_TARGET=simulator: the embedded simulator, asked for
	confirmations  int  // extra probes of a component in doubt after each regular one
	name           string
	alternative    bool
	budget         float64
	statusInterval time.Duration
	official       statuspage.Map
	statePath      string        // the detector's state file ("" none)
	stateMaxAge    time.Duration // older states are decayed
	checkpoint     time.Duration // a long run flushes state and notifications this often (0: at its end only)
	budgetPeriod   time.Duration // the spend cap is renewed this often (0: once per run)
}

// options reads chatgpt.target()'s options object with typed accessors; the first error sticks.
type options struct {
	m   map[string]any
	err error
}

func (o *options) str(key string) string {
	v, ok := o.m[key]
	if !ok || v == nil || o.err != nil {
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		o.err = fmt.Errorf("option %s must be a string, got %T", key, v)
	}
	return s
}

// boolean is the option's value, def when it is absent (null is not a boolean).
func (o *options) boolean(key string, def bool) bool {
	v, ok := o.m[key]
	if !ok || o.err != nil {
		return def
	}
	b, isBool := v.(bool)
	if !isBool {
		o.err = fmt.Errorf("option %s must be true or false, got %v", key, v)
	}
	return b
}

func (o *options) strMap(key string) map[string]string {
	v, ok := o.m[key]
	if !ok || v == nil || o.err != nil {
		return nil
	}
	m, isMap := v.(map[string]any)
	if !isMap {
		o.err = fmt.Errorf("option %s must be an object, got %T", key, v)
		return nil
	}
	out := make(map[string]string, len(m))
	for k, val := range m {
		s, isStr := val.(string)
		if !isStr {
			o.err = fmt.Errorf("option %s.%s must be a string, got %T", key, k, val)
			return nil
		}
		out[k] = s
	}
	return out
}

// parse fills the probe target's fields from the options; env resolves defaults.
func (o *options) parse(c *probe.Target, env func(string) string) (x targetExtras) {
	for k := range o.m {
		if !slices.Contains(knownOptions, k) {
			o.err = fmt.Errorf("unknown option %q (known: %s)", k, strings.Join(knownOptions, ", "))
			return x
		}
	}
	defer func() { x.name = cmp.Or(x.name, c.Provider) }()
	x.name = o.str("name")
	if v, ok := o.m["slo"]; ok && o.err == nil {
		m, isMap := v.(map[string]any)
		if !isMap {
			o.err = fmt.Errorf("option slo must be an object like {ttft: \"2s\", itl: \"100ms\"}, got %T", v)
			return x
		}
		c.SLO = &probe.SLO{}
		for k, val := range m {
			d, err := toDuration(val)
			if err != nil || d <= 0 {
				o.err = fmt.Errorf("slo.%s must be a positive duration like \"2s\" or milliseconds, got %v", k, val)
				return x
			}
			switch k {
			case "ttft":
				c.SLO.TTFTMs = float64(d) / float64(time.Millisecond)
			case "itl":
				c.SLO.ITLMs = float64(d) / float64(time.Millisecond)
			default:
				o.err = fmt.Errorf("slo.%s is unknown (known: ttft, itl)", k)
				return x
			}
		}
	}
	x.impolite = !o.boolean("polite", true)
	x.simulator = o.boolean("simulator", false)
	switch t := env("CHATGPT_TARGET"); t {
	case "":
	case "simulator":
		x.simulator = true
	default:
		if o.err == nil {
			o.err = fmt.Errorf("CHATGPT_TARGET=%q: the only value is simulator (unset it to probe the configured provider)", t)
		}
	}
	c.GroundTruth = o.boolean("groundTruth", false)
	c.RecordContent = o.boolean("recordContent", false)
	x.alternative = o.boolean("alternative", false)
	c.Provider = cmp.Or(o.str("provider"), probe.OpenAI)
	pe, ok := probe.Endpoints[c.Provider]
	if !ok && o.err == nil {
		o.err = fmt.Errorf("option provider %q is not supported (supported: %s)", c.Provider, strings.Join(probe.Providers, ", "))
		return x
	}
	c.Model = cmp.Or(o.str("model"), pe.Model)
	c.APIKey = cmp.Or(o.str("apiKey"), env(pe.KeyEnv))
	c.BaseURL = cmp.Or(o.str("baseURL"), env(pe.BaseEnv))
	c.APIVersion, c.Prompt, c.Effort = o.str("apiVersion"), o.str("prompt"), o.str("reasoningEffort")
	c.WebURL, c.StatusURL = o.str("webURL"), o.str("statusURL")
	if mf := o.strMap("modelFor"); mf != nil {
		c.ModelFor = map[probe.Component]string{}
		for k, v := range mf {
			comp, err := probe.ParseComponent(k)
			if err != nil && o.err == nil {
				o.err = fmt.Errorf("option modelFor: %w", err)
			}
			c.ModelFor[comp] = v
		}
	}
	if cm := o.strMap("canary"); cm != nil {
		for k := range cm {
			if k != "question" && k != "answer" && o.err == nil {
				o.err = fmt.Errorf("option canary.%s is unknown (known: question, answer)", k)
			}
		}
		c.Canary = probe.CanaryCheck{Question: cm["question"], Answer: cm["answer"]}
	}
	if v, ok := o.m["maxTokens"]; ok && o.err == nil {
		n, ok := toInt(v)
		if !ok || n <= 0 {
			o.err = fmt.Errorf("option maxTokens must be a positive integer, got %v", v)
		}
		c.MaxTokens = n
	}
	if v, ok := o.m["timeouts"]; ok && o.err == nil {
		c.Timeouts, o.err = parseTimeouts(v)
	}
	x.confirmations = monitor.DefaultConfirmations
	if x.impolite {
		x.confirmations = 0 // a load test's probes are its load, not a monitor's samples
	}
	if v, ok := o.m["confirmations"]; ok && o.err == nil {
		n, ok := toInt(v)
		if !ok || n < 0 || n > monitor.MaxConfirmations {
			o.err = fmt.Errorf("option confirmations must be an integer from 0 to %d, got %v", monitor.MaxConfirmations, v)
		}
		x.confirmations = n
	}
	x.budget = DefaultBudgetUSD
	if v, ok := o.m["budgetUSD"]; ok && o.err == nil {
		f, ok := toFloat(v)
		if !ok || f < 0 {
			o.err = fmt.Errorf("option budgetUSD must be a number of dollars, 0 for no cap, got %v", v)
		}
		x.budget = f
	}
	if v, ok := o.m["statusInterval"]; ok && o.err == nil {
		d, err := toDuration(v)
		if err != nil || d <= 0 {
			o.err = fmt.Errorf("option statusInterval must be a positive duration like \"60s\", got %v", v)
		}
		x.statusInterval = d
	}
	x.statePath = cmp.Or(o.str("state"), env("CHATGPT_STATE"))
	x.stateMaxAge = statefile.DefaultMaxAge
	maxAge := any(env("CHATGPT_STATE_MAX_AGE"))
	if v, ok := o.m["stateMaxAge"]; ok {
		maxAge = v
	}
	if maxAge != "" && o.err == nil {
		d, err := toDuration(maxAge)
		if err != nil || d <= 0 {
			o.err = fmt.Errorf("option stateMaxAge (or CHATGPT_STATE_MAX_AGE) must be a positive duration like \"6h\", got %v", maxAge)
		}
		x.stateMaxAge = d
	}
	o.parseLongRun(&x, env)
	x.official = statuspage.DefaultMaps[c.Provider]
	if v, ok := o.m["officialComponents"]; ok && o.err == nil {
		x.official, o.err = parseOfficialMap(v)
	}
	return x
}

// parseOfficialMap reads {component: "Official name" | ["Name", …]}.
func parseOfficialMap(v any) (statuspage.Map, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("option officialComponents must be an object of component: official name(s), got %T", v)
	}
	out := statuspage.Map{}
	for k, val := range m {
		if _, err := probe.ParseComponent(k); err != nil {
			return nil, fmt.Errorf("option officialComponents: %w", err)
		}
		switch n := val.(type) {
		case string:
			out[k] = []string{n}
		case []any:
			for _, e := range n {
				s, isStr := e.(string)
				if !isStr {
					return nil, fmt.Errorf("option officialComponents.%s must be a name or a list of names", k)
				}
				out[k] = append(out[k], s)
			}
		default:
			return nil, fmt.Errorf("option officialComponents.%s must be a name or a list of names", k)
		}
	}
	return out, nil
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
