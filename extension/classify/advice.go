package classify

// advice is one line per class for the human reading a report at 03:00: whose problem it is and
// what to do next.
var advice = map[Class]string{
	ConnectionError:       "could not reach the API from here — check DNS, proxy and firewall; if other locations succeed, it is your network",
	TimeoutConnect:        "connecting took too long — likely your network or a DNS/edge problem near you",
	TimeoutTTFB:           "the provider accepted the request but did not answer in time — provider slowness, not you",
	TimeoutTotal:          "the answer did not finish in time — provider slowness; raise the total timeout only for reasoning models",
	EdgeBlocked:           "Cloudflare is blocking or challenging this probe's IP — run the probe from another network; not an outage",
	GeoBlocked:            "the provider does not serve this country or IP range — use a supported region; not an outage",
	EdgeGatewayError:      "the provider's CDN could not reach its origin — provider outage at the edge, not you",
	AuthInvalid:           "the API key was rejected — rotate or fix OPENAI_API_KEY (or the provider's key); not an outage",
	AccountBlocked:        "the account behind this key is deactivated — contact the provider; not an outage",
	QuotaExhausted:        "the account is out of quota or credit — check billing and spend limits; not an outage",
	PermissionDenied:      "this key or project may not use this model or endpoint — fix permissions; not an outage",
	ModelNotFound:         "the model or deployment does not exist for this key — check the model name",
	ContextLengthExceeded: "the probe's prompt is too long for the model — shorten it",
	ContentFiltered:       "the provider's safety filter blocked the probe's prompt or answer — change the prompt",
	RequestInvalid:        "the provider rejected the request as malformed — check the probe's options for this provider",
	RateLimited:           "your own rate limit was reached — lower the probe rate or raise the limit; an outage only if headers show headroom",
	CapacityOverloaded:    "the provider is over capacity — not you; retry later or fail over to an alternative",
	RateLimitedAnomalous:  "a 429 without a normal rate-limit body — the provider is shedding load, treat as an outage signal",
	ServerError:           "the provider failed internally — not you; retry later",
	StreamErrorEvent:      "the stream started and then reported an error — provider failure mid-answer",
	StreamTruncated:       "the stream ended before its terminal marker — provider or connection cut the answer short",
	StreamStalled:         "the stream stopped sending data — provider stall",
	EmptyResponse:         "the provider answered with no content — a known partial-outage pattern",
	AnswerBudgetExhausted: "the model spent the whole answer budget reasoning and wrote no answer — raise maxTokens or lower reasoningEffort (our configuration, not an outage)",
	StatusUnreadable:      "the status page answered but is not a feed this monitor reads (Statuspage v2, incident.io, Google Cloud incidents.json) — point statusURL at the provider's machine-readable feed, or leave out the status component",
	WrongAnswer:           "the canary question got a wrong answer — degraded model quality or routing",
	OK:                    "",
	Unknown:               "unrecognised response — capture it and run `k6 x chatgpt classify` on it",
}

func withAdvice(c Classification) Classification {
	c.Advice = advice[c.Class]
	return c
}

// Advice is the one-line advice for a class ("" for ok and unknown classes).
func Advice(c Class) string { return advice[c] }
