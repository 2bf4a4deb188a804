package dashboards

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// The committed dashboards are what the generator produces now, and pass the foundation SDK's
// strict unmarshal (unknown fields, wrong types, missing required ones) and Validate().
func TestCommittedDashboardsAreCurrentAndValid(t *testing.T) {
	plugins.RegisterDefaultPlugins()
	for name, build := range Files {
		t.Run(name, func(t *testing.T) {
			want, err := Render(build)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(".", name))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Fatalf("%s is stale: run `make dashboards` (go run ./dashboards/gen) and commit it", name)
			}
			var d dashboard.Dashboard
			if err := d.UnmarshalJSONStrict(got); err != nil {
				t.Fatalf("strict unmarshal: %v", err)
			}
			if err := d.Validate(); err != nil {
				t.Fatalf("validate: %v", err)
			}
			if len(d.Panels) < 6 {
				t.Fatalf("%d panels", len(d.Panels))
			}
		})
	}
}

// Queries lists every PromQL expression of the committed dashboards, for the Prometheus
// integration test.
func TestQueriesAreFound(t *testing.T) {
	qs, err := Queries(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) < 20 {
		t.Fatalf("%d queries", len(qs))
	}
	for _, q := range qs {
		if regexp.MustCompile(`k6_chatgpt_\w+`).FindString(q.Expr) == "" && q.Expr[:5] != "label" {
			t.Errorf("query without a chatgpt metric: %s", q.Expr)
		}
	}
}
