package sim_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
)

// faulty serves a scenario that fails every request to component with fault.
func faulty(t *testing.T, component, fault string) *sim.Running {
	t.Helper()
	src := "name: t\nduration: 1h\nbaseline: {ttft: {median: 5ms}, itl: {median: 1ms}}\n"
	if fault != "" {
		src += fmt.Sprintf("phases: [{at: 0s, until: 1h, components: [%s], truth: major_outage, error_rate: 1, faults: {%s: 1}}]\n", component, fault)
	}
	sc, err := scenario.Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	s := simtest.Start(t, sim.Config{Scenario: sc})
	return s
}

func do(t *testing.T, method, url, body string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, data
}

func classifyResponse(resp *http.Response, body []byte) classify.Classification {
	return classify.Classify(classify.Outcome{Status: resp.StatusCode, Header: resp.Header, Body: body, ExpectAnswer: true})
}

func TestImages(t *testing.T) {
	s := faulty(t, "images", "")
	resp, body := do(t, "POST", s.URL+"/images/generations", `{"model":"gpt-image-1","prompt":"a dot","size":"1024x1024"}`)
	var got struct {
		Data []struct {
			B64 string `json:"b64_json"`
		} `json:"data"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(body, &got) != nil || len(got.Data) != 1 || !strings.HasPrefix(got.Data[0].B64, "iVBOR") {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if resp, body := do(t, "POST", s.URL+"/images/generations", `{"model":"gpt-image-1"}`); resp.StatusCode != 400 || !strings.Contains(string(body), "prompt") {
		t.Fatalf("missing prompt: %d %s", resp.StatusCode, body)
	}
	f := faulty(t, "images", "filter_400")
	resp, body = do(t, "POST", f.URL+"/images/generations", `{"model":"gpt-image-1","prompt":"x"}`)
	if c := classifyResponse(resp, body); c.Class != classify.ContentFiltered {
		t.Fatalf("filter fault classified %s", c.Class)
	}
}

// anthropicEvents reads a Messages stream into its event names and text.
func anthropicEvents(t *testing.T, url string) (events []string, text string) {
	t.Helper()
	resp, body := do(t, "POST", url+"/messages", `{"model":"claude-sonnet-4-5","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"ping"}]}`)
	if resp.StatusCode != 200 || resp.Header.Get("Request-Id") == "" {
		t.Fatalf("status %d headers %v", resp.StatusCode, resp.Header)
	}
	sc := bufio.NewScanner(strings.NewReader(string(body)))
	for sc.Scan() {
		line := sc.Text()
		if ev, ok := strings.CutPrefix(line, "event: "); ok {
			events = append(events, ev)
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok && strings.Contains(data, "text_delta") {
			var d struct {
				Delta struct{ Text string } `json:"delta"`
			}
			_ = json.Unmarshal([]byte(data), &d)
			text += d.Delta.Text
		}
	}
	return events, text
}

func TestAnthropicMessages(t *testing.T) {
	s := faulty(t, "messages", "")
	resp, body := do(t, "POST", s.URL+"/messages", `{"model":"claude-sonnet-4-5","max_tokens":16,"messages":[{"role":"user","content":"ping"}]}`)
	var msg struct {
		Type       string `json:"type"`
		StopReason string `json:"stop_reason"`
		Content    []struct{ Text string }
		Usage      struct {
			Output int `json:"output_tokens"`
		}
	}
	if resp.StatusCode != 200 || json.Unmarshal(body, &msg) != nil || msg.Type != "message" || msg.StopReason != "end_turn" ||
		len(msg.Content) != 1 || msg.Content[0].Text == "" || msg.Usage.Output == 0 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	events, text := anthropicEvents(t, s.URL)
	want := "message_start content_block_start ping content_block_delta"
	if got := strings.Join(events, " "); !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "content_block_stop message_delta message_stop") || text == "" {
		t.Fatalf("events %s text %q", got, text)
	}
	if resp, body := do(t, "POST", s.URL+"/messages", `{"model":"claude-sonnet-4-5","messages":[]}`); resp.StatusCode != 400 || !strings.Contains(string(body), `"type":"invalid_request_error"`) {
		t.Fatalf("bad request: %d %s", resp.StatusCode, body)
	}
}

func TestAnthropicFaults(t *testing.T) {
	for _, tc := range []struct {
		fault string
		class classify.Class
	}{
		{"server_500", classify.ServerError},
		{"overloaded_503", classify.CapacityOverloaded},
		{"anthropic_529", classify.CapacityOverloaded},
		{"auth_401", classify.AuthInvalid},
		{"rl_rpm", classify.RateLimited},
		{"quota", classify.QuotaExhausted},
		{"cf_502_json", classify.EdgeGatewayError}, // the edge answers for either API
	} {
		t.Run(tc.fault, func(t *testing.T) {
			s := faulty(t, "messages", tc.fault)
			resp, body := do(t, "POST", s.URL+"/messages", `{"model":"claude-sonnet-4-5","max_tokens":16,"messages":[{"role":"user","content":"ping"}]}`)
			c := classify.Classify(classify.Outcome{Provider: "anthropic", Status: resp.StatusCode, Header: resp.Header, Body: body, ExpectAnswer: true})
			if c.Class != tc.class || resp.Header.Get("X-Sim-Fault") != tc.fault {
				t.Fatalf("%d %s: class %s", resp.StatusCode, body, c.Class)
			}
			if tc.fault != "cf_502_json" && !strings.HasPrefix(string(body), `{"type":"error","error":{"type":`) {
				t.Fatalf("not Anthropic's envelope: %s", body)
			}
		})
	}
	events, _ := anthropicEvents(t, faulty(t, "messages", "stream_error_record").URL)
	if events[len(events)-1] != "error" {
		t.Fatalf("stream error fault ends with %v", events)
	}
}

func TestWebPage(t *testing.T) {
	for _, tc := range []struct {
		fault  string
		status int
		class  classify.Class
		marker string
	}{
		{"", 200, classify.OK, "<title>ChatGPT</title>"},
		{"cf_502_html", 502, classify.EdgeGatewayError, "chatgpt.com | 502: Bad gateway"},
		{"overloaded_503", 503, classify.CapacityOverloaded, "at capacity"},
		{"edge_challenge", 403, classify.EdgeBlocked, "Just a moment..."},
		{"rl_rpm", 429, "", "Too many requests in 1 hour"},
	} {
		t.Run(tc.fault, func(t *testing.T) {
			s := faulty(t, "web", tc.fault)
			resp, body := do(t, "GET", strings.TrimSuffix(s.URL, "/v1")+"/web/", "")
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.marker) {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			if tc.class != "" && tc.status != 200 {
				if c := classifyResponse(resp, body); c.Class != tc.class {
					t.Fatalf("class %s", c.Class)
				}
			}
		})
	}
}

// Stamped streams carry each event's write time, in order, within the request's lifetime, and
// stay valid SSE (the stamp is a comment line).
func TestStamps(t *testing.T) {
	s := faulty(t, "chat_stream", "")
	for _, tc := range []struct{ path, body string }{
		{"/chat/completions", `{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}`},
		{"/responses", `{"model":"m","stream":true,"input":"hi"}`},
		{"/messages", `{"model":"m","max_tokens":8,"stream":true,"messages":[{"role":"user","content":"hi"}]}`},
	} {
		before := time.Now().UnixNano()
		resp, body := do(t, "POST", s.URL+tc.path, tc.body, sim.StampHeader, "1")
		after := time.Now().UnixNano()
		var stamps []int64
		events := 0
		for _, line := range strings.Split(string(body), "\n") {
			if v, ok := strings.CutPrefix(line, sim.StampPrefix); ok {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil || n < before || n > after || (len(stamps) > 0 && n < stamps[len(stamps)-1]) {
					t.Fatalf("%s: bad stamp %q", tc.path, line)
				}
				stamps = append(stamps, n)
			}
			if strings.HasPrefix(line, "data: ") {
				events++
			}
		}
		if resp.StatusCode != 200 || len(stamps) != events || events < 4 {
			t.Fatalf("%s: %d stamps for %d events", tc.path, len(stamps), events)
		}
		if _, body := do(t, "POST", s.URL+tc.path, tc.body); strings.Contains(string(body), sim.StampPrefix) {
			t.Fatalf("%s: stamps without asking", tc.path)
		}
	}
}
