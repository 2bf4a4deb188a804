package sim

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

func loadScenario(t *testing.T, name string) *Scenario {
	t.Helper()
	data, err := os.ReadFile("../../scripts/scenarios/" + name + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := ParseScenario(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func outcomeStream(sc *Scenario) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	sc.Outcomes([]string{"chat", "chat_stream", "models"}, 15*time.Second, func(o Outcome) bool { return enc.Encode(o) == nil })
	return b.Bytes()
}

func TestOutcomeStreamIsDeterministic(t *testing.T) {
	a, b := outcomeStream(loadScenario(t, "partial-chat-outage")), outcomeStream(loadScenario(t, "partial-chat-outage"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("same seed, different streams (%d vs %d bytes)", len(a), len(b))
	}
	other := loadScenario(t, "partial-chat-outage")
	other.Seed++
	if bytes.Equal(a, outcomeStream(other)) {
		t.Fatal("a different seed gave the same stream")
	}
}

func TestOutcomesFollowThePhases(t *testing.T) {
	sc := loadScenario(t, "partial-chat-outage")
	var inOutage, failedInOutage, healthyFailures, slow, healthy, n int
	var healthyTTFT, slowTTFT float64
	sc.Outcomes([]string{"chat", "chat_stream", "models"}, 15*time.Second, func(o Outcome) bool {
		n++
		ok := o.Class == classify.OK
		switch {
		case o.Truth == "major_outage":
			inOutage++
			if !ok {
				failedInOutage++
				if o.Class != classify.EdgeGatewayError || o.Blame != classify.BlameEdge {
					t.Errorf("outage fault %s classified %s/%s", o.Fault, o.Class, o.Blame)
				}
			}
		case o.Truth == "degraded_performance":
			slow++
			slowTTFT += o.TTFTMs
		case o.Component == "chat_stream" && ok:
			healthy++
			healthyTTFT += o.TTFTMs
		}
		if o.Truth == "operational" && !ok {
			healthyFailures++
		}
		return true
	})
	if n != 3*480 || inOutage != 2*120 || slow != 120 {
		t.Fatalf("counts: %d probes, %d in outage, %d slow", n, inOutage, slow)
	}
	if share := float64(failedInOutage) / float64(inOutage); share < 0.9 {
		t.Errorf("only %.2f of outage probes failed (error rate 0.95)", share)
	}
	if healthyFailures > 10 { // 0.2 % background errors over ~1,100 healthy probes
		t.Errorf("%d failures in healthy time", healthyFailures)
	}
	if ratio := (slowTTFT / float64(slow)) / (healthyTTFT / float64(healthy)); ratio < 2.2 || ratio > 4 {
		t.Errorf("latency factor 3 shows as a mean TTFT ratio of %.2f", ratio)
	}
}

func TestEveryFaultHasAClass(t *testing.T) {
	for _, id := range FaultIDs {
		c := faultClass(id)
		if c.Class == "" || (c.Class == classify.OK && id != "ttfb_stall") {
			t.Errorf("%s: class %q", id, c.Class)
		}
	}
}
