package monitor

import (
	"strings"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
)

// comp is a component whose latest probes fail with class (blame from the classifier), or
// answer ("ok"), in state st.
func comp(name string, class classify.Class, st detect.State, everOK bool) detect.ComponentStatus {
	c := detect.ComponentStatus{Component: name, State: st, EverOK: everOK}
	if class != classify.OK {
		c.RecentClass, c.RecentBlame, c.RecentFailed = class, blameOf(class), 1
	}
	return c
}

// blameOf is the classifier's blame for a class, as the rules give it.
func blameOf(c classify.Class) classify.Blame {
	switch c {
	case classify.ServerError, classify.CapacityOverloaded, classify.RateLimitedAnomalous, classify.StreamErrorEvent,
		classify.StreamTruncated, classify.StreamStalled, classify.EmptyResponse, classify.TimeoutTTFB, classify.TimeoutTotal:
		return classify.BlameProvider
	case classify.EdgeGatewayError:
		return classify.BlameEdge
	case classify.EdgeBlocked, classify.ConnectionError, classify.TimeoutConnect:
		return classify.BlameNetwork
	case classify.AuthInvalid, classify.AccountBlocked, classify.QuotaExhausted, classify.PermissionDenied, classify.GeoBlocked,
		classify.RateLimited:
		return classify.BlameAccount
	case classify.RequestInvalid, classify.ModelNotFound, classify.ContextLengthExceeded, classify.ContentFiltered:
		return classify.BlameClient
	}
	return classify.BlameUnknown
}

var (
	up      = Control{Name: "anthropic", Reached: true}
	page    = Control{Name: "status page", Reached: true}
	pageOff = Control{Name: "status page", Reached: false}
	altOff  = Control{Name: "anthropic", Reached: false}
)

const (
	ok      = classify.OK
	op      = detect.Operational
	major   = detect.Major
	partial = detect.Partial
)

// Wrong attribution is a bug class of its own: each situation with the verdict it must get.
func TestAttribute(t *testing.T) {
	official := func(c detect.ComponentStatus) detect.ComponentStatus { c.Official = detect.Major; return c }
	for _, tc := range []struct {
		name     string
		e        Evidence
		fault    Fault
		evidence string // a phrase the evidence must hold
	}{
		{"all healthy", Evidence{Components: []detect.ComponentStatus{comp("chat", ok, op, true), comp("models", ok, op, true)}}, FaultNone, ""},
		{"slow but serving", Evidence{Components: []detect.ComponentStatus{{Component: "chat", State: detect.Degraded, EverOK: true}}}, FaultProvider, "slower"},
		{"5xx everywhere", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.ServerError, major, true), comp("models", classify.ServerError, major, true)}}, FaultProvider, "provider fails"},
		{"5xx, alternative answers", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.ServerError, major, true)}, Controls: []Control{up}}, FaultProvider, "our network works"},
		{"5xx, page acknowledges", Evidence{Components: []detect.ComponentStatus{official(comp("chat", classify.ServerError, major, true))}}, FaultProvider, "status page declares"},
		{"capacity errors on one component", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.CapacityOverloaded, partial, true), comp("models", ok, op, true)}}, FaultProvider, "1 other component"},
		{"Cloudflare cannot reach the origin", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.EdgeGatewayError, major, true)}}, FaultProviderEdge, "edge cannot reach"},
		{"edge and origin errors mixed", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.EdgeGatewayError, major, true), comp("chat_stream", classify.ServerError, major, true)}}, FaultProvider, ""},
		{"429 storm without rate-limit body", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.RateLimitedAnomalous, major, true)}}, FaultProvider, ""},
		{"streams cut short", Evidence{Components: []detect.ComponentStatus{comp("chat_stream", classify.StreamTruncated, partial, true)}}, FaultProvider, ""},
		{"provider unreachable, alternative answers", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.ConnectionError, op, true), comp("models", classify.ConnectionError, op, true)},
			Controls: []Control{up}}, FaultProvider, "only the provider's hosts"},
		{"provider unreachable, status page and alternative answer", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.ConnectionError, op, true)},
			Controls: []Control{up, page}}, FaultProvider, "our network works"},
		{"nothing answers", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.ConnectionError, op, true)}, Controls: []Control{altOff, pageOff}}, FaultOurNetwork, "nothing answers"},
		{"connect timeouts, nothing answers", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.TimeoutConnect, op, true)}, Controls: []Control{altOff}}, FaultOurNetwork, ""},
		{"unreachable, no controls", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.ConnectionError, op, true)}}, FaultUnknown, "no control host"},
		{"partial reachability: one component unreachable, another answers", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.ConnectionError, op, true), comp("models", ok, op, true)}}, FaultProvider, "partial reachability"},
		{"unreachable from here, answers from another region", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.ConnectionError, op, true)}, Controls: []Control{up},
			Locations: []Location{{Name: "us", Failing: false}}}, FaultOurNetwork, "route from here"},
		{"unreachable, other region too", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.ServerError, major, true)}, Locations: []Location{{Name: "us", Failing: true}}}, FaultProvider, "fails from elsewhere"},
		{"5xx here, fine elsewhere: regional", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.ServerError, major, true)}, Locations: []Location{{Name: "us", Failing: false}}}, FaultProvider, "regional"},
		{"our IP challenged by the edge", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.EdgeBlocked, op, true)}}, FaultOurNetwork, "blocks or challenges"},
		{"web challenged, API fine", Evidence{Components: []detect.ComponentStatus{comp("web", classify.EdgeBlocked, op, false), comp("chat", ok, op, true)}}, FaultNone, "unknown (challenged)"},
		{"bad key from the first probe", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.AuthInvalid, op, false), comp("models", classify.AuthInvalid, op, false)}}, FaultOurAccount, "never worked"},
		{"quota exhausted", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.QuotaExhausted, op, true)}}, FaultOurAccount, ""},
		{"region block", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.GeoBlocked, op, false)}}, FaultOurAccount, ""},
		{"model not allowed for this project", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.PermissionDenied, op, true), comp("models", ok, op, true)}}, FaultOurAccount, "worked before"},
		{"401s everywhere at once on a key that worked, page in trouble", Evidence{Components: []detect.ComponentStatus{official(comp("chat", classify.AuthInvalid, op, true)), comp("models", classify.AuthInvalid, op, true)}}, FaultProvider, "authentication is failing"},
		{"401s everywhere on a key that worked, other regions too", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.AuthInvalid, op, true)},
			Locations: []Location{{Name: "us", Failing: true}}}, FaultProvider, "every component refuses"},
		{"401s on a key that worked, nothing else", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.AuthInvalid, op, true)}}, FaultOurAccount, "revoked or rotated"},
		{"model name wrong", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.ModelNotFound, op, false)}}, FaultOurRequest, "malformed"},
		{"context too long", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.ContextLengthExceeded, op, true)}}, FaultOurRequest, ""},
		{"gateway (LiteLLM) says the upstream failed", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.ServerError, major, true)}, Controls: []Control{page}}, FaultProvider, "our network works"},
		{"gateway in the path blocks our key", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.AuthInvalid, op, false)}, Controls: []Control{up}}, FaultOurAccount, ""},
		{"failures inside a declared maintenance are no one's fault", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.CapacityOverloaded, detect.Maintenance, true)}}, FaultNone, "maintenance"},
		{"provider errors outweigh account errors elsewhere", Evidence{Components: []detect.ComponentStatus{comp("chat", classify.ServerError, major, true), comp("images", classify.QuotaExhausted, op, true)}}, FaultProvider, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := Attribute(tc.e)
			if a.Fault != tc.fault || !strings.Contains(strings.Join(a.Evidence, "; "), tc.evidence) {
				t.Fatalf("fault %q (%.2f), want %q; evidence %q", a.Fault, a.Confidence, tc.fault, a.Evidence)
			}
			if a.Fault != FaultNone && (a.Confidence <= 0 || a.Confidence >= 1 || len(a.Evidence) == 0 || a.Answer == "") {
				t.Errorf("an attribution without confidence, evidence or answer: %+v", a)
			}
		})
	}
}
