package sim_test

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
)

// statusServer serves a library scenario at speed 60 on a clock the test moves.
func statusServer(t *testing.T, name string) (root string, at func(time.Duration)) {
	t.Helper()
	data, err := os.ReadFile("../../scripts/scenarios/" + name + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	var elapsed atomic.Int64
	start := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	s := simtest.Start(t, sim.Config{Scenario: sc, Speed: 60, Now: func() time.Time { return start.Add(time.Duration(elapsed.Load())) }})
	return strings.TrimSuffix(s.URL, "/v1"), func(d time.Duration) { elapsed.Store(int64(d / 60)) }
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, body := do(t, "GET", url, "")
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == "" {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

type spSummary struct {
	Status     struct{ Indicator string }
	Components []struct {
		Name, Status string
		Group        bool
	}
	Incidents []struct {
		Name, Status, Impact string
		CreatedAt            time.Time  `json:"created_at"`
		ResolvedAt           *time.Time `json:"resolved_at"`
		Updates              []struct {
			Status   string
			Affected []struct {
				Name      string
				NewStatus string `json:"new_status"`
			} `json:"affected_components"`
		} `json:"incident_updates"`
	}
	Maintenances []struct{ Name, Status string } `json:"scheduled_maintenances"`
}

func (s spSummary) component(name string) string {
	for _, c := range s.Components {
		if c.Name == name && !c.Group {
			return c.Status
		}
	}
	return "missing"
}

func TestStatusPageStatuspageShape(t *testing.T) {
	root, at := statusServer(t, "official-ack-30m")
	start := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	var before, during, after spSummary
	at(80 * time.Minute) // outage under way, not yet acknowledged
	getJSON(t, root+"/api/v2/summary.json", &before)
	at(95 * time.Minute)
	getJSON(t, root+"/api/v2/summary.json", &during)
	at(130 * time.Minute)
	getJSON(t, root+"/api/v2/incidents.json", &after)
	if before.Status.Indicator != "none" || before.component("Chat Completions") != "operational" || len(before.Incidents) != 0 {
		t.Fatalf("before acknowledgement: %+v", before)
	}
	if during.Status.Indicator != "critical" || during.component("Chat Completions") != "major_outage" ||
		during.component("Responses") != "operational" || len(during.Incidents) != 1 {
		t.Fatalf("during: %+v", during)
	}
	in := during.Incidents[0]
	if in.Status != "investigating" || in.Impact != "critical" || !in.CreatedAt.Equal(start.Add(90*time.Second)) || in.ResolvedAt != nil ||
		len(in.Updates) != 1 || in.Updates[0].Affected[0].NewStatus != "major_outage" {
		t.Fatalf("open incident: %+v", in)
	}
	if len(after.Incidents) != 1 || after.Incidents[0].Status != "resolved" || after.Incidents[0].ResolvedAt == nil ||
		!after.Incidents[0].ResolvedAt.Equal(start.Add(125*time.Second)) || len(after.Incidents[0].Updates) != 2 {
		t.Fatalf("after: %+v", after.Incidents)
	}
	var unresolved spSummary
	getJSON(t, root+"/api/v2/incidents/unresolved.json", &unresolved)
	if len(unresolved.Incidents) != 0 {
		t.Fatalf("resolved incident listed as unresolved")
	}
}

func TestStatusPageIncidentIOShape(t *testing.T) {
	root, at := statusServer(t, "official-ack-30m")
	at(95 * time.Minute)
	var sum struct {
		Summary struct {
			Components []struct{ ID, Name string }
			Structure  struct {
				Items []struct {
					Group struct {
						Name       string
						Components []struct {
							ComponentID string `json:"component_id"`
						}
					}
				}
			}
			Ongoing []struct {
				ID, Name, Status, Type string
				PublishedAt            time.Time                 `json:"published_at"`
				Affected               []struct{ Status string } `json:"affected_components"`
			} `json:"ongoing_incidents"`
			Affected []struct {
				ComponentID string `json:"component_id"`
				Status      string
			} `json:"affected_components"`
		}
	}
	getJSON(t, root+"/proxy/status.openai.com", &sum)
	s := sum.Summary
	if len(s.Ongoing) != 1 || s.Ongoing[0].Type != "incident" || s.Ongoing[0].Affected[0].Status != "full_outage" ||
		len(s.Affected) != 1 || s.Affected[0].ComponentID != "01JMXBRMFE6N2NNT7DG6XZQ6PW" || s.Affected[0].Status != "full_outage" {
		t.Fatalf("summary: %+v", s)
	}
	if len(s.Structure.Items) == 0 || s.Structure.Items[0].Group.Name != "APIs" || len(s.Components) < 6 {
		t.Fatalf("structure: %+v", s.Structure)
	}
	// The incident id is a ULID whose first 10 characters encode its publication time in ms.
	id, ms := s.Ongoing[0].ID, int64(0)
	for _, c := range id[:10] {
		ms = ms*32 + int64(strings.IndexRune("0123456789ABCDEFGHJKMNPQRSTVWXYZ", c))
	}
	if len(id) != 26 || ms != s.Ongoing[0].PublishedAt.UnixMilli() {
		t.Fatalf("id %s does not encode %v", id, s.Ongoing[0].PublishedAt)
	}
	at(130 * time.Minute)
	var hist struct {
		Incidents []struct {
			Status  string
			Summary []struct {
				End   *time.Time `json:"end_at"`
				Worst string     `json:"worst_component_status"`
			} `json:"status_summaries"`
		}
	}
	getJSON(t, root+"/proxy/status.openai.com/incidents", &hist)
	if len(hist.Incidents) != 1 || hist.Incidents[0].Status != "resolved" || hist.Incidents[0].Summary[0].End == nil || hist.Incidents[0].Summary[0].Worst != "full_outage" {
		t.Fatalf("history: %+v", hist)
	}
}

func TestStatusPageMaintenance(t *testing.T) {
	root, at := statusServer(t, "maintenance")
	at(70 * time.Minute)
	var sum spSummary
	getJSON(t, root+"/api/v2/summary.json", &sum)
	if sum.Status.Indicator != "maintenance" || sum.component("Chat Completions") != "under_maintenance" ||
		len(sum.Incidents) != 0 || len(sum.Maintenances) != 1 || sum.Maintenances[0].Status != "in_progress" {
		t.Fatalf("%+v", sum)
	}
}

func TestStatusPageConditionalAndHealthy(t *testing.T) {
	s := faulty(t, "chat", "")
	root := strings.TrimSuffix(s.URL, "/v1")
	resp, _ := do(t, "GET", root+"/api/v2/status.json", "")
	etag := resp.Header.Get("ETag")
	resp2, body := do(t, "GET", root+"/api/v2/status.json", "", "If-None-Match", etag)
	if etag == "" || resp2.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Fatalf("conditional GET: %d %q", resp2.StatusCode, body)
	}
	var st struct {
		Status struct{ Indicator, Description string }
	}
	getJSON(t, root+"/api/v2/status.json", &st)
	if st.Status.Indicator != "none" || st.Status.Description != "All Systems Operational" {
		t.Fatalf("%+v", st)
	}
	f := faulty(t, "status", "cf_503_json") // the page itself can be down
	if resp, _ := do(t, "GET", strings.TrimSuffix(f.URL, "/v1")+"/api/v2/summary.json", ""); resp.StatusCode != 503 {
		t.Fatalf("status fault: %d", resp.StatusCode)
	}
}
