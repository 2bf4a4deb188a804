package report

import (
	"encoding/xml"
	"fmt"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
)

// JUnit XML, as CI systems read it (junit.xsd beside this file): a suite of one test case per
// component, failing when it ended down or degraded, with the failure class and advice; and a
// suite of one test case per k6 threshold.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *struct{}     `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnit renders the run as JUnit XML.
func JUnit(r Run) ([]byte, error) {
	dur := fmt.Sprintf("%.3f", r.EndedAt.Sub(r.StartedAt).Seconds())
	stamp := r.StartedAt.UTC().Format("2006-01-02T15:04:05")
	sim := ""
	if r.Simulator != "" {
		sim = " (" + r.Simulator + ")"
	}
	comps := junitSuite{Name: "xk6-chatgpt components" + sim, Time: dur, Timestamp: stamp}
	for _, c := range r.Components {
		tc := junitCase{Name: c.Name(), Classname: "chatgpt." + c.Target, Time: dur,
			SystemOut: fmt.Sprintf("state %s, availability %.1f%%, TTFT p50 %s p95 %s, %d probes", c.State, 100*c.Availability, ms(c.TTFTP50), ms(c.TTFTP95), c.Probes)}
		switch {
		case c.State == detect.Maintenance:
			tc.Skipped = &struct{}{}
			comps.Skipped++
		case c.State != detect.Operational:
			cl := c.topClass()
			tc.Failure = &junitFailure{Message: fmt.Sprintf("%s is %s (%s)", c.Name(), c.State, orDash(cl)), Type: orDash(cl),
				Text: fmt.Sprintf("failures: %s\nlast error: %s\nadvice: %s", classes(c.Classes), orDash(c.LastError), orDash(c.Advice))}
			comps.Failures++
		}
		comps.Cases = append(comps.Cases, tc)
	}
	comps.Tests = len(comps.Cases)
	ths := junitSuite{Name: "k6 thresholds" + sim, Time: dur, Timestamp: stamp}
	for _, t := range r.Thresholds {
		tc := junitCase{Name: t.Metric + " " + t.Threshold, Classname: "k6.thresholds", Time: dur}
		if !t.OK {
			tc.Failure = &junitFailure{Message: fmt.Sprintf("threshold %q on %s crossed", t.Threshold, t.Metric), Type: "threshold", Text: r.Verdict}
			ths.Failures++
		}
		ths.Cases = append(ths.Cases, tc)
	}
	ths.Tests = len(ths.Cases)
	doc := junitSuites{Name: "xk6-chatgpt" + sim, Tests: comps.Tests + ths.Tests, Failures: comps.Failures + ths.Failures, Time: dur,
		Suites: []junitSuite{comps, ths}}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("junit: %w", err)
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}
