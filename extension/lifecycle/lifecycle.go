// Package lifecycle is the dated table of the models the monitor probes by default: when each
// shuts down, what replaces it, and which ones `model: "auto"` may choose. Providers retire models
// every few months; a monitor left on a retired default reports model_not_found on every probe, so
// the table says what is known, the date it was last checked, and the models list (whose
// shutdown_date the models probe reads) corrects it at run time. Pure: no I/O, no clock.
package lifecycle

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Checked is when the table (and the prices in probe/policy.go) were last checked against the
// providers' deprecation and pricing pages.
const Checked = "2026-12-01"

// WarnDays is how far ahead a shutdown is warned of (verdict, reports), and how far ahead "auto"
// moves off a model: OpenAI announces retirements of generally available models at least six
// months ahead, so 90 days leaves a quarter to act on.
const WarnDays = 90

// Kinds of models, by the components that use them.
const (
	Chat       = "chat"       // chat, chat_stream, responses, canary
	Image      = "image"      // images
	Embedding  = "embedding"  // embeddings
	Moderation = "moderation" // moderations
	Realtime   = "realtime"   // realtime
)

// Model is one row of the table.
type Model struct {
	Provider    string // openai, anthropic, gemini (azure deploys OpenAI's models: it reads openai's rows)
	ID          string // matched as a prefix of dated snapshots ("gpt-4o-mini-2024-07-18")
	Kind        string
	Shutdown    string // YYYY-MM-DD; "" when none is announced
	Replacement string // the provider's recommended replacement, when it names one
	Auto        bool   // a candidate of model "auto" (with a known price: probe/policy.go)
}

// table: OpenAI's deprecations page (platform.openai.com/docs/deprecations) as of Checked — the
// 2026-04-22 legacy snapshots, the 2026-06-02 image models, the 2026-06-11 GPT-5 and o3
// snapshots and the gpt-4o-mini / gpt-4.1-mini retirement for 2027-01-14; the other providers'
// defaults have no announced shutdown.
var table = []Model{
	{Provider: "openai", ID: "gpt-4o-mini", Kind: Chat, Shutdown: "2027-01-14", Replacement: "gpt-6-luna", Auto: true},
	{Provider: "openai", ID: "gpt-4.1-mini", Kind: Chat, Shutdown: "2027-01-14", Replacement: "gpt-6-luna", Auto: true},
	{Provider: "openai", ID: "gpt-5-nano", Kind: Chat, Shutdown: "2026-12-11", Replacement: "gpt-5.4-nano"},
	{Provider: "openai", ID: "gpt-5-mini", Kind: Chat, Shutdown: "2026-12-11", Replacement: "gpt-5.4-mini"},
	{Provider: "openai", ID: "gpt-5-pro", Kind: Chat, Shutdown: "2026-12-11", Replacement: "gpt-5.4-pro"},
	{Provider: "openai", ID: "gpt-5", Kind: Chat, Shutdown: "2026-12-11", Replacement: "gpt-5.4"},
	{Provider: "openai", ID: "o3", Kind: Chat, Shutdown: "2026-12-11", Replacement: "gpt-5.4"},
	{Provider: "openai", ID: "o3-mini", Kind: Chat},
	// OpenAI named gpt-4.1-mini, itself retired on 2027-01-14: the table names a live model
	{Provider: "openai", ID: "gpt-3.5-turbo", Kind: Chat, Shutdown: "2026-10-23", Replacement: "gpt-5.4-mini"},
	{Provider: "openai", ID: "gpt-4", Kind: Chat, Shutdown: "2026-10-23", Replacement: "gpt-5.4-mini"},
	{Provider: "openai", ID: "gpt-5.4-nano", Kind: Chat, Auto: true},
	{Provider: "openai", ID: "gpt-5.4-mini", Kind: Chat, Auto: true},
	{Provider: "openai", ID: "gpt-5.4", Kind: Chat},
	{Provider: "openai", ID: "gpt-5.4-pro", Kind: Chat},
	{Provider: "openai", ID: "gpt-5.5", Kind: Chat},
	{Provider: "openai", ID: "gpt-6-luna", Kind: Chat}, // no list price known at Checked: never chosen by "auto"
	{Provider: "openai", ID: "gpt-image-1-mini", Kind: Image, Shutdown: "2026-12-01", Replacement: "gpt-image-2"},
	{Provider: "openai", ID: "gpt-image-1.5", Kind: Image, Shutdown: "2026-12-01", Replacement: "gpt-image-2"},
	{Provider: "openai", ID: "gpt-image-1", Kind: Image, Shutdown: "2026-10-23", Replacement: "gpt-image-2"},
	{Provider: "openai", ID: "dall-e-2", Kind: Image, Shutdown: "2026-05-12", Replacement: "gpt-image-2"},
	{Provider: "openai", ID: "dall-e-3", Kind: Image, Shutdown: "2026-05-12", Replacement: "gpt-image-2"},
	{Provider: "openai", ID: "gpt-image-2", Kind: Image, Auto: true},
	{Provider: "openai", ID: "text-embedding-3-small", Kind: Embedding, Auto: true},
	{Provider: "openai", ID: "omni-moderation-latest", Kind: Moderation, Auto: true},
	{Provider: "openai", ID: "gpt-realtime-mini", Kind: Realtime, Auto: true},
	{Provider: "openai", ID: "gpt-realtime", Kind: Realtime},
	{Provider: "anthropic", ID: "claude-haiku-4-5", Kind: Chat, Auto: true},
	{Provider: "gemini", ID: "gemini-2.5-flash-lite", Kind: Chat, Auto: true},
	{Provider: "gemini", ID: "gemini-embedding-001", Kind: Embedding, Auto: true},
}

// Table returns a copy of the table.
func Table() []Model { return append([]Model(nil), table...) }

// Lookup finds the row of model id (the longest ID that is id or a dated snapshot of it).
// Azure and compatible servers read OpenAI's rows: their deployments are named after them.
func Lookup(provider, id string) (Model, bool) {
	key := lookupKey{family(provider), id}
	if m, ok := memo.Load(key); ok {
		return m.(Model), m.(Model).ID != ""
	}
	m, ok := lookup(key.provider, id)
	if memoLen.Add(1) <= maxMemo {
		memo.Store(key, m)
	}
	return m, ok
}

// memo remembers Lookup's answers: every probe looks its model up (the shutdown warning), and
// the scan of the table was a visible share of the extension's CPU under load
// (extension/loadbench). Bounded, since the names of a server's model list reach it too.
var (
	memo    sync.Map // lookupKey → Model
	memoLen atomic.Int64
)

const maxMemo = 1024

type lookupKey struct{ provider, id string }

func lookup(provider, id string) (Model, bool) {
	var best Model
	for _, m := range table {
		if m.Provider != provider || !strings.HasPrefix(id, m.ID) || len(m.ID) <= len(best.ID) {
			continue
		}
		if len(id) == len(m.ID) || id[len(m.ID)] == '-' || id[len(m.ID)] == ':' {
			best = m
		}
	}
	return best, best.ID != ""
}

func family(provider string) string {
	switch provider {
	case "azure", "compatible", "":
		return "openai"
	}
	return provider
}

// Date parses a YYYY-MM-DD shutdown date (UTC midnight).
func Date(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// DaysLeft is the number of whole days from today until shutdown (0 on the day, negative after).
func DaysLeft(shutdown string, today time.Time) (int, bool) {
	d, ok := Date(shutdown)
	if !ok {
		return 0, false
	}
	y, m, dd := today.UTC().Date()
	day := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	return int(d.Sub(day).Hours() / 24), true
}

// Live reports whether a model with this shutdown date may still be chosen today: none
// announced, or more than WarnDays away.
func Live(shutdown string, today time.Time) bool {
	days, ok := DaysLeft(shutdown, today)
	return !ok || days > WarnDays
}

// Pick is model "auto": the cheapest of the provider's candidates of kind that is live today and
// not in retired (models the provider was seen retiring at run time), by price (USD per probe,
// false when unknown: such models are not chosen). "" when none is left.
func Pick(provider, kind string, today time.Time, retired func(string) bool, price func(string) (float64, bool)) string {
	best, bestPrice := "", 0.0
	for _, m := range table {
		if m.Provider != family(provider) || m.Kind != kind || !m.Auto || !Live(m.Shutdown, today) || (retired != nil && retired(m.ID)) {
			continue
		}
		p, ok := price(m.ID)
		if !ok {
			continue
		}
		if best == "" || p < bestPrice {
			best, bestPrice = m.ID, p
		}
	}
	return best
}
