package detect

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// An incident leads to its evidence: the first three request and trace ids, the first and the
// latest failure message, whose fault, where the monitor ran, and the latency at detection,
// every text bounded; a state file cannot smuggle in more.
func TestIncidentEvidence(t *testing.T) {
	d := New(Config{})
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * 15 * time.Second) }
	for i := range 40 {
		d.Observe(Observation{At: at(i), Component: "chat", Class: classify.OK, TTFTMs: 400 + float64(i), ITLMs: 25, TotalMs: 600,
			RequestID: fmt.Sprintf("req_ok_%d", i), Location: "eu-west"})
	}
	for i := 40; i < 52; i++ {
		msg := fmt.Sprintf("The server had an error (%d)", i)
		if i == 51 {
			msg = strings.Repeat("é", 2000)
		}
		d.Observe(Observation{At: at(i), Component: "chat", Class: classify.ServerError, Blame: classify.BlameProvider,
			RequestID: fmt.Sprintf("req_%d", i), TraceID: fmt.Sprintf("%032x", i), Message: msg, Location: "eu-west"})
	}
	ins := d.Incidents()
	if len(ins) != 1 || ins[0].Evidence == nil {
		t.Fatalf("incidents %+v", ins)
	}
	e := ins[0].Evidence
	if strings.Join(e.RequestIDs, ",") != "req_40,req_41,req_42" || len(e.TraceIDs) != 3 || e.TraceIDs[0] != fmt.Sprintf("%032x", 40) {
		t.Errorf("ids %v %v", e.RequestIDs, e.TraceIDs)
	}
	if e.FirstMessage != "The server had an error (40)" || !strings.HasSuffix(e.LastMessage, "…") || len(e.LastMessage) > maxEvidenceText {
		t.Errorf("messages %q … %.40q (%d bytes)", e.FirstMessage, e.LastMessage, len(e.LastMessage))
	}
	if e.Blame != classify.BlameProvider || e.Location != "eu-west" || e.TTFTMs != 439 || e.ITLMs != 25 {
		t.Errorf("evidence %+v", e)
	}

	saved := d.Save()
	saved.Components[0].OpenIncident.Evidence.RequestIDs = []string{"a", "b", "c", "d", strings.Repeat("x", 5000)}
	b, _ := json.Marshal(saved)
	var back Saved
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	r := New(Config{})
	if err := r.Restore(back); err != nil {
		t.Fatal(err)
	}
	if got := r.Incidents()[0].Evidence.RequestIDs; len(got) != maxEvidenceIDs {
		t.Errorf("restored ids %v", got)
	}
}
