package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
)

// Provider dialects beyond OpenAI's own paths, served by the same handlers: Azure OpenAI's
// deployment routes (api-version required, the model named by the deployment) and Gemini's
// OpenAI-compatible endpoint under /v1beta/openai. Canary questions ("What is 17 + 25?") are
// answered right unless the scenario draws wrong_answer for the canary component.

func (s *Server) routeDialects() {
	for op, h := range map[string]http.HandlerFunc{
		"chat/completions":   s.chat,
		"embeddings":         s.simpleEndpoint("embeddings", "input", embeddingBody),
		"images/generations": s.simpleEndpoint("images", "prompt", imageBody),
	} {
		s.mux.HandleFunc("POST /openai/deployments/{deployment}/"+op, azure(h))
	}
	s.mux.HandleFunc("POST /v1beta/openai/chat/completions", s.chat)
	s.mux.HandleFunc("POST /v1beta/openai/embeddings", s.simpleEndpoint("embeddings", "input", embeddingBody))
	s.mux.HandleFunc("GET /v1beta/openai/models", s.models)
}

// azure adapts an OpenAI handler to Azure's deployment route: without api-version Azure answers
// 404, and the request body names no model, so the deployment is put in as the model.
func azure(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("api-version") == "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error":{"code":"404","message":"Resource not found"}}`)
			return
		}
		data, err := io.ReadAll(io.LimitReader(r.Body, maxRequest))
		var req map[string]json.RawMessage
		if err != nil || json.Unmarshal(data, &req) != nil || req == nil {
			writeError(w, http.StatusBadRequest, "We could not parse the JSON body of your request.", "invalid_request_error", "", "")
			return
		}
		if _, ok := req["model"]; !ok {
			req["model"], _ = json.Marshal(r.PathValue("deployment"))
			data, _ = json.Marshal(req)
		}
		r.Body = io.NopCloser(bytes.NewReader(data))
		w.Header().Set("Apim-Request-Id", "00000000-0000-4000-8000-000000000000")
		h(w, r)
	}
}

// canaryQuestion matches the arithmetic canary questions probes ask.
var canaryQuestion = regexp.MustCompile(`(?i)what is (\d{1,9}) ?([+*-]) ?(\d{1,9})`)

// canaryAnswer is the right answer to a canary question in the last message, if it asks one.
func canaryAnswer(msgs []message) (int64, bool) {
	if len(msgs) == 0 {
		return 0, false
	}
	text := []byte(msgs[len(msgs)-1].Content)
	var s string
	if json.Unmarshal(text, &s) == nil {
		text = []byte(s)
	}
	m := canaryQuestion.FindSubmatch(text)
	if m == nil {
		return 0, false
	}
	a, _ := strconv.ParseInt(string(m[1]), 10, 64)
	b, _ := strconv.ParseInt(string(m[3]), 10, 64)
	switch m[2][0] {
	case '+':
		return a + b, true
	case '-':
		return a - b, true
	}
	return a * b, true
}

// settle fixes the answer of a planned response: a canary gets its answer (off by one under
// wrong_answer), and wrong_answer, which is not a stream fault, is kept only as ground truth.
func (rsp *response) settle(answer int64, canary bool) {
	if rsp.fault == "wrong_answer" {
		rsp.truth, rsp.fault = rsp.fault, ""
		answer++
	}
	if canary {
		rsp.tokens, rsp.gaps = []string{strconv.FormatInt(answer, 10)}, nil
	}
}

// component is the scenario component a chat-shaped request exercises.
func component(msgs []message, plain string) (string, int64, bool) {
	if a, ok := canaryAnswer(msgs); ok {
		return "canary", a, true
	}
	return plain, 0, false
}
