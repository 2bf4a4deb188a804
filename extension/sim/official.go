package sim

import (
	"slices"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
)

// officialComponent is one component of the simulated official status page and the scenario
// components whose state it shows (the worst of them). /v1/models and the Anthropic-style
// /v1/messages have no component on OpenAI's page, so their status entries are not shown.
type officialComponent struct {
	id, name, group string
	ours            []string
}

// officialComponents follows OpenAI's incident.io page (docs/signals.md §4.3): names
// and, where the reference gives them, ids.
var officialComponents = []officialComponent{
	{"01JMXBRMFE6N2NNT7DG6XZQ6PW", "Chat Completions", "APIs", []string{"chat", "chat_stream", "canary"}},
	{"01JP8CD9JR3HR6Y7G4Q75N4DVW", "Responses", "APIs", []string{"responses"}},
	{"01JMXBRMFE6N2NNT7DG6XZQ6Q1", "Embeddings", "APIs", []string{"embeddings"}},
	{"01JMXBRMFE6N2NNT7DG6XZQ6Q2", "Images", "APIs", []string{"images"}},
	{"01JMXBRMFE6N2NNT7DG6XZQ6Q3", "Moderations", "APIs", []string{"moderations"}},
	{"01JMXBNJXGV1T5GT2M9XA83XNG", "Conversations", "ChatGPT", []string{"web"}},
}

var officialGroups = []struct{ id, name string }{
	{"01K5H8S53SY1KMS4GQMNMQM1K5", "APIs"},
	{"01K5H8S53SY1KMS4GQMNMQM1K6", "ChatGPT"},
}

// officialView is what the official page says at one scenario time.
type officialView struct {
	states    []string // per officialComponents entry
	incidents []officialIncident
}

// officialIncident is one incident (or maintenance) the page has published.
type officialIncident struct {
	n          int // order of publication, for ids
	name       string
	at         time.Duration // first acknowledgement
	resolvedAt time.Duration // 0 while open
	worst      string        // worst state among its components
	affected   []int         // indexes into officialComponents
	updates    []officialUpdate
}

type officialUpdate struct {
	at     time.Duration
	status string // investigating, identified, resolved (maintenance: in_progress, completed)
	states []string
}

func (in *officialIncident) maintenance() bool { return in.worst == "under_maintenance" }

// official replays the scenario's status_page entries up to scenario time t. An entry with an
// incident text opens an incident on the components it marks non-operational; the incident is
// resolved by the first later entry that leaves all of them operational.
func official(sc *scenario.Scenario, t time.Duration) officialView {
	ours := map[string]string{}
	v := officialView{states: make([]string, len(officialComponents))}
	var open []int // indexes into v.incidents
	for _, e := range sc.StatusPage {
		if e.At > t {
			break
		}
		for c, st := range e.Components {
			ours[c] = st
		}
		for i, oc := range officialComponents {
			v.states[i] = "operational"
			for _, c := range oc.ours {
				v.states[i] = statuspage.Worse(v.states[i], stateOr(ours[c]))
			}
		}
		fresh := -1
		if e.Incident != "" {
			fresh = len(v.incidents)
			in := officialIncident{n: len(v.incidents) + 1, name: e.Incident, at: e.At, worst: "operational"}
			for i, oc := range officialComponents {
				if touches(e, oc) && v.states[i] != "operational" {
					in.affected = append(in.affected, i)
				}
			}
			v.incidents = append(v.incidents, in)
			open = append(open, len(v.incidents)-1)
		}
		open = slices.DeleteFunc(open, func(k int) bool {
			in := &v.incidents[k]
			if k != fresh && !slices.ContainsFunc(in.affected, func(i int) bool { return touches(e, officialComponents[i]) }) {
				return false
			}
			up := officialUpdate{at: e.At, status: "identified"}
			done := true
			for _, i := range in.affected {
				up.states = append(up.states, v.states[i])
				in.worst = statuspage.Worse(in.worst, v.states[i])
				done = done && v.states[i] == "operational"
			}
			switch {
			case len(in.updates) == 0:
				up.status = "investigating"
			case done:
				up.status, in.resolvedAt = "resolved", e.At
			}
			if in.maintenance() {
				up.status = map[string]string{"investigating": "in_progress", "identified": "in_progress", "resolved": "completed"}[up.status]
			}
			in.updates = append(in.updates, up)
			return done && len(in.updates) > 1
		})
	}
	return v.fill()
}

// fill marks the components no entry has named yet as operational.
func (v officialView) fill() officialView {
	for i := range v.states {
		if v.states[i] == "" {
			v.states[i] = "operational"
		}
	}
	return v
}

func touches(e scenario.StatusEntry, oc officialComponent) bool {
	for _, c := range oc.ours {
		if _, ok := e.Components[c]; ok {
			return true
		}
	}
	return false
}

func stateOr(s string) string {
	if s == "" {
		return "operational"
	}
	return s
}
