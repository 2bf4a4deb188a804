package scenario

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"testing"
	"time"
)

func loadScenario(t *testing.T, name string) *Scenario {
	t.Helper()
	data, err := os.ReadFile("../../scripts/scenarios/" + name + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func drawStream(sc *Scenario) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	sc.Draws([]string{"chat", "chat_stream", "models"}, 15*time.Second, func(o Draw) bool { return enc.Encode(o) == nil })
	return b.Bytes()
}

func TestDrawStreamIsDeterministic(t *testing.T) {
	a, b := drawStream(loadScenario(t, "partial-chat-outage")), drawStream(loadScenario(t, "partial-chat-outage"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("same seed, different streams (%d vs %d bytes)", len(a), len(b))
	}
	other := loadScenario(t, "partial-chat-outage")
	other.Seed++
	if bytes.Equal(a, drawStream(other)) {
		t.Fatal("a different seed gave the same stream")
	}
}

func TestDrawsFollowThePhases(t *testing.T) {
	sc := loadScenario(t, "partial-chat-outage")
	var inOutage, failedInOutage, healthyFailures, slow, healthy, n int
	var healthyTTFT, slowTTFT float64
	sc.Draws([]string{"chat", "chat_stream", "models"}, 15*time.Second, func(o Draw) bool {
		n++
		ok := o.Fault == ""
		switch {
		case o.Truth == "major_outage":
			inOutage++
			if !ok {
				failedInOutage++
				if o.Fault != "cf_502_json" && o.Fault != "cf_503_json" {
					t.Errorf("outage fault %s is not one of the phase's", o.Fault)
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

// Every fault id has a kind, and only catalogued ids do.
func TestEveryFaultHasAKind(t *testing.T) {
	if len(faults) != len(FaultIDs) {
		t.Fatalf("%d kinds for %d fault ids", len(faults), len(FaultIDs))
	}
	for _, id := range FaultIDs {
		if KindOf(id) == None {
			t.Errorf("%s: no kind", id)
		}
	}
	if KindOf("") != None || KindOf("cf_999") != None {
		t.Error("an unknown id has a kind")
	}
}

// A ramp moves the latency factor from ramp_from to latency_factor geometrically over the phase.
func TestRampFactor(t *testing.T) {
	ph := Phase{At: time.Hour, Until: 3 * time.Hour, RampFrom: 1, LatencyFactor: 4}
	for _, tc := range []struct {
		at   time.Duration
		want float64
	}{{time.Hour, 1}, {2 * time.Hour, 2}, {3 * time.Hour, 4}, {0, 1}, {4 * time.Hour, 4}} {
		if got := ph.FactorAt(tc.at); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("FactorAt(%v) = %v, want %v", tc.at, got, tc.want)
		}
	}
	if got := (&Phase{LatencyFactor: 3}).FactorAt(time.Hour); got != 3 {
		t.Errorf("a phase without a ramp: factor %v, want 3", got)
	}
}
