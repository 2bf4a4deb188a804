package monitor

import (
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
)

// OpenAI's model list has no official component: during a maintenance of the API it is under
// maintenance with the rest, and after it, it has no word again (not "operational").
func TestUnmappedComponentInheritsAPIMaintenance(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	m := New("openai", &probe.Target{Model: "gpt-4o-mini"}, detect.New(detect.Defaults))
	m.Official, m.Probes = statuspage.DefaultMaps["openai"], []probe.Component{probe.ChatStream, probe.Models, probe.Status}
	page := func(maintenance bool) *statuspage.Page {
		p := &statuspage.Page{Indicator: "none", Components: []statuspage.Component{{Name: "Chat Completions", State: statuspage.Operational}}}
		if maintenance {
			p.Indicator = "maintenance"
			p.Components[0].State = statuspage.Maintenance
			p.Incidents = []statuspage.Incident{{Name: "Scheduled maintenance", Kind: "maintenance", Impact: statuspage.Maintenance,
				Components: []string{"Chat Completions"}, CreatedAt: now.Add(-time.Minute)}}
		}
		return p
	}
	readings, _ := m.official(page(true), now)
	det := m.Detector()
	if det.State("openai", "models") != detect.Maintenance || det.State("openai", "chat_stream") != detect.Maintenance {
		t.Fatalf("during the window: models %s, chat_stream %s", det.State("openai", "models"), det.State("openai", "chat_stream"))
	}
	if len(readings) != 2 {
		t.Errorf("readings %+v", readings)
	}
	readings, v := m.official(page(false), now.Add(10*time.Minute))
	if det.State("openai", "models") != detect.Operational || len(v.Changes) != 2 {
		t.Fatalf("after the window: models %s, changes %+v", det.State("openai", "models"), v.Changes)
	}
	for _, r := range readings {
		if r.Component == "models" {
			t.Errorf("the page says nothing of models, yet a reading %+v", r)
		}
	}
	// A maintenance of Images alone is not the API's.
	p := page(false)
	p.Incidents = []statuspage.Incident{{Name: "Images maintenance", Kind: "maintenance", Components: []string{"Images"}, CreatedAt: now}}
	if v := m.Official.View(p, now.Add(time.Hour)); v.APIMaintenance {
		t.Error("an Images window taken for the API's")
	}
}
