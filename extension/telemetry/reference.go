package telemetry

import (
	"strings"

	"go.k6.io/k6/v2/metrics"
)

// Reference renders Defs as the README's metrics table (Markdown): the README carries this text
// between its metrics markers, and a test keeps the two identical.
func Reference() string {
	var b strings.Builder
	b.WriteString("| metric | type | tags | meaning |\n|---|---|---|---|\n")
	for _, d := range Defs {
		typ := d.Type.String()
		if d.Value == metrics.Time {
			typ += " (ms)"
		}
		b.WriteString("| `" + d.Name + "` | " + typ + " | " + d.Tags + " | " + d.Help + " |\n")
	}
	return b.String()
}
