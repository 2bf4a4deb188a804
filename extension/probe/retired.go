package probe

import (
	"encoding/json"
	"fmt"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/lifecycle"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/stream"
)

// maxListed bounds what one models list can teach the book (OpenAI lists about 100 models).
const maxListed = 4096

// shutdownDates reads each listed model's shutdown_date (only well-formed dates; null and
// absent ones announce nothing).
func shutdownDates(data []json.RawMessage) map[string]string {
	var out map[string]string
	for _, raw := range data[:min(len(data), maxListed)] {
		var m struct {
			ID       string  `json:"id"`
			Shutdown *string `json:"shutdown_date"`
		}
		if stream.Unmarshal(raw, &m) != nil || m.Shutdown == nil || m.ID == "" || len(m.ID) > 200 {
			continue
		}
		if _, ok := lifecycle.Date(*m.Shutdown); !ok {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[m.ID] = *m.Shutdown
	}
	return out
}

// noteLifecycle applies what the run knows of model lifecycles to one probe's result: the dates
// a models list announced go into the target's book; a model_not_found for a model past its
// shutdown date is model_retired; a retired model is marked in the book (so "auto" moves on
// from the next probe) and its advice names the replacement; the result carries the days left
// of the models it concerns (chatgpt_model_shutdown_days).
func (t *Target) noteLifecycle(r *Result, listed map[string]string) {
	b := t.Book
	if b == nil || r.Model == "" {
		return
	}
	for m, d := range listed {
		b.Learn(m, d)
	}
	today := b.now()
	if r.Class == classify.ModelNotFound {
		if days, ok := lifecycle.DaysLeft(b.Shutdown(r.Model), today); ok && days <= 0 {
			r.Class, r.Advice = classify.ModelRetired, classify.Advice(classify.ModelRetired)
		}
	}
	if r.Class == classify.ModelRetired {
		b.Retire(r.Model)
		if next := b.Replacement(r.Model); next != "" {
			r.Advice = fmt.Sprintf("%s; replacement: %s", r.Advice, next)
			if t.Model == AutoModel && r.Component != Images && r.Component != Embeddings && r.Component != Moderations {
				r.Advice += fmt.Sprintf(" (model \"auto\" probes %s from the next round)", t.ModelOf(r.Component))
			}
		}
	}
	note := func(m string) {
		if days, ok := lifecycle.DaysLeft(b.Shutdown(m), today); ok {
			if r.ShutdownDays == nil {
				r.ShutdownDays = map[string]int{}
			}
			r.ShutdownDays[m] = days
		}
	}
	note(r.Model)
	if r.Component == Models {
		note(t.ModelOf(Chat))
		for c := range t.ModelFor {
			note(t.ModelOf(c))
		}
	}
}
