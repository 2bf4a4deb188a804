package monitor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
)

// Fault says who is at fault when a target fails: the answer to "is it down for everyone, or
// just us?" (docs/architecture.md, "attribution").
type Fault string

// Faults.
const (
	FaultNone         Fault = ""              // nothing fails
	FaultProvider     Fault = "provider"      // the service itself
	FaultProviderEdge Fault = "provider_edge" // the CDN in front of it cannot reach it
	FaultOurNetwork   Fault = "our_network"   // our side of the wire: DNS, proxy, firewall, our IP
	FaultOurAccount   Fault = "our_account"   // key, quota, region, permissions
	FaultOurRequest   Fault = "our_request"   // what we send is wrong
	FaultUnknown      Fault = "unknown"       // the evidence does not tell
)

// Faults lists them all, for metrics and tests.
var Faults = []Fault{FaultNone, FaultProvider, FaultProviderEdge, FaultOurNetwork, FaultOurAccount, FaultOurRequest, FaultUnknown}

// Ours reports whether the fault is on our side.
func (f Fault) Ours() bool {
	return f == FaultOurNetwork || f == FaultOurAccount || f == FaultOurRequest
}

// Answer is the short human answer: "up", "degraded", "down for everyone", "it's you" or
// "unknown".
func (f Fault) Answer() string {
	switch {
	case f == FaultProvider || f == FaultProviderEdge:
		return "down for everyone"
	case f.Ours():
		return "it's you"
	case f == FaultUnknown:
		return "unknown"
	}
	return "up"
}

// Control is a host that shares our network but not the provider's infrastructure — another
// provider, the provider's status page — and whether it answered: when it does while the
// provider does not, our network works.
type Control struct {
	Name    string
	Reached bool
}

// Location is another vantage point's view of the target (another region, runner or cluster).
type Location struct {
	Name    string
	Failing bool
}

// Evidence is what attribution weighs for one target.
type Evidence struct {
	Target     string
	Components []detect.ComponentStatus // the target's, from the detector's snapshot
	Controls   []Control
	Locations  []Location
}

// Attribution is who is at fault, how sure, and why.
type Attribution struct {
	Target     string   `json:"target"`
	Fault      Fault    `json:"fault"`
	Answer     string   `json:"answer"`
	Confidence float64  `json:"confidence"` // 0-1
	Evidence   []string `json:"evidence"`
}

// failing is a component whose latest probes mostly fail.
const failing = 0.5

// Attribute weighs the evidence: the failure classes across the target's components, whether
// the key ever worked, controls that share our network, other vantage points and the official
// page. It is pure; TestAttribute holds the situations it must judge right.
func Attribute(e Evidence) Attribution {
	a := attribution{Attribution: Attribution{Target: e.Target, Fault: FaultNone}}
	var fails []detect.ComponentStatus
	degraded, ok, everOK := false, 0, false
	official := false
	for _, c := range e.Components {
		everOK = everOK || c.EverOK
		official = official || c.Official.Down() || c.Official == detect.Degraded
		switch {
		case c.State == detect.Maintenance:
			a.note(c.Component + ": under declared maintenance")
		case c.Component == "web" && c.RecentClass == classify.EdgeBlocked:
			a.note("web: unknown (challenged): a bot cannot see past the front door's challenge")
		case c.State.Down() || c.RecentFailed >= failing:
			fails = append(fails, c)
		case c.State == detect.Degraded:
			degraded = true
			ok++
		default:
			ok++
		}
	}
	reached, unreached := controls(e.Controls)
	othersFail, othersOK := locations(e.Locations)
	if official {
		a.note("the official status page declares trouble")
	}
	switch {
	case len(fails) == 0 && degraded:
		a.set(FaultProvider, 0.7, "served, but slower than the baseline")
		a.Answer = "degraded"
		return a.Attribution
	case len(fails) == 0:
		return a.Attribution
	}
	kinds := map[string][]string{}
	for _, c := range fails {
		kinds[kind(c)] = append(kinds[kind(c)], fmt.Sprintf("%s %s", c.Component, orState(c)))
	}
	switch {
	case len(kinds["provider"])+len(kinds["edge"]) > 0:
		a.provider(kinds, ok, official, reached, othersFail, othersOK)
	case len(kinds["blocked"]) > 0:
		a.set(FaultOurNetwork, 0.7, "the provider's edge blocks or challenges this network: "+strings.Join(kinds["blocked"], ", "))
	case len(kinds["network"]) > 0:
		a.network(kinds["network"], ok, reached, unreached, othersOK)
	case len(kinds["account"]) > 0:
		a.account(fails, kinds["account"], everOK, ok, official, othersFail)
	case len(kinds["client"]) > 0:
		a.set(FaultOurRequest, 0.9, "the provider rejects our request as malformed: "+strings.Join(kinds["client"], ", "))
	default:
		a.set(FaultUnknown, 0.3, "failures of no known kind: "+strings.Join(kinds[""], ", "))
	}
	return a.Attribution
}

type attribution struct{ Attribution }

func (a *attribution) note(s string) { a.Evidence = append(a.Evidence, s) }

func (a *attribution) set(f Fault, confidence float64, why string) {
	a.Fault, a.Confidence = f, min(max(confidence, 0), 0.99)
	a.Answer = f.Answer()
	a.Evidence = append([]string{why}, a.Evidence...)
}

// provider: the service or its edge fails; the rest says how sure.
func (a *attribution) provider(kinds map[string][]string, ok int, official bool, reached []string, othersFail, othersOK []string) {
	f, why := FaultProvider, "the provider fails: "+strings.Join(append(kinds["provider"], kinds["edge"]...), ", ")
	if len(kinds["provider"]) == 0 {
		f, why = FaultProviderEdge, "the provider's edge cannot reach it: "+strings.Join(kinds["edge"], ", ")
	}
	c := 0.6
	if official {
		c += 0.2
	}
	if len(reached) > 0 {
		c += 0.1
		a.note("our network works: it reaches " + strings.Join(reached, ", "))
	}
	if len(othersFail) > 0 {
		c += 0.1
		a.note("fails from elsewhere too: " + strings.Join(othersFail, ", "))
	}
	if len(othersOK) > 0 {
		c -= 0.3
		a.note("answers from elsewhere: " + strings.Join(othersOK, ", ") + " (a regional problem, or our path)")
	}
	if ok > 0 {
		a.note(fmt.Sprintf("%d other component(s) answer", ok))
	}
	a.set(f, c, why)
}

// network: connections fail; controls and other components tell whose network.
func (a *attribution) network(failed []string, ok int, reached, unreached, othersOK []string) {
	why := "connections fail: " + strings.Join(failed, ", ")
	switch {
	case ok > 0: // the same target answers on other components: our wire reaches it
		a.note(fmt.Sprintf("%d other component(s) of the target answer", ok))
		a.set(FaultProvider, 0.7, why+" while others answer: partial reachability on the provider's side")
	case len(reached) > 0:
		a.note("our network works: it reaches " + strings.Join(reached, ", "))
		if len(othersOK) > 0 {
			a.note("answers from elsewhere: " + strings.Join(othersOK, ", "))
			a.set(FaultOurNetwork, 0.6, why+": the route from here to the provider")
			return
		}
		a.set(FaultProvider, 0.6+0.1*float64(min(len(reached)-1, 2)), why+", and only the provider's hosts")
	case len(unreached) > 0:
		a.note("nothing answers: " + strings.Join(unreached, ", ") + " fail too")
		a.set(FaultOurNetwork, 0.8, why)
	case len(othersOK) > 0:
		a.note("answers from elsewhere: " + strings.Join(othersOK, ", "))
		a.set(FaultOurNetwork, 0.7, why)
	default:
		a.set(FaultUnknown, 0.3, why+"; no control host to tell our network from theirs")
	}
}

// account: the key, quota, region or permissions are refused. A key that worked and is refused
// by every component at once, while the page or other places report trouble, is the
// provider's authentication failing (the 2026-04-28 pattern), not ours.
func (a *attribution) account(fails []detect.ComponentStatus, failed []string, everOK bool, ok int, official bool, othersFail []string) {
	why := "the account is refused: " + strings.Join(failed, ", ")
	auth := !slices.ContainsFunc(fails, func(c detect.ComponentStatus) bool {
		return c.RecentClass != classify.AuthInvalid && c.RecentClass != classify.PermissionDenied
	})
	switch {
	case auth && everOK && ok == 0 && (official || len(othersFail) > 0):
		a.note("the key worked before and every component refuses it at once")
		a.set(FaultProvider, 0.6, why+": the provider's authentication is failing")
	case auth && everOK:
		a.note("the key worked before: revoked or rotated, or the provider's authentication is failing")
		a.set(FaultOurAccount, 0.5, why)
	default:
		if !everOK {
			a.note("it has never worked from here")
		}
		a.set(FaultOurAccount, 0.9, why)
	}
}

// kind sorts a failing component by its failure: provider, edge, blocked, network, account,
// client or "" (no known kind).
func kind(c detect.ComponentStatus) string {
	switch c.RecentClass {
	case classify.EdgeBlocked:
		return "blocked"
	case classify.GeoBlocked:
		return "account"
	case classify.ConnectionError, classify.TimeoutConnect:
		return "network"
	}
	switch c.RecentBlame {
	case classify.BlameProvider:
		return "provider"
	case classify.BlameEdge:
		return "edge"
	case classify.BlameNetwork:
		return "network"
	case classify.BlameAccount:
		return "account"
	case classify.BlameClient:
		return "client"
	}
	if c.State.Down() {
		return "provider"
	}
	return ""
}

func orState(c detect.ComponentStatus) string {
	if c.RecentClass != "" {
		return string(c.RecentClass)
	}
	return string(c.State)
}

func controls(cs []Control) (reached, unreached []string) {
	for _, c := range cs {
		if c.Reached {
			reached = append(reached, c.Name)
		} else {
			unreached = append(unreached, c.Name)
		}
	}
	return reached, unreached
}

func locations(ls []Location) (failing, ok []string) {
	for _, l := range ls {
		if l.Failing {
			failing = append(failing, l.Name)
		} else {
			ok = append(ok, l.Name)
		}
	}
	return failing, ok
}
