package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
)

var t0 = time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)

func incident(id string, worst detect.State, resolved bool) detect.Incident {
	in := detect.Incident{ID: id, Target: "openai", Component: "chat_stream", Worst: worst, State: worst,
		StartedAt: t0, DetectedAt: t0.Add(12 * time.Second), Classes: map[string]int{"server_error": 7, "edge_gateway_error": 2}}
	if resolved {
		at := t0.Add(10 * time.Minute)
		in.ResolvedAt = &at
	}
	return in
}

func kinds(es []Event) string {
	var out []string
	for _, e := range es {
		out = append(out, e.Kind+" "+e.Incident.ID)
	}
	return strings.Join(out, ", ")
}

func TestDiff(t *testing.T) {
	for _, tc := range []struct {
		name      string
		told      Told
		incidents []detect.Incident
		want      string
	}{
		{"new outage", Told{}, []detect.Incident{incident("a", detect.Major, false)}, "open a"},
		{"slow-down is no page", Told{}, []detect.Incident{incident("a", detect.Degraded, false)}, ""},
		{"told, still open", Told{"a": {State: detect.Major}}, []detect.Incident{incident("a", detect.Major, false)}, ""},
		{"partial to major", Told{"a": {State: detect.Partial}}, []detect.Incident{incident("a", detect.Major, false)}, "escalate a"},
		{"major back to partial is no news", Told{"a": {State: detect.Major}}, []detect.Incident{incident("a", detect.Partial, false)}, ""},
		{"recovered", Told{"a": {State: detect.Major}}, []detect.Incident{incident("a", detect.Major, true)}, "resolve a"},
		{"opened and over within a run", Told{}, []detect.Incident{incident("a", detect.Partial, true)}, "open a, resolve a"},
		{"recovery told", Told{"a": {State: detect.Major, Resolved: true}}, []detect.Incident{incident("a", detect.Major, true)}, ""},
	} {
		if got := kinds(Diff(tc.told, tc.incidents)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

type fakeSender struct {
	name string
	fail int // fail this many sends first
	got  []string
}

func (f *fakeSender) Name() string { return f.name }
func (f *fakeSender) Send(_ context.Context, e Event, _ Run, _ *Notice) error {
	if f.fail > 0 {
		f.fail--
		return errors.New("receiver down")
	}
	f.got = append(f.got, e.Kind+" "+e.Incident.ID)
	return nil
}

// Three runs of one outage and the run of its recovery tell each sender once of each; a sender
// that failed is retried without repeating to the other.
func TestSyncAcrossRuns(t *testing.T) {
	ok, flaky := &fakeSender{name: "ok"}, &fakeSender{name: "flaky", fail: 1}
	mem := Memory{}
	senders := []Sender{ok, flaky}
	open := []detect.Incident{incident("a", detect.Major, false)}
	if err := Sync(context.Background(), mem, open, Run{}, senders); err == nil {
		t.Fatal("the flaky sender's failure was not reported")
	}
	for range 2 {
		if err := Sync(context.Background(), mem, open, Run{}, senders); err != nil {
			t.Fatal(err)
		}
	}
	if err := Sync(context.Background(), mem, []detect.Incident{incident("a", detect.Major, true)}, Run{}, senders); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*fakeSender{ok, flaky} {
		if got := strings.Join(s.got, ", "); got != "open a, resolve a" {
			t.Errorf("%s got %q", s.name, got)
		}
	}
	if err := Sync(context.Background(), mem, nil, Run{}, senders); err != nil || len(mem["ok"]) != 0 {
		t.Errorf("a told recovery the detector forgot is kept: %v %v", mem, err)
	}
}

// The webhook posts the documented payload, Slack's text field first, with no secret in it.
func TestWebhookPayload(t *testing.T) {
	var got []Payload
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p Payload
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "bad payload", http.StatusBadRequest)
			return
		}
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}))
	defer srv.Close()
	in := incident("openai/chat_stream#1", detect.Major, false)
	in.OfficialIncident = "leak sk-canary-0123456789abcdef here"
	run := Run{URL: "https://ci.example/run/1", Location: "eu", Simulator: "SIMULATOR, not a real API", Secrets: []string{"sk-canary-0123456789abcdef"}}
	w := &Webhook{URL: srv.URL}
	if err := w.Send(context.Background(), Event{Kind: Open, Incident: in}, run, &Notice{}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d posts", len(got))
	}
	p := got[0]
	if p.Event != Open || p.Title != "openai/chat_stream major_outage" || p.Location != "eu" || p.RunURL != run.URL ||
		!strings.HasPrefix(p.Text, "[SIMULATOR, not a real API] 🔴 openai/chat_stream major_outage") ||
		!strings.Contains(p.Text, "server_error×7, edge_gateway_error×2") || p.Incident.ID != in.ID {
		t.Errorf("payload %+v", p)
	}
	w.URL = srv.URL + "/nowhere"
	srv.Config.Handler = http.NotFoundHandler()
	if err := w.Send(context.Background(), Event{Kind: Open, Incident: in}, run, &Notice{}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("a 404 is not an error: %v", err)
	}
}

// fakeGitHub serves the three endpoints the GitHub sender uses and keeps the issues.
type fakeGitHub struct {
	mu     sync.Mutex
	issues map[int]*fakeIssue
	calls  []string
}

type fakeIssue struct {
	Title, Body, State string
	Comments           []string
}

func (f *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer gh-token" {
		http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
		return
	}
	var body map[string]any
	data, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(data, &body)
	f.calls = append(f.calls, r.Method+" "+r.URL.Path)
	var n int
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/repos/acme/monitor/issues":
		n = len(f.issues) + 1
		f.issues[n] = &fakeIssue{Title: body["title"].(string), Body: body["body"].(string), State: "open"}
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]any{"number": n})
	case r.Method == http.MethodPost && sscan(r.URL.Path, "/repos/acme/monitor/issues/%d/comments", &n) && f.issues[n] != nil:
		f.issues[n].Comments = append(f.issues[n].Comments, body["body"].(string))
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":1}`)
	case r.Method == http.MethodPatch && sscan(r.URL.Path, "/repos/acme/monitor/issues/%d", &n) && f.issues[n] != nil:
		f.issues[n].State = body["state"].(string)
		_, _ = io.WriteString(w, `{}`)
	default:
		http.NotFound(w, r)
	}
}

// An outage opens one issue, its escalation comments on it and its recovery closes it.
func TestGitHubIssueLifecycle(t *testing.T) {
	gh := &fakeGitHub{issues: map[int]*fakeIssue{}}
	srv := httptest.NewServer(gh)
	defer srv.Close()
	s := &GitHub{API: srv.URL, Repo: "acme/monitor", Token: "gh-token", Labels: []string{"outage"}}
	mem := Memory{}
	for _, in := range []detect.Incident{incident("a", detect.Partial, false), incident("a", detect.Partial, false),
		incident("a", detect.Major, false), incident("a", detect.Major, true)} {
		if err := Sync(context.Background(), mem, []detect.Incident{in}, Run{URL: "https://ci.example/run/9"}, []Sender{s}); err != nil {
			t.Fatal(err)
		}
	}
	if len(gh.issues) != 1 {
		t.Fatalf("%d issues: %v", len(gh.issues), gh.calls)
	}
	is := gh.issues[1]
	if is.Title != "openai/chat_stream partial_outage" || is.State != "closed" || len(is.Comments) != 2 ||
		!strings.Contains(is.Comments[0], "escalated to major_outage") || !strings.Contains(is.Comments[1], "recovered after 10m0s") ||
		!strings.Contains(is.Body, "https://ci.example/run/9") {
		t.Errorf("issue %+v (calls %v)", is, gh.calls)
	}
	if mem["github"]["a"].Issue != 1 {
		t.Errorf("memory %+v", mem)
	}
}

func sscan(path, format string, n *int) bool {
	k, err := fmt.Sscanf(path, format, n)
	return err == nil && k == 1
}
