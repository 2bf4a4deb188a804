package scenario

import "time"

// Kind says how a fault shows itself to a client, which decides what a probe that meets it
// measures; what it is classified as is for whoever judges the simulator's bytes (replay).
type Kind int

// Fault kinds.
const (
	None      Kind = iota // no fault
	HTTP                  // a complete error response, sent fast
	Transport             // the connection fails before any response byte
	Stream                // a 200 stream (or answer) that goes wrong after StreamFaultAfter tokens
	Timing                // a normal answer, late: 30 s before the first byte
	Answer                // a normal answer with the wrong content
)

// StreamFaultAfter is how many tokens a stream fault lets through first.
const StreamFaultAfter = 2

// TTFBStall is how long the ttfb_stall fault holds the first byte (the 2024-12-04 pattern).
const TTFBStall = 30 * time.Second

// faults is the catalogue: each fault id and its kind.
var faults = map[string]Kind{
	"cf_502_json": HTTP, "cf_503_json": HTTP, "cf_502_html": HTTP, "cf_52x_html": HTTP, "lb_530": HTTP,
	"server_500": HTTP, "overloaded_503": HTTP, "overloaded_429_legacy": HTTP, "slow_down": HTTP,
	"rl_rpm": HTTP, "rl_tpm": HTTP, "rl_rpd": HTTP, "rl_false": HTTP, "rl_nonstandard": HTTP, "quota": HTTP,
	"auth_401": HTTP, "geo_403": HTTP, "model_404": HTTP, "ctx_400": HTTP, "filter_400": HTTP,
	"edge_challenge": HTTP, "anthropic_529": HTTP, "gemini_503": HTTP, "gemini_429_wrapped": HTTP,
	"llamacpp_loading": HTTP,
	"conn_refused":     Transport, "dns_fail": Transport, "tls_fail": Transport,
	"stream_error_record": Stream, "stream_truncate": Stream, "stream_stall": Stream,
	"responses_failed": Stream, "responses_error_event": Stream, "empty_200": Stream,
	"ttfb_stall":   Timing,
	"wrong_answer": Answer,
}

// FaultIDs is the fault catalogue, in documentation order (docs/signals.md §7 says what each
// one acts out).
var FaultIDs = []string{
	"cf_502_json", "cf_503_json", "cf_502_html", "cf_52x_html", "lb_530", "server_500", "overloaded_503",
	"overloaded_429_legacy", "slow_down", "rl_rpm", "rl_tpm", "rl_rpd", "rl_false", "rl_nonstandard", "quota",
	"auth_401", "geo_403", "model_404", "ctx_400", "filter_400", "ttfb_stall", "stream_error_record",
	"stream_truncate", "stream_stall", "responses_failed", "responses_error_event", "empty_200",
	"edge_challenge", "conn_refused", "dns_fail", "tls_fail", "anthropic_529", "gemini_503",
	"gemini_429_wrapped", "llamacpp_loading", "wrong_answer",
}

// KindOf is the kind of fault id (None for "" and for ids not in the catalogue).
func KindOf(id string) Kind { return faults[id] }
