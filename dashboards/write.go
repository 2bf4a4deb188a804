package dashboards

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// Files are the committed dashboards and how to build each.
var Files = map[string]func() (dashboard.Dashboard, error){
	"chatgpt-overview.json":  Overview,
	"chatgpt-drilldown.json": Drilldown,
}

// Render builds one dashboard as the committed JSON.
func Render(build func() (dashboard.Dashboard, error)) ([]byte, error) {
	d, err := build()
	if err != nil {
		return nil, fmt.Errorf("build dashboard: %w", err)
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode dashboard: %w", err)
	}
	return append(b, '\n'), nil
}

// Write renders every dashboard into dir.
func Write(dir string) error {
	for name, build := range Files {
		b, err := Render(build)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil { // #nosec G306 -- committed, world-readable dashboards
			return err
		}
	}
	return nil
}
