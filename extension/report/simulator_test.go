package report

import (
	"strings"
	"testing"
)

// A run that probed a simulator says so in the first line or title of every format, and in
// its verdict; a real run says nothing of it.
func TestSimulatorIsNeverMistakenForTheRealThing(t *testing.T) {
	for _, tc := range []struct {
		simulated []string
		all       bool
		want      string
	}{
		{[]string{"openai"}, true, "SIMULATOR, not a real API"},
		{[]string{"anthropic"}, false, "partly simulated: anthropic probed a simulator"},
	} {
		run := fixedRun(t)
		run.MarkSimulator(SimulatorNote(tc.simulated, tc.all))
		if !strings.HasPrefix(run.Verdict, tc.want) {
			t.Errorf("verdict %q", run.Verdict)
		}
		firstLine := func(s string) string { return strings.SplitN(strings.TrimSpace(s), "\n", 2)[0] }
		if l := firstLine(Markdown(run)); !strings.Contains(l, tc.want) {
			t.Errorf("markdown title %q", l)
		}
		if l := firstLine(Text(run)); !strings.Contains(l, tc.want) {
			t.Errorf("text title %q", l)
		}
		x, err := JUnit(run)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(x), `<testsuites name="xk6-chatgpt (`+tc.want+`)"`) {
			t.Errorf("junit suites: %s", firstLine(strings.SplitN(string(x), "\n", 2)[1]))
		}
		page, err := HTML(run, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(page), "<title>ChatGPT synthetic check ("+tc.want+")") ||
			!strings.Contains(string(page), "<h1>ChatGPT synthetic check ("+tc.want+")</h1>") {
			t.Errorf("html title missing the note")
		}
	}
	if real := fixedRun(t); real.Title() != "ChatGPT synthetic check" || real.Simulator != "" {
		t.Errorf("a real run's title %q", real.Title())
	}
	real := fixedRun(t)
	real.MarkSimulator(SimulatorNote(nil, false))
	if real.Simulator != "" || strings.Contains(real.Verdict, "SIMULATOR") {
		t.Errorf("no simulated target, yet %q", real.Verdict)
	}
}

// A front door that showed this bot only challenges is "unknown (challenged)" in every report,
// never operational.
func TestChallengedFrontDoorIsUnknown(t *testing.T) {
	c := Component{Target: "openai", Component: "web", State: "operational", Probes: 4, Classes: map[string]int{"edge_blocked": 4}}
	if c.Challenged = challenged(c); !c.Challenged {
		t.Fatal("a front door that only showed challenges is not challenged")
	}
	if challenged(Component{Component: "web", Probes: 4, OK: 1, Classes: map[string]int{"edge_blocked": 3}}) {
		t.Error("a front door that answered once is challenged")
	}
	run := Run{Components: []Component{c}, Verdict: "x"}
	if md := Markdown(run); !strings.Contains(md, "unknown (challenged)") {
		t.Errorf("markdown:\n%s", md)
	}
	if txt := Text(run); !strings.Contains(txt, "unknown (challenged)") {
		t.Errorf("text:\n%s", txt)
	}
	page, err := HTML(run, nil)
	if err != nil || !strings.Contains(string(page), "unknown (challenged)") {
		t.Errorf("html: %v", err)
	}
}
