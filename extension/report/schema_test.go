package report

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
)

// The JSON report validates against its published schema (report.schema.json), and the schema
// is strict enough to catch a renamed or missing field.
func TestJSONMatchesSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	f, err := os.Open("report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(f)
	_ = f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("report.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	r := fixedRun(t)
	// The optional parts too: where the detector's memory came from, and a simulator's truth.
	r.Memory = &detect.Memory{Source: "state_file", Path: "state/detector.json", AgeS: 900, Note: "detector state from state/detector.json, 15m0s old"}
	if len(r.Incidents) == 0 {
		t.Fatal("fixture has no incident")
	}
	truth := r.Incidents[0].StartedAt.Add(-time.Second)
	r.Incidents[0].TruthStartedAt = &truth
	b, _ := json.Marshal(r)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("report does not match its schema: %v", err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	delete(m, "verdict")
	m["overal"] = "operational"
	if sch.Validate(m) == nil {
		t.Fatal("the schema accepted a report without verdict and with an unknown field")
	}
}
