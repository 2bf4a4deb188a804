package probe

import (
	"strings"
	"testing"
)

// Remeasure runs measure, a wall-clock accuracy check that returns what missed its bar, up to
// three times, and fails t only if every run missed. The delivery half of a timing error is this
// machine's: under make test's parallel packages on two cores a scheduling stall now and then
// pushes one run's p99 past its bar (TTFT 1.36 ms against 1 ms, 2.2 ms against 2 ms), while a
// probe that adds its own delay misses in all three runs.
func Remeasure(t *testing.T, measure func() (missed []string)) {
	t.Helper()
	var missed []string
	for run := 1; run <= 3; run++ {
		if missed = measure(); len(missed) == 0 {
			return
		}
		t.Logf("run %d: %s", run, strings.Join(missed, "; "))
	}
	t.Errorf("in three runs: %s", strings.Join(missed, "; "))
}
