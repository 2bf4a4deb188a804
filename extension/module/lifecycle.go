package module

import (
	"slices"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/report"
)

// book is the model book of the target with key, shared by every VU probing it: what one
// probe learns of a model's retirement moves "auto" for all.
func (r *RootModule) book(key, provider string) *probe.ModelBook {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.books == nil {
		r.books = map[string]*probe.ModelBook{}
	}
	b, ok := r.books[key]
	if !ok {
		b = probe.NewModelBook(provider)
		r.books[key] = b
	}
	return b
}

// watchModels remembers a target's configuration and components for the shutdown warnings.
func (r *RootModule) watchModels(name string, t *probe.Target, comps []probe.Component) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.watched == nil {
		r.watched = map[string]watchedTarget{}
	}
	if _, ok := r.watched[name]; !ok {
		r.watched[name] = watchedTarget{t, comps}
	}
}

type watchedTarget struct {
	cfg   *probe.Target
	comps []probe.Component
}

// shutdowns are the probed models that shut down within the warning window, by target name.
func (r *RootModule) shutdowns() []report.ModelShutdown {
	r.mu.Lock()
	names := make([]string, 0, len(r.watched))
	for n := range r.watched {
		names = append(names, n)
	}
	watched := r.watched
	r.mu.Unlock()
	slices.Sort(names)
	var out []report.ModelShutdown
	for _, n := range names {
		w := watched[n]
		for _, x := range w.cfg.Book.Warnings(w.cfg.Models(w.comps)) {
			out = append(out, report.ModelShutdown{Target: n, Model: x.Model, Shutdown: x.Shutdown, DaysLeft: x.DaysLeft, Replacement: x.Replacement})
		}
	}
	return out
}
