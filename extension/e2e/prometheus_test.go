package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/dashboards"
)

// startPrometheus runs $PROMETHEUS (Debian's, installed by make) on a free loopback port with
// the remote-write receiver and native histograms, stopped by its PID.
func startPrometheus(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("PROMETHEUS")
	if bin == "" {
		t.Skip("PROMETHEUS is not set: `make test` installs Prometheus and runs this test")
	}
	var addr string
	startServer(t, func(dir string) (*exec.Cmd, string) {
		cfg := filepath.Join(dir, "prometheus.yml")
		writeFile(t, cfg, "global:\n  scrape_interval: 1h\n")
		addr = freePort(t)
		return exec.Command(bin, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+addr,
			"--web.enable-remote-write-receiver", "--enable-feature=native-histograms"), "http://" + addr + "/-/ready"
	})
	return addr
}

// grafanaVars substitutes the dashboards' variables as Grafana would with "All" selected.
var grafanaVars = strings.NewReplacer("$provider", ".*", "$component", ".*", "$location", ".*",
	"$__rate_interval", "1m", "$__interval", "15s", "$__range", "5m")

var labelValues = regexp.MustCompile(`^label_values\((\w+),\s*(\w+)\)$`)

// Every panel's PromQL, and every variable's label query, runs against a real Prometheus that
// k6 wrote the simulator run into, parses and returns data: no panel names a metric or label
// the extension does not send.
func TestDashboardQueriesReturnData(t *testing.T) {
	t.Parallel()
	addr := startPrometheus(t)
	r := k6runArgs(t, []string{"-o", "experimental-prometheus-rw", "--tag", "location=e2e"}, "examples/dashboards.js",
		"K6_PROMETHEUS_RW_SERVER_URL=http://"+addr+"/api/v1/write", "K6_PROMETHEUS_RW_PUSH_INTERVAL=1s",
		"K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true", "DEAD_URL=http://"+freePort(t)+"/v1")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	queries, err := dashboards.Queries(filepath.Join(repoRoot(t), "dashboards"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range queries {
		expr := grafanaVars.Replace(q.Expr)
		var u string
		if m := labelValues.FindStringSubmatch(expr); m != nil {
			u = fmt.Sprintf("http://%s/api/v1/label/%s/values?%s", addr, m[2], url.Values{"match[]": {m[1]}}.Encode())
		} else {
			u = fmt.Sprintf("http://%s/api/v1/query?%s", addr, url.Values{"query": {expr}}.Encode())
		}
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Status string `json:"status"`
			Error  string `json:"error"`
			Data   json.RawMessage
		}
		_ = json.NewDecoder(resp.Body).Decode(&out)
		_ = resp.Body.Close()
		empty := len(out.Data) == 0 || strings.Contains(string(out.Data), `"result":[]`) || string(out.Data) == "[]"
		if out.Status != "success" || empty {
			t.Errorf("%s / %q: %s %s data %s\n  %s", q.Dashboard, q.Panel, out.Status, out.Error, out.Data, expr)
		}
	}
	t.Logf("%d dashboard queries returned data", len(queries))
}
