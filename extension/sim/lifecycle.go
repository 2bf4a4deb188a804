package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/lifecycle"
)

// scenarioTime is how far into its scenario the simulator is (looping past its end).
func (s *Server) scenarioTime() time.Duration {
	elapsed := time.Duration(float64(s.cfg.Now().Sub(s.start)) * s.cfg.Speed)
	if d := s.cfg.Scenario.Duration; d > 0 {
		elapsed %= d
	}
	return elapsed
}

// retired reports whether the scenario has retired model by now.
func (s *Server) retired(model string) bool {
	sc := s.cfg.Scenario
	return sc != nil && len(sc.Retirements) > 0 && sc.RetiredAt(model, s.scenarioTime())
}

// shutdownDate is what the models list says of model: the day the scenario retired it, else
// the lifecycle table's announced date ("" for none: null on the wire).
func (s *Server) shutdownDate(model string) string {
	if s.retired(model) {
		return s.cfg.Now().UTC().Format(time.DateOnly)
	}
	m, _ := lifecycle.Lookup("openai", model)
	return m.Shutdown
}

// refuseRetired answers a POST that names a model the scenario retired as OpenAI answers after
// a model's shutdown date (404 model_not_found, "has been deprecated"), and reports whether it
// did. Other requests get their body back untouched.
func (s *Server) refuseRetired(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPost || s.cfg.Scenario == nil || len(s.cfg.Scenario.Retirements) == 0 ||
		!strings.HasPrefix(r.URL.Path, "/v1/") {
		return false
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxRequest))
	r.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		return false
	}
	var req struct {
		Model string `json:"model"`
	}
	if json.Unmarshal(data, &req) != nil || !s.retired(req.Model) {
		return false
	}
	w.Header().Set("X-Sim-Fault", "model_retired")
	writeError(w, http.StatusNotFound, fmt.Sprintf("The model `%s` has been deprecated, learn more here: https://platform.openai.com/docs/deprecations", req.Model),
		"invalid_request_error", "", "model_not_found")
	return true
}
