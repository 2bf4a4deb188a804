package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
)

// simpleEndpoint serves a non-streaming JSON endpoint that needs the request field required: the
// scenario's fault for component (HTTP and transport faults only), else a latency drawn from the baseline TTFT times the phase factor,
// then body(request) as the answer.
func (s *Server) simpleEndpoint(component, required string, body func(req map[string]any) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req map[string]any
		if !decodeRequest(w, r, &req) {
			return
		}
		if _, ok := req[required]; !ok {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("'%s' is a required property", required), "invalid_request_error", required, "")
			return
		}
		done, factor := s.jsonFault(w, r, component)
		if done {
			return
		}
		d := s.pageLatency(factor)
		if !sleep(r.Context(), d) {
			return
		}
		s.headers(w, response{ttft: d})
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body(req))
	}
}

// pageLatency is the latency of a request that runs no model (embeddings, moderations, the web
// page): a quarter of a chat's first-token time, times the phase's factor.
func (s *Server) pageLatency(factor float64) (d time.Duration) {
	s.draw(func(rng *rand.Rand) { d = time.Duration(float64(s.cfg.Baseline.TTFT.Sample(rng)) * factor / 4) })
	return d
}

func model(req map[string]any, def string) string {
	if m, ok := req["model"].(string); ok && m != "" {
		return m
	}
	return def
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func embeddingBody(req map[string]any) string {
	var b strings.Builder
	b.WriteString(`{"object":"list","data":[{"object":"embedding","index":0,"embedding":[`)
	for i := range 16 { // a short vector: probes check the shape, not the semantics
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatFloat(float64(i%7)/7-0.4, 'f', 6, 64))
	}
	fmt.Fprintf(&b, `]}],"model":%s,"usage":{"prompt_tokens":4,"total_tokens":4}}`, quote(model(req, "text-embedding-3-small")))
	return b.String()
}

// moderationCategories are every category omni-moderation reports, each required by OpenAI's
// document in categories, category_scores and category_applied_input_types.
var moderationCategories = []string{"harassment", "harassment/threatening", "hate", "hate/threatening", "illicit",
	"illicit/violent", "self-harm", "self-harm/instructions", "self-harm/intent", "sexual", "sexual/minors",
	"violence", "violence/graphic"}

func moderationBody(req map[string]any) string {
	var cats, scores, types strings.Builder
	for i, c := range moderationCategories {
		if i > 0 {
			cats.WriteByte(',')
			scores.WriteByte(',')
			types.WriteByte(',')
		}
		fmt.Fprintf(&cats, "%q:false", c)
		fmt.Fprintf(&scores, "%q:%g", c, 0.00001*float64(i+1))
		fmt.Fprintf(&types, "%q:[\"text\"]", c)
	}
	return fmt.Sprintf(`{"id":"modr-sim","model":%s,"results":[{"flagged":false,"categories":{%s},"category_scores":{%s},"category_applied_input_types":{%s}}]}`,
		quote(model(req, "omni-moderation-latest")), cats.String(), scores.String(), types.String())
}

// decodeRequest reads a capped JSON request body into v, answering 400 itself when it cannot.
func decodeRequest(w http.ResponseWriter, r *http.Request, v any) bool {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxRequest))
	if err == nil {
		err = json.Unmarshal(data, v)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "We could not parse the JSON body of your request.", "invalid_request_error", "", "")
		return false
	}
	return true
}

// jsonFault plays the scenario's fault for a JSON endpoint (stream and timing faults do not
// apply to one). It reports whether the request is finished, and the latency factor.
func (s *Server) jsonFault(w http.ResponseWriter, r *http.Request, component string) (bool, float64) {
	fault, factor := s.decide(w.Header(), component)
	if k := scenario.KindOf(fault); k != scenario.HTTP && k != scenario.Transport {
		fault = ""
	}
	return s.preResponseFault(w, r, fault), factor
}

// pixel is a 1x1 transparent PNG: image probes check that an image came back, not what it shows.
const pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

// imageBody answers like gpt-image-1, which always returns base64 data.
func imageBody(req map[string]any) string {
	return fmt.Sprintf(`{"created":%d,"data":[{"b64_json":%q}],"usage":{"total_tokens":24,"input_tokens":8,"output_tokens":16,"input_tokens_details":{"text_tokens":8,"image_tokens":0}},"model":%s}`,
		time.Now().Unix(), pixel, quote(model(req, "gpt-image-1")))
}
