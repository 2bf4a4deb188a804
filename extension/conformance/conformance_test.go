package conformance_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
)

// validator is a RoundTripper that validates every request against the document before sending
// it, and every answer after: JSON bodies as the operation's response, SSE events against the
// stream schema of their endpoint.
type validator struct {
	t      *testing.T
	doc    *openapi3.T
	router routers.Router
	next   http.RoundTripper

	mu         sync.Mutex
	violations []string
	checked    map[string]int // what was validated, by kind
}

func (v *validator) fail(format string, args ...any) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.violations = append(v.violations, fmt.Sprintf(format, args...))
}

func (v *validator) count(kind string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.checked[kind]++
}

var opts = &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}

func (v *validator) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	check := req.Clone(context.Background())
	check.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := v.router.FindRoute(check)
	if err != nil {
		v.fail("%s %s: no operation in the document: %v", req.Method, req.URL.Path, err)
		return v.next.RoundTrip(req)
	}
	in := &openapi3filter.RequestValidationInput{Request: check, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		v.fail("request %s %s %s: %v", req.Method, req.URL.Path, body, err)
	}
	v.count("request " + req.URL.Path)
	resp, err := v.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	data, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		return resp, err
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		v.events(req.URL.Path, data)
		return resp, nil
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(data)), Options: opts}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		v.fail("response %s %s: %v\n%s", req.Method, req.URL.Path, err, data)
	}
	v.count("response " + req.URL.Path)
	return resp, nil
}

// streamSchemas are the event schemas of each streaming endpoint.
var streamSchemas = map[string]string{"/v1/chat/completions": "CreateChatCompletionStreamResponse", "/v1/responses": "ResponseStreamEvent"}

// events validates each data record of an event stream ([DONE] aside) against its schema.
func (v *validator) events(path string, stream []byte) {
	name := streamSchemas[path]
	ref := v.doc.Components.Schemas[name]
	if ref == nil {
		v.fail("%s: no stream schema %q", path, name)
		return
	}
	sc := bufio.NewScanner(bytes.NewReader(stream))
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok || data == "[DONE]" {
			continue
		}
		var val any
		if err := json.Unmarshal([]byte(data), &val); err != nil {
			v.fail("%s: event is not JSON: %s", path, data)
			continue
		}
		if err := ref.Value.VisitJSON(val, openapi3.EnableJSONSchema2020(), openapi3.MultiErrors()); err != nil {
			v.fail("%s event %s: %v", path, data, err)
		}
		v.count("event " + path)
	}
}

// readNullable reads OpenAI's document as its authors meant it: it is OpenAPI 3.1, where
// `nullable: true` (an OpenAPI 3.0 keyword, left on about a hundred schemas such as a stream
// chunk's finish_reason and usage) means nothing to a JSON Schema 2020-12 validator, which would
// then refuse the nulls OpenAI's own API sends. Each such schema also admits null.
func readNullable(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(r *openapi3.SchemaRef)
	walk = func(r *openapi3.SchemaRef) {
		if r == nil || r.Value == nil || seen[r.Value] {
			return
		}
		s := r.Value
		seen[s] = true
		if s.Nullable {
			if s.Type != nil && !s.Type.IsEmpty() && !s.Type.Includes("null") {
				t := openapi3.Types(append(s.Type.Slice(), "null"))
				s.Type = &t
			}
			if len(s.Enum) > 0 {
				s.Enum = append(s.Enum, nil)
			}
		}
		for _, p := range s.Properties {
			walk(p)
		}
		for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, x := range list {
				walk(x)
			}
		}
		walk(s.Items)
		walk(s.Not)
		walk(s.AdditionalProperties.Schema)
	}
	for _, r := range doc.Components.Schemas {
		walk(r)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema)
				}
			}
			for _, rr := range op.Responses.Map() {
				if rr.Value != nil {
					for _, mt := range rr.Value.Content {
						walk(mt.Schema)
					}
				}
			}
		}
	}
}

func newValidator(t *testing.T, base string) *validator {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("testdata/openai-openapi.yaml")
	if err != nil {
		t.Fatalf("load the document: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: base}} // the simulator stands where api.openai.com/v1 is
	readNullable(doc)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("router: %v", err)
	}
	return &validator{t: t, doc: doc, router: router, next: http.DefaultTransport, checked: map[string]int{}}
}

// TestConformance: the probes' requests and the simulator's answers (JSON and streams), for
// every OpenAI component and the model choices a probe makes (a reasoning model with an effort,
// a chat model without), have no violation of OpenAI's document.
func TestConformance(t *testing.T) {
	base := simtest.Fast(t, nil)
	v := newValidator(t, base)
	for _, model := range []string{probe.AutoModel, "gpt-4o-mini"} {
		tg := &probe.Target{Model: model, BaseURL: base, APIKey: "sk-conformance"}
		if err := tg.Validate(); err != nil {
			t.Fatal(err)
		}
		for _, c := range []probe.Component{probe.Chat, probe.ChatStream, probe.Responses, probe.Models, probe.Embeddings,
			probe.Moderations, probe.Images, probe.Canary} {
			if r := probe.Run(context.Background(), v, tg, c); !r.OK {
				t.Errorf("%s %s: %s %s", model, c, r.Class, r.Message)
			}
		}
	}
	// what no probe asks for: a whole Responses object, and the SDKs' own stream of a chat
	client := &http.Client{Transport: v}
	for _, rq := range []struct{ path, body string }{
		{"/responses", `{"model":"gpt-5.4-nano","input":"Reply with the single word: pong","stream":false,"max_output_tokens":16}`},
		{"/chat/completions", `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true}`},
	} {
		req, _ := http.NewRequest(http.MethodPost, base+rq.path, strings.NewReader(rq.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer sk-conformance")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
	for _, viol := range v.violations {
		t.Errorf("violation: %s", viol)
	}
	for _, want := range []string{"request /v1/chat/completions", "response /v1/chat/completions", "event /v1/chat/completions",
		"request /v1/responses", "response /v1/responses", "event /v1/responses", "response /v1/models", "response /v1/embeddings",
		"response /v1/moderations", "response /v1/images/generations"} {
		if v.checked[want] == 0 {
			t.Errorf("nothing validated: %s", want)
		}
	}
	t.Logf("validated %v; %d violations", v.checked, len(v.violations))

}

// TestValidatorCatchesViolations: the validator is not blind — the simulator's moderation
// answer before it listed every category, and a request without its required field, are caught.
func TestValidatorCatchesViolations(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"modr-sim","model":"omni-moderation-latest","results":[{"flagged":false,"categories":{"hate":false},"category_scores":{"hate":0.1}}]}`)
	}))
	defer srv.Close()
	v := newValidator(t, srv.URL+"/v1")
	client := &http.Client{Transport: v}
	for _, body := range []string{`{"input":"ping"}`, `{"model":"omni-moderation-latest"}`} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/moderations", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	var req, resp int
	for _, viol := range v.violations {
		switch {
		case strings.HasPrefix(viol, "request POST /v1/moderations"):
			req++
		case strings.HasPrefix(viol, "response POST /v1/moderations") && strings.Contains(viol, "category_applied_input_types"):
			resp++
		}
	}
	if req != 1 || resp != 2 {
		t.Fatalf("caught %d request and %d response violations, want 1 and 2: %q", req, resp, v.violations)
	}
}
