package sim

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// The ChatGPT-web-like front door (GET /web/), for the web component: the app page when
// healthy, and when the scenario says so, what browsers saw in real outages — Cloudflare error
// pages for chatgpt.com, the managed challenge, the "at capacity" gate, the per-user rate-limit
// answer (docs/signals.md §3).

const (
	webApp      = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>ChatGPT</title><meta name="description" content="ChatGPT helps you get answers, find inspiration and be more productive."></head><body><div id="__next"><main><h1>What can I help with?</h1><form><textarea id="prompt-textarea" placeholder="Ask anything"></textarea></form></main></div><script>window.__oai_SSR_HTML=1</script></body></html>`
	webCapacity = `<html><head><title>ChatGPT is at capacity right now</title></head><body><h1>ChatGPT is at capacity right now</h1><p>Get notified when we're back</p></body></html>`
	webCFPage   = `<!DOCTYPE html><html lang="en-US"><head><title>chatgpt.com | %d: %s</title></head><body><div id="cf-error-details"><h1>%s</h1><p>Error reference number: %d</p><p>Cloudflare Ray ID: 9067a590dcc3d0ba</p><p>Cloudflare Location: Paris</p></div></body></html>`
)

func (s *Server) web(w http.ResponseWriter, r *http.Request) {
	fault, factor := s.decide(w.Header(), "web")
	h := w.Header()
	h.Set("Server", "cloudflare")
	h.Set("Cf-Ray", "9067a590dcc3d0ba-CDG")
	status, body := http.StatusOK, webApp
	switch fault {
	case "cf_502_json", "cf_502_html":
		status, body = 502, fmt.Sprintf(webCFPage, 502, "Bad gateway", "Bad gateway", 502)
	case "cf_503_json":
		status, body = 503, fmt.Sprintf(webCFPage, 503, "Service unavailable", "Service unavailable", 503)
	case "cf_52x_html":
		status, body = 524, fmt.Sprintf(webCFPage, 524, "A timeout occurred", "A timeout occurred", 524)
	case "lb_530":
		status, body = 530, fmt.Sprintf(webCFPage, 530, "Origin DNS error", "Origin DNS error", 530)
	case "overloaded_503", "overloaded_429_legacy", "gemini_503", "llamacpp_loading", "anthropic_529":
		status, body = 503, webCapacity
	case "server_500":
		status, body = 500, `<html><head><title>Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>`
	case "rl_rpm", "rl_tpm", "rl_rpd", "rl_false", "rl_nonstandard", "slow_down":
		h.Set("Content-Type", "application/json")
		status, body = 429, `{"detail":"Too many requests in 1 hour. Try again later."}`
	case "", "wrong_answer", "empty_200", "stream_error_record", "stream_truncate", "stream_stall", "responses_failed", "responses_error_event":
		// stream faults have no meaning for a page load: serve it
	default: // challenges, transport cuts, the first-byte stall, and account errors as the API gives them
		if s.preResponseFault(w, r, fault) {
			return
		}
	}
	if fault == "empty_200" {
		body = ""
	}
	var d = s.pageLatency(factor)
	if !sleep(r.Context(), d) {
		return
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "text/html; charset=utf-8")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if fault != "" {
		h.Set("X-Sim-Fault", fault)
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}
