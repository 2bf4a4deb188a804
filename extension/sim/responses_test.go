package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/stream"
)

// responsesEvents posts a streaming Responses request and returns the event types and the last
// event's data.
func responsesEvents(t *testing.T, url string) ([]string, map[string]any) {
	t.Helper()
	resp := post(t, url+"/responses", `{"model":"gpt-4o-mini","stream":true,"input":"hi"}`)
	d := stream.NewDecoder(resp.Body)
	var types []string
	var last map[string]any
	for {
		ev, err := d.Next()
		if err == io.EOF {
			return types, last
		}
		if err != nil {
			t.Fatal(err)
		}
		last = nil
		if err := json.Unmarshal(ev.Data, &last); err != nil || last["type"] != ev.Type {
			t.Fatalf("event %s: data %s (%v)", ev.Type, ev.Data, err)
		}
		types = append(types, ev.Type)
	}
}

func TestResponsesStream(t *testing.T) {
	types, last := responsesEvents(t, fast(t).URL)
	got := strings.Join(types, " ")
	if !strings.HasPrefix(got, "response.created response.in_progress response.output_item.added response.content_part.added response.output_text.delta") ||
		!strings.HasSuffix(got, "response.output_text.done response.content_part.done response.output_item.done response.completed") ||
		strings.Count(got, "response.output_text.delta") != 8 {
		t.Fatalf("events: %s", got)
	}
	r := last["response"].(map[string]any)
	if r["status"] != "completed" || r["usage"].(map[string]any)["output_tokens"].(float64) != 8 {
		t.Fatalf("completed event: %v", last)
	}
}

func TestResponsesFaults(t *testing.T) {
	for fault, wantLast := range map[string]string{"responses_failed": "response.failed", "responses_error_event": "error",
		"stream_truncate": "response.output_text.delta"} {
		sc, err := scenario.Parse("t", []byte(fmt.Sprintf(`{"name":"t","duration":"1h","baseline":{"ttft":{"median":"5ms"},"itl":{"median":"1ms"}},
			"phases":[{"at":"0s","until":"1h","components":["responses"],"truth":"major_outage","error_rate":1,"faults":{%q:1}}]}`, fault)))
		if err != nil {
			t.Fatal(err)
		}
		s, err := Start("", Config{Scenario: sc})
		if err != nil {
			t.Fatal(err)
		}
		types, _ := responsesEvents(t, s.URL)
		_ = s.Close()
		if len(types) == 0 || types[len(types)-1] != wantLast || strings.Contains(strings.Join(types, " "), "response.completed") {
			t.Errorf("%s: events %v", fault, types)
		}
	}
}

func TestResponsesObject(t *testing.T) {
	resp := post(t, fast(t).URL+"/responses", `{"model":"gpt-4o-mini","input":"hi"}`)
	var obj struct {
		Status string `json:"status"`
		Output []struct {
			Content []struct{ Text string } `json:"content"`
		} `json:"output"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&obj); err != nil || obj.Status != "completed" || !strings.HasPrefix(obj.Output[0].Content[0].Text, "Pong") {
		t.Fatalf("%+v %v", obj, err)
	}
}

// A stream fault drawn for a non-streaming request must still fail it: x-sim-fault is ground truth.
func TestResponsesObjectCarriesStreamFaults(t *testing.T) {
	sc, err := scenario.Parse("t", []byte(`{"name":"t","duration":"1h","phases":[{"at":"0s","until":"1h","components":["responses"],
		"truth":"major_outage","error_rate":1,"faults":{"stream_error_record":1}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Start("", Config{Scenario: sc})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	resp := post(t, s.URL+"/responses", `{"model":"gpt-4o-mini","input":"hi"}`)
	b, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("X-Sim-Fault") != "stream_error_record" || !strings.Contains(string(b), `"error"`) || strings.Contains(string(b), `"completed"`) {
		t.Fatalf("%s: %s", resp.Header.Get("X-Sim-Fault"), b)
	}
}
