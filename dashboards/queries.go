package dashboards

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Query is one PromQL expression of a committed dashboard, with where it is.
type Query struct {
	Dashboard, Panel, Expr string
}

// Queries reads every Prometheus expression (panel targets and variable queries) from the
// committed dashboards in dir.
func Queries(dir string) ([]Query, error) {
	var out []Query
	names := make([]string, 0, len(Files))
	for n := range Files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name)) // #nosec G304 -- the committed dashboards
		if err != nil {
			return nil, err
		}
		var d struct {
			Panels []struct {
				Title   string `json:"title"`
				Targets []struct {
					Expr string `json:"expr"`
				} `json:"targets"`
			} `json:"panels"`
			Templating struct {
				List []struct {
					Name  string `json:"name"`
					Query any    `json:"query"`
					Type  string `json:"type"`
				} `json:"list"`
			} `json:"templating"`
		}
		if err := json.Unmarshal(b, &d); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, p := range d.Panels {
			for _, t := range p.Targets {
				if t.Expr != "" {
					out = append(out, Query{name, p.Title, t.Expr})
				}
			}
		}
		for _, v := range d.Templating.List {
			if s, ok := v.Query.(string); ok && v.Type == "query" && strings.HasPrefix(s, "label_values(") {
				out = append(out, Query{name, "variable " + v.Name, s})
			}
		}
	}
	return out, nil
}
