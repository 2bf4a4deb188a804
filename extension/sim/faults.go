package sim

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
)

// httpFault is a complete error response from docs/signals.md §7.
type httpFault struct {
	status int
	edge   bool   // Cloudflare-only headers (no origin x-request-id)
	ctype  string // default application/json
	hdrs   [][2]string
	body   string
}

const (
	cfHTML = `<!DOCTYPE html><html lang="en-US"><head><title>api.openai.com | %d: %s</title></head><body><div id="cf-error-details"><h1>%s</h1><p>Error reference number: %d</p><p>Cloudflare Ray ID: 7cba17bec9134392</p></div></body></html>`
	nginx  = `<html>` + "\r\n" + `<head><title>502 Bad Gateway</title></head>` + "\r\n" + `<body>` + "\r\n" + `<center><h1>502 Bad Gateway</h1></center>` + "\r\n" + `<hr><center>cloudflare</center>` + "\r\n" + `</body>` + "\r\n" + `</html>`
)

var httpFaults = map[string]httpFault{
	"cf_502_json":           {status: 502, edge: true, body: `{"error":{"code":502,"message":"Bad gateway.","param":null,"type":"cf_bad_gateway"}}`},
	"cf_503_json":           {status: 503, edge: true, body: `{"error":{"code":503,"message":"Service Unavailable.","param":null,"type":"cf_service_unavailable"}}`},
	"cf_502_html":           {status: 502, edge: true, ctype: "text/html", body: nginx},
	"cf_52x_html":           {status: 524, edge: true, ctype: "text/html; charset=UTF-8", body: fmt.Sprintf(cfHTML, 524, "A timeout occurred", "A timeout occurred", 524)},
	"lb_530":                {status: 530, edge: true, ctype: "text/html", body: fmt.Sprintf(cfHTML, 530, "Origin DNS error", "Origin DNS error", 530)},
	"server_500":            {status: 500, body: `{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}`},
	"overloaded_503":        {status: 503, body: `{"error":{"message":"The server is currently overloaded with other requests. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if the error persists.","type":"server_error","param":null,"code":"server_is_overloaded"}}`},
	"overloaded_429_legacy": {status: 429, body: `{"error":{"message":"That model is currently overloaded with other requests. You can retry your request, or contact us through our help center at help.openai.com if the error persists. (Please include the request ID 1c13 in your message.)","type":"server_error","param":null,"code":null}}`},
	"slow_down":             {status: 429, hdrs: [][2]string{{"Retry-After", "10"}}, body: `{"error":{"message":"A sudden increase in your request rate is impacting service reliability. Please reduce your request rate and ramp up gradually.","type":"rate_limit_error","param":null,"code":"slow_down"}}`},
	"rl_rpm": {status: 429, hdrs: [][2]string{{"X-Ratelimit-Remaining-Requests", "0"}, {"X-Ratelimit-Reset-Requests", "20s"}, {"Retry-After", "20"}},
		body: `{"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-sim on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.","type":"requests","param":null,"code":"rate_limit_exceeded"}}`},
	"rl_tpm": {status: 429, hdrs: [][2]string{{"X-Ratelimit-Remaining-Tokens", "0"}, {"X-Ratelimit-Reset-Tokens", "9.816s"}},
		body: `{"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-sim on tokens per min (TPM): Limit 10000, Used 8554, Requested 3082. Please try again in 9.816s. Visit https://platform.openai.com/account/rate-limits to learn more.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}`},
	"rl_rpd": {status: 429, hdrs: [][2]string{{"X-Ratelimit-Remaining-Requests", "0"}},
		body: `{"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-sim on requests per day (RPD): Limit 1000, Used 1000, Requested 1.","type":"requests","param":null,"code":"rate_limit_exceeded"}}`},
	"rl_false":       {status: 429, body: `{"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}}`},
	"rl_nonstandard": {status: 429, edge: true, body: `{"status": "come back later"}`},
	"quota":          {status: 429, body: `{"error":{"message":"You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}`},
	"auth_401":       {status: 401, body: `{"error":{"message":"Incorrect API key provided: sk-sim***************test. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`},
	"geo_403":        {status: 403, body: `{"error":{"code":"unsupported_country_region_territory","message":"Country, region, or territory not supported","param":null,"type":"request_forbidden"}}`},
	"model_404":      {status: 404, body: "{\"error\":{\"message\":\"The model `gpt-sim` does not exist or you do not have access to it.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}"},
	"ctx_400":        {status: 400, body: `{"error":{"message":"This model's maximum context length is 8192 tokens. However, your messages resulted in 8227 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}`},
	"filter_400":     {status: 400, body: `{"error":{"code":"content_policy_violation","message":"Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.","param":null,"type":"invalid_request_error"}}`},
	"edge_challenge": {status: 403, edge: true, ctype: "text/html; charset=UTF-8", hdrs: [][2]string{{"Cf-Mitigated", "challenge"}},
		body: `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body>Enable JavaScript and cookies to continue</body></html>`},
	"anthropic_529": {status: 529, hdrs: [][2]string{{"X-Should-Retry", "true"}, {"Request-Id", "req_sim"}},
		body: `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_sim"}`},
	"gemini_503":         {status: 503, body: `{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}`},
	"gemini_429_wrapped": {status: 429, body: `{"error":{"message":"{\n  \"error\": {\n    \"code\": 429,\n    \"message\": \"Resource has been exhausted (e.g. check quota).\",\n    \"status\": \"RESOURCE_EXHAUSTED\"\n  }\n}\n","code":429,"status":"Too Many Requests"}}`},
	"llamacpp_loading":   {status: 503, body: `{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}`},
}

// writeFault sends an HTTP-level fault. It reports false for faults that are not plain
// responses (stream, timing and transport faults), which the caller handles.
func (s *Server) writeFault(w http.ResponseWriter, id string) bool {
	f, ok := httpFaults[id]
	if !ok {
		return false
	}
	h := w.Header()
	if f.edge {
		h.Set("Server", "cloudflare")
		h.Set("Cf-Ray", "7cba17bec9134392-EWR")
	} else {
		s.headers(w, response{})
		h.Set("Server", "cloudflare")
		h.Set("Cf-Ray", "939c76b12a3f062d-IAD")
	}
	for _, kv := range f.hdrs {
		h.Set(kv[0], kv[1])
	}
	ct := f.ctype
	if ct == "" {
		ct = "application/json"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(f.body)))
	h.Set("X-Sim-Fault", id)
	w.WriteHeader(f.status)
	_, _ = io.WriteString(w, f.body)
	return true
}

// resetConnection approximates the transport faults (refused, DNS, TLS) on a listener that has
// already accepted: the connection is cut with a TCP reset before any response byte.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
