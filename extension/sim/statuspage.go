package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
)

// The simulated official status page, in the two shapes OpenAI's page has served
// (docs/signals.md §4.2): Atlassian Statuspage v2 under /api/v2/ and incident.io's
// widget proxy under /proxy/status.openai.com. Both show the scenario's status_page entries at
// the current scenario time, with times on the wall clock, and answer If-None-Match with 304.

const statusPageID = "simstatuspage"

func (s *Server) routeStatusPage() {
	sp := func(render func(v officialView, wall func(time.Duration) string) any) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if done, _ := s.jsonFault(w, r, "status"); done {
				return
			}
			v, wall := s.officialNow()
			writeJSONCached(w, r, render(v, wall))
		}
	}
	s.mux.HandleFunc("GET /api/v2/summary.json", sp(func(v officialView, wall func(time.Duration) string) any {
		return map[string]any{"page": spPage(wall), "status": spStatus(v), "components": spComponents(v, wall),
			"incidents": spIncidents(v, wall, false, true), "scheduled_maintenances": spIncidents(v, wall, true, true)}
	}))
	s.mux.HandleFunc("GET /api/v2/status.json", sp(func(v officialView, wall func(time.Duration) string) any {
		return map[string]any{"page": spPage(wall), "status": spStatus(v)}
	}))
	s.mux.HandleFunc("GET /api/v2/components.json", sp(func(v officialView, wall func(time.Duration) string) any {
		return map[string]any{"page": spPage(wall), "components": spComponents(v, wall)}
	}))
	s.mux.HandleFunc("GET /api/v2/incidents.json", sp(func(v officialView, wall func(time.Duration) string) any {
		return map[string]any{"page": spPage(wall), "incidents": spIncidents(v, wall, false, false)}
	}))
	s.mux.HandleFunc("GET /api/v2/incidents/unresolved.json", sp(func(v officialView, wall func(time.Duration) string) any {
		return map[string]any{"page": spPage(wall), "incidents": spIncidents(v, wall, false, true)}
	}))
	s.mux.HandleFunc("GET /api/v2/scheduled-maintenances.json", sp(func(v officialView, wall func(time.Duration) string) any {
		return map[string]any{"page": spPage(wall), "scheduled_maintenances": spIncidents(v, wall, true, false)}
	}))
	s.mux.HandleFunc("GET /proxy/status.openai.com", sp(ioSummary))
	s.mux.HandleFunc("GET /proxy/status.openai.com/incidents", sp(func(v officialView, wall func(time.Duration) string) any {
		return map[string]any{"incidents": ioIncidents(v, wall, false)}
	}))
}

// officialNow is the page at the current scenario time, and the wall-clock time of a scenario
// time in the current pass (a scenario served past its end starts over).
func (s *Server) officialNow() (officialView, func(time.Duration) string) {
	elapsed := s.cfg.Now().Sub(s.start)
	sc := s.cfg.Scenario
	if sc == nil {
		return officialView{states: make([]string, len(officialComponents))}.fill(), func(time.Duration) string {
			return s.start.UTC().Format(time.RFC3339Nano)
		}
	}
	t := time.Duration(float64(elapsed) * s.cfg.Speed)
	pass := time.Duration(0)
	if sc.Duration > 0 {
		pass = t - t%sc.Duration
		t %= sc.Duration
	}
	wall := func(at time.Duration) string {
		return s.start.Add(time.Duration(float64(pass+at) / s.cfg.Speed)).UTC().Format(time.RFC3339Nano)
	}
	return official(sc, t), wall
}

func spPage(wall func(time.Duration) string) map[string]any {
	return map[string]any{"id": statusPageID, "name": "OpenAI (simulated)", "url": "http://status.sim.invalid",
		"time_zone": "Etc/UTC", "updated_at": wall(0)}
}

// spStatus is the page indicator: the worst component state in Statuspage's words.
func spStatus(v officialView) map[string]string {
	worst := statuspage.Operational
	for _, st := range v.states {
		worst = statuspage.Worse(worst, st)
	}
	ind, desc := statuspage.Indicator(worst)
	return map[string]string{"indicator": ind, "description": desc}
}

func spComponents(v officialView, wall func(time.Duration) string) []map[string]any {
	var out []map[string]any
	for gi, g := range officialGroups {
		var ids []string
		for i, oc := range officialComponents {
			if oc.group != g.name {
				continue
			}
			ids = append(ids, oc.id)
			out = append(out, map[string]any{"id": oc.id, "name": oc.name, "status": v.states[i],
				"created_at": wall(0), "updated_at": wall(0), "position": i + 1, "description": nil,
				"group": false, "group_id": g.id, "only_show_if_degraded": false, "page_id": statusPageID,
				"showcase": true, "start_date": nil})
		}
		out = append(out, map[string]any{"id": g.id, "name": g.name, "status": "operational", "position": 100 + gi,
			"group": true, "group_id": nil, "components": ids, "page_id": statusPageID, "created_at": wall(0), "updated_at": wall(0)})
	}
	return out
}

// spImpact is the incident impact Statuspage derives from the worst component state ("" for
// none).
func spImpact(worst string) string {
	if ind, _ := statuspage.Indicator(worst); ind != "none" {
		return ind
	}
	return ""
}

// spIncidents lists incidents (maintenance=false) or maintenances, newest first; open=true keeps
// only the unresolved ones.
func spIncidents(v officialView, wall func(time.Duration) string, maintenance, open bool) []map[string]any {
	out := []map[string]any{}
	for k := len(v.incidents) - 1; k >= 0; k-- {
		in := &v.incidents[k]
		if in.maintenance() != maintenance || (open && in.resolvedAt > 0) {
			continue
		}
		last := in.updates[len(in.updates)-1]
		var updates, comps []map[string]any
		for u := len(in.updates) - 1; u >= 0; u-- {
			up := in.updates[u]
			var affected []map[string]any
			for j, i := range in.affected {
				affected = append(affected, map[string]any{"code": officialComponents[i].id, "name": officialComponents[i].name, "new_status": up.states[j]})
			}
			updates = append(updates, map[string]any{"id": fmt.Sprintf("upd%d%d", in.n, u), "status": up.status,
				"body": updateBody(in, up), "created_at": wall(up.at), "display_at": wall(up.at), "updated_at": wall(up.at),
				"affected_components": affected})
		}
		for _, i := range in.affected {
			comps = append(comps, map[string]any{"id": officialComponents[i].id, "name": officialComponents[i].name})
		}
		m := map[string]any{"id": fmt.Sprintf("sim%05d", in.n), "name": in.name, "status": last.status,
			"impact": spImpact(in.worst), "created_at": wall(in.at), "started_at": wall(in.at), "updated_at": wall(last.at),
			"monitoring_at": nil, "resolved_at": nil, "shortlink": "http://status.sim.invalid/incidents/" + fmt.Sprint(in.n),
			"page_id": statusPageID, "incident_updates": updates, "components": comps}
		if in.resolvedAt > 0 {
			m["resolved_at"] = wall(in.resolvedAt)
		}
		if maintenance {
			m["scheduled_for"], m["scheduled_until"] = wall(in.at), nil
			if in.resolvedAt > 0 {
				m["scheduled_until"] = wall(in.resolvedAt)
			}
		}
		out = append(out, m)
	}
	return out
}

func updateBody(in *officialIncident, up officialUpdate) string {
	switch up.status {
	case "investigating", "in_progress":
		return in.name + ": we are investigating the issue for the listed services."
	case "resolved", "completed":
		return in.name + ": this incident has been resolved."
	}
	return in.name + ": the issue has been identified and a fix is being implemented."
}

// ioStatus is incident.io's word for a state: full_outage where Statuspage says major_outage.
func ioStatus(s string) string {
	if s == statuspage.Major {
		return "full_outage"
	}
	return s
}

// ioID is an incident.io-style ULID: 10 Crockford base32 characters of the millisecond time
// (as on the real page, where the id encodes the publication time), then 16 of a counter.
func ioID(wallRFC3339 string, n int) string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	t, _ := time.Parse(time.RFC3339Nano, wallRFC3339)
	ms := uint64(t.UnixMilli())
	var b [26]byte
	for i := 9; i >= 0; i-- {
		b[i] = alphabet[ms%32]
		ms /= 32
	}
	x := uint64(max(n, 0)) // #nosec G115 -- a non-negative sequence number
	for i := 25; i >= 10; i-- {
		b[i] = alphabet[x%32]
		x /= 32
	}
	return string(b[:])
}

func ioSummary(v officialView, wall func(time.Duration) string) any {
	var comps, items, affected []map[string]any
	for _, g := range officialGroups {
		var members []map[string]any
		for i, oc := range officialComponents {
			if oc.group != g.name {
				continue
			}
			comps = append(comps, map[string]any{"id": oc.id, "name": oc.name, "status_page_id": statusPageID})
			members = append(members, map[string]any{"component_id": oc.id, "name": oc.name})
			if v.states[i] != "operational" {
				affected = append(affected, map[string]any{"component_id": oc.id, "status": ioStatus(v.states[i])})
			}
		}
		items = append(items, map[string]any{"group": map[string]any{"id": g.id, "name": g.name, "components": members}})
	}
	return map[string]any{"summary": map[string]any{"id": statusPageID, "name": "OpenAI (simulated)",
		"public_url": "http://status.sim.invalid", "components": comps,
		"structure":         map[string]any{"id": "structure", "status_page_id": statusPageID, "items": items},
		"ongoing_incidents": ioIncidents(v, wall, true), "affected_components": orEmpty(affected)}}
}

func ioIncidents(v officialView, wall func(time.Duration) string, open bool) []map[string]any {
	out := []map[string]any{}
	for k := len(v.incidents) - 1; k >= 0; k-- {
		in := &v.incidents[k]
		if open && in.resolvedAt > 0 {
			continue
		}
		last := in.updates[len(in.updates)-1]
		var affected, impacts, updates []map[string]any
		for j, i := range in.affected {
			id := officialComponents[i].id
			affected = append(affected, map[string]any{"component_id": id, "status": ioStatus(in.worst), "current_status": ioStatus(last.states[j])})
			impact := map[string]any{"id": fmt.Sprintf("imp%d%d", in.n, j), "component_id": id, "status": ioStatus(in.worst),
				"start_at": wall(in.at), "end_at": nil}
			if in.resolvedAt > 0 {
				impact["end_at"] = wall(in.resolvedAt)
			}
			impacts = append(impacts, impact)
		}
		for u := len(in.updates) - 1; u >= 0; u-- {
			up := in.updates[u]
			var cs []map[string]any
			for j, i := range in.affected {
				cs = append(cs, map[string]any{"component_id": officialComponents[i].id, "status": ioStatus(up.states[j])})
			}
			status := up.status
			if status == "completed" {
				status = "maintenance_complete"
			}
			updates = append(updates, map[string]any{"id": fmt.Sprintf("upd%d%d", in.n, u), "to_status": status,
				"message_string": updateBody(in, up), "published_at": wall(up.at), "component_statuses": orEmpty(cs)})
		}
		typ := "incident"
		if in.maintenance() {
			typ = "maintenance"
		}
		summary := map[string]any{"start_at": wall(in.at), "end_at": nil, "worst_component_status": ioStatus(in.worst)}
		if in.resolvedAt > 0 {
			summary["end_at"] = wall(in.resolvedAt)
		}
		out = append(out, map[string]any{"id": ioID(wall(in.at), in.n), "name": in.name, "status": last.status, "type": typ,
			"published_at": wall(in.at), "affected_components": orEmpty(affected), "component_impacts": orEmpty(impacts),
			"status_summaries": []any{summary}, "updates": updates})
	}
	return out
}

func orEmpty(m []map[string]any) []map[string]any {
	if m == nil {
		return []map[string]any{}
	}
	return m
}

// writeJSONCached writes v as JSON with an ETag, answering a matching If-None-Match with 304 so
// a status poller's conditional requests work as on the real page.
func writeJSONCached(w http.ResponseWriter, r *http.Request, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "status page rendering failed", "server_error", "", "")
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "max-age=0, must-revalidate")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(body)
}
