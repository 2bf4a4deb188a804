package e2e

import (
	"os/exec"
	"regexp"
	"testing"
)

// The load benchmark works end to end (a tiny run: its figures are not asserted; `make bench`
// runs the real one).
func TestLoadBenchRuns(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("go", "run", "./extension/loadbench", "-quick", "-k6", k6Binary(t))
	cmd.Dir = repoRoot(t)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("loadbench: %v\n%s", err, out)
	}
	line := regexp.MustCompile(`(?m)^BENCH runs=2 ttft_err_p99_ms_\d+=[\d.]+ ttft_err_ratio_\d+=[\d.]+ cpu_ratio_vs_bare_go=[\d.]+ cpu_ratio_vs_k6_http=[\d.]+ heap_per_stream_kib=[\d.]+ max_streams=\d+( [a-z0-9_]+=-?[\d.]+)+$`)
	if !line.Match(out) {
		t.Fatalf("no BENCH line:\n%s", out)
	}
}
