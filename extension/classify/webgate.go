package classify

import "strings"

// capacityGate: a 2xx HTML page whose title says the service is at capacity. ChatGPT's gate
// ("ChatGPT is at capacity right now") is a whole page in place of the app, whatever status it
// comes with; read as a page that loaded, it would make the web front door look up in the very
// outage it announces. It is judged as the 5xx variant is: by its title.
func capacityGate(body []byte) bool {
	t := htmlTitle(body)
	return t != "" && gateWords.in(strings.ToLower(t))
}
