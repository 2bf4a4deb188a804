package statuspage

import (
	"strings"
	"time"
)

// Map maps our components to the official components that cover them. A name matches an
// official one case-insensitively, exactly or as a prefix ("Claude API" matches "Claude API
// (api.anthropic.com)"), because pages rename components over time.
type Map map[string][]string

// DefaultMaps per provider (docs/signals.md §4.3–4.4). Components without an
// official counterpart (OpenAI's model list) are absent. Azure OpenAI publishes only an RSS
// feed, so it has no map.
var DefaultMaps = map[string]Map{
	"openai": {
		"chat": {"Chat Completions"}, "chat_stream": {"Chat Completions"}, "canary": {"Chat Completions"},
		"responses": {"Responses"}, "embeddings": {"Embeddings"}, "images": {"Images"},
		"moderations": {"Moderations"}, "web": {"Conversations"},
	},
	"anthropic": {
		"chat": {"Claude API"}, "chat_stream": {"Claude API"}, "models": {"Claude API"}, "canary": {"Claude API"},
		"web": {"claude.ai"},
	},
	"gemini": {
		"chat": {"Vertex Gemini API", "Gemini API"}, "chat_stream": {"Vertex Gemini API", "Gemini API"},
		"models": {"Vertex Gemini API", "Gemini API"}, "embeddings": {"Vertex Gemini API", "Gemini API"},
		"canary": {"Vertex Gemini API", "Gemini API"},
	},
}

func matches(official, want string) bool {
	o, w := strings.ToLower(official), strings.ToLower(want)
	return o == w || strings.HasPrefix(o, w)
}

// View is what the page says about our components at one time.
type View struct {
	States map[string]string   // our component -> the worst state of its official components
	Acks   map[string]Incident // our component -> the earliest-acknowledged ongoing incident affecting it
	// APIMaintenance: a maintenance of the API as a whole is under way — one covering the
	// official components of the provider's chat API, or the page's own indicator. Our
	// components without an official counterpart (OpenAI's model list) inherit it.
	APIMaintenance bool
}

// core is our component whose official components stand for the provider's API as a whole.
const core = "chat"

// View maps the page onto our components at time at. A component whose official components are
// not on the page is absent from States; an ongoing maintenance covering it makes it
// under_maintenance unless something worse is declared.
func (m Map) View(p *Page, at time.Time) View {
	v := View{States: map[string]string{}, Acks: map[string]Incident{}, APIMaintenance: p.Indicator == "maintenance"}
	for _, in := range p.Incidents {
		if in.Kind == "maintenance" && in.Ongoing(at) && (m.covers(core, in.Components) || len(in.Components) == 0) {
			v.APIMaintenance = true
		}
	}
	for ours, names := range m {
		for _, c := range p.Components {
			for _, n := range names {
				if matches(c.Name, n) {
					v.States[ours] = Worse(v.States[ours], c.State)
				}
			}
		}
		for _, in := range p.Incidents {
			if !in.Ongoing(at) || !m.covers(ours, in.Components) {
				continue
			}
			if in.Kind == "maintenance" {
				if _, listed := v.States[ours]; listed || len(p.Components) == 0 {
					v.States[ours] = Worse(v.States[ours], Maintenance)
				}
				continue
			}
			if len(p.Components) == 0 { // an incident list alone: its impact is the state
				v.States[ours] = Worse(v.States[ours], in.Impact)
			}
			if prev, ok := v.Acks[ours]; !ok || in.AckAt.Before(prev.AckAt) {
				v.Acks[ours] = in
			}
		}
	}
	return v
}

func (m Map) covers(ours string, official []string) bool {
	for _, o := range official {
		for _, n := range m[ours] {
			if matches(o, n) {
				return true
			}
		}
	}
	return false
}
