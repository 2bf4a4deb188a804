package report

import (
	"fmt"
	"html"
	"strings"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
)

// Badge is a shields-style SVG status badge: "label | state".
func Badge(label string, state detect.State) string {
	msg := strings.ReplaceAll(string(state), "_", " ")
	lw, mw := 6*len(label)+10, 6*len(msg)+10
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="20" role="img" aria-label="%s: %s">`+
		`<rect width="%d" height="20" fill="#555"/><rect x="%d" width="%d" height="20" fill="%s"/>`+
		`<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">`+
		`<text x="5" y="14">%s</text><text x="%d" y="14">%s</text></g></svg>`+"\n",
		lw+mw, html.EscapeString(label), html.EscapeString(msg), lw, lw, mw, color(state), html.EscapeString(label), lw+5, html.EscapeString(msg))
}

// color is a state's colour in badges, timelines and uptime bars.
func color(s detect.State) string {
	switch s {
	case detect.Major:
		return "#d73a49"
	case detect.Partial:
		return "#f66a0a"
	case detect.Degraded:
		return "#dbab09"
	case detect.Maintenance:
		return "#0366d6"
	case "":
		return "#d1d5da"
	}
	return "#28a745"
}
