package probe

import (
	"sort"
	"sync"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/lifecycle"
)

// AutoModel is the model name that asks for the cheapest live model of the provider
// (lifecycle.Pick), re-chosen every probe: it moves off a model WarnDays before its announced
// shutdown, and at once off one the provider was seen retiring (a model_retired probe, or the
// models list giving it a shutdown date within the window).
const AutoModel = "auto"

// ModelBook is what a target knows at run time of its models' lifecycles: the shutdown dates the
// models list gave (they win over the table's) and the models seen retired. VUs probing the same
// target share one, so what one probe learns moves every VU. Safe for concurrent use.
type ModelBook struct {
	Provider string
	Now      func() time.Time // nil: time.Now

	mu      sync.Mutex
	learned map[string]string // model -> shutdown date from the models list
	retired map[string]bool
}

// NewModelBook returns an empty book for provider.
func NewModelBook(provider string) *ModelBook { return &ModelBook{Provider: provider} }

func (b *ModelBook) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// Pick is the model "auto" stands for now ("" when no candidate is left).
func (b *ModelBook) Pick(kind string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return lifecycle.Pick(b.Provider, kind, b.now(), func(m string) bool {
		if b.retired[m] {
			return true
		}
		d, ok := b.learned[m]
		return ok && !lifecycle.Live(d, b.now())
	}, probePrice)
}

// probePrice is what one probe of model costs at most, for ranking: a short prompt and the
// model's whole answer budget, or one image.
func probePrice(model string) (float64, bool) {
	p := PolicyFor(model)
	if !p.Priced {
		return 0, false
	}
	return 16*p.InputPerM/1e6 + float64(p.MinTokens)*p.OutputPerM/1e6 + p.PerImage, true
}

// Retire records that the provider retired model.
func (b *ModelBook) Retire(model string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.retired == nil {
		b.retired = map[string]bool{}
	}
	b.retired[model] = true
}

// Learn records the shutdown date the models list gave for model ("" clears it).
func (b *ModelBook) Learn(model, date string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.learned == nil {
		b.learned = map[string]string{}
	}
	b.learned[model] = date
}

// Shutdown is model's shutdown date: the models list's word, else the table's ("" when none).
func (b *ModelBook) Shutdown(model string) string {
	b.mu.Lock()
	d, ok := b.learned[model]
	b.mu.Unlock()
	if ok {
		return d
	}
	m, _ := lifecycle.Lookup(b.Provider, model)
	return m.Shutdown
}

// Replacement is what to move model to: the provider's recommended replacement, else what
// "auto" picks now among the models not retired ("" when neither is known).
func (b *ModelBook) Replacement(model string) string {
	if m, ok := lifecycle.Lookup(b.Provider, model); ok && m.Replacement != "" {
		return m.Replacement
	}
	kind := lifecycle.Chat
	if m, ok := lifecycle.Lookup(b.Provider, model); ok {
		kind = m.Kind
	}
	if p := b.Pick(kind); p != model {
		return p
	}
	return ""
}

// Warning is a model of a target that shuts down within lifecycle.WarnDays.
type Warning struct {
	Model       string `json:"model"`
	Shutdown    string `json:"shutdown_date"`
	DaysLeft    int    `json:"days_left"`
	Replacement string `json:"replacement,omitempty"`
}

// Warnings are the models among models that shut down within the warning window (or already
// did), soonest first.
func (b *ModelBook) Warnings(models []string) []Warning {
	var out []Warning
	seen := map[string]bool{}
	for _, m := range models {
		if m == "" || seen[m] {
			continue
		}
		seen[m] = true
		d := b.Shutdown(m)
		if days, ok := lifecycle.DaysLeft(d, b.now()); ok && days <= lifecycle.WarnDays {
			out = append(out, Warning{Model: m, Shutdown: d, DaysLeft: days, Replacement: b.Replacement(m)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].DaysLeft < out[j].DaysLeft })
	return out
}

// kindOf is the lifecycle kind of component c's model.
func kindOf(c Component) string {
	switch c {
	case Images:
		return lifecycle.Image
	case Embeddings:
		return lifecycle.Embedding
	case Moderations:
		return lifecycle.Moderation
	case Realtime:
		return lifecycle.Realtime
	}
	return lifecycle.Chat
}

// Models is every model the target's components name now (auto resolved).
func (t *Target) Models(cs []Component) []string {
	var out []string
	for _, c := range cs {
		switch c {
		case Web, Status:
			continue
		}
		out = append(out, t.ModelOf(c))
	}
	return out
}
