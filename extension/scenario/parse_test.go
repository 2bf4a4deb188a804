package scenario

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseScenarioExample(t *testing.T) {
	data, err := os.ReadFile("../../scripts/scenarios/partial-chat-outage.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse("partial-chat-outage.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "partial-chat-outage" || s.Seed != 7 || s.Duration != 2*time.Hour || s.ProbeInterval != 15*time.Second {
		t.Fatalf("header %+v", s)
	}
	if s.Baseline.TTFT.Median != 400*time.Millisecond || s.Baseline.ErrorRate != 0.002 || s.Baseline.Errors[0] != "server_500" {
		t.Fatalf("baseline %+v", s.Baseline)
	}
	p := s.Phases[0]
	if len(s.Phases) != 2 || p.At != 10*time.Minute || p.Until != 40*time.Minute || p.Truth != "major_outage" ||
		p.Faults["cf_502_json"] != 0.75 || p.LatencyFactor != 1 || s.Phases[1].LatencyFactor != 3 || p.Line != 10 {
		t.Fatalf("phases %+v", s.Phases)
	}
	if len(s.StatusPage) != 2 || s.StatusPage[0].Components["chat"] != "major_outage" || s.StatusPage[0].Incident != "Elevated errors" {
		t.Fatalf("status page %+v", s.StatusPage)
	}
}

func TestParseScenarioJSON(t *testing.T) {
	s, err := Parse("x.json", []byte(`{"name":"j","duration":"7d","phases":[{"at":"1h","until":"2h","components":["models"],"truth":"partial_outage","error_rate":0.5,"faults":{"server_500":1}}]}`))
	if err != nil || s.Duration != 7*24*time.Hour || s.Phases[0].ErrorRate != 0.5 {
		t.Fatalf("%+v %v", s, err)
	}
}

func TestParseScenarioErrors(t *testing.T) {
	const head = "name: bad\nduration: 1h\n"
	for _, tc := range []struct{ in, want string }{
		{"", "f.yaml: empty scenario"},
		{"name: [", "f.yaml: line 1"},
		{"duration: 1h\n", "f.yaml:1: name: required"},
		{"name: x\n", "f.yaml: duration: required"},
		{head + "modle: x\n", "f.yaml:3: modle: unknown field"},
		{head + "duration: 2h\n", "f.yaml:3: duration: given twice"},
		{"name: x\nduration: soon\n", `f.yaml:2: duration: want a duration like 90s, 10m or 7d, got "soon"`},
		{head + "probe_interval: 0s\n", "f.yaml:3: probe_interval: must be positive"},
		{head + "baseline: {ttft: {median: 400ms, p99: 100ms}}\n", "f.yaml:3: baseline.ttft.p99: 100ms is below the median 400ms"},
		{head + "baseline: {error_rate: 1.5, errors: [server_500]}\n", "f.yaml:3: baseline.error_rate: want a share from 0 to 1"},
		{head + "baseline: {error_rate: 0.1}\n", "baseline.errors: error_rate is set but no fault ids are given"},
		{head + "baseline: {errors: [server_501]}\n", `f.yaml:3: baseline.errors[0]: unknown fault id "server_501"`},
		{head + "phases:\n  - {at: 10m, until: 5m, components: [chat], truth: major_outage}\n", "f.yaml:4: phases[0].until: 5m0s is not after at (10m0s)"},
		{head + "phases:\n  - {at: 10m, until: 2h, components: [chat], truth: major_outage}\n", "phases[0].until: 2h0m0s is past the scenario's duration (1h0m0s)"},
		{head + "phases:\n  - {at: 1m, until: 2m, components: [chats], truth: major_outage}\n", `f.yaml:4: phases[0].components[0]: unknown component "chats"`},
		{head + "phases:\n  - {at: 1m, until: 2m, components: [chat], truth: down}\n", `f.yaml:4: phases[0].truth: want one of operational`},
		{head + "phases:\n  - {at: 1m, until: 2m, components: [chat], truth: major_outage, faults: {cf_999: 1}}\n", "f.yaml:4: phases[0].faults.cf_999: unknown field"},
		{head + "phases:\n  - {at: 1m, until: 2m, components: [chat], truth: major_outage, error_rate: 0.5}\n", "phases[0].faults: error_rate is set but no faults"},
		{head + "phases:\n  - {at: 1m, until: 2m, components: [chat], truth: major_outage, faults: {server_500: -1}}\n", "phases[0].faults.server_500: weight must be positive"},
		{head + "phases:\n  - {at: 1m, until: 2m, components: [chat], truth: degraded_performance, latency_factor: 0}\n", "phases[0].latency_factor: want a number above 0"},
		{head + "phases:\n  - {at: 1m, until: 2m, components: [chat], truth: operational, ramp_from: -1}\n", "phases[0].ramp_from: want a number above 0"},
		{head + "phases:\n  - {at: 1m, until: 2m, truth: major_outage}\n", "f.yaml:4: phases[0].components: required"},
		{head + "phases: {at: 1m}\n", "f.yaml:3: phases: want a list"},
		{head + "status_page:\n  - {at: 2h, components: {chat: major_outage}}\n", "status_page[0].at: 2h0m0s is past"},
		{head + "status_page:\n  - {at: 1m, components: {chat: broken}}\n", `f.yaml:4: status_page[0].components.chat: want one of`},
		{head + "seed: -3\n", "f.yaml:3: seed: want a non-negative integer"},
	} {
		_, err := Parse("f.yaml", []byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q:\n got  %v\n want %s", tc.in, err, tc.want)
		}
	}
}

// FuzzParse: any input parses or fails with an error naming the file; never a panic.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile("../../scripts/scenarios/partial-chat-outage.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"name":"j","duration":"7d","phases":[{"at":"1h","until":"2h","components":["models"],"truth":"partial_outage"}]}`))
	f.Add([]byte("name: x\nduration: 1h\nphases: [{at: 1m, until: 2m, components: [chat], truth: major_outage, faults: {server_500: 1}, error_rate: 1}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if s.Name == "" || s.Duration <= 0 || s.ProbeInterval <= 0 {
			t.Fatalf("accepted an invalid scenario: %+v", s)
		}
		for _, p := range s.Phases {
			if p.Until <= p.At || p.Until > s.Duration || p.LatencyFactor <= 0 {
				t.Fatalf("accepted an invalid phase: %+v", p)
			}
		}
	})
}

// Every file of the scenario library parses.
func TestScenarioLibrary(t *testing.T) {
	files, err := filepath.Glob("../../scripts/scenarios/*.yaml")
	if err != nil || len(files) < 15 {
		t.Fatalf("library has %d files (%v)", len(files), err)
	}
	names := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Parse(filepath.Base(f), data)
		if err != nil {
			t.Error(err)
			continue
		}
		if names[s.Name] || s.Name+".yaml" != filepath.Base(f) {
			t.Errorf("%s: name %q must be unique and match the file", f, s.Name)
		}
		names[s.Name] = true
	}
}
