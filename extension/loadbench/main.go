// Command loadbench is the end-to-end load benchmark (make bench): against one stamping
// simulator in its own process (TTFT exactly 200 ms after an immediate role-only chunk, 20
// chunks 20 ms apart), it compares, in the same run, the extension under k6 (scripts/load.js),
// a bare net/http SSE reader (the floor) and k6's own http.post with the SSE parsed in JS. The
// TTFT error of a completion is what the client measured minus the server's write stamp of
// the first content chunk. Each concurrency is run -runs times (BENCH_RUNS in make bench), the
// clients interleaved so drift hits them alike; it prints every run, a table of medians with
// min–max beside them and, last, one line "BENCH key=value ..." built from the medians.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	k6 := flag.String("k6", "./k6", "k6 binary with the extension")
	k6Floor := flag.String("k6-floor", "", "k6 built from extension/loadbench/k6floor: adds the floor's reader under k6 to every row (make bench builds it)")
	dur := flag.Duration("duration", 10*time.Second, "length of each load run")
	short := flag.Duration("short", 2*time.Second, "length of the shorter run before each, whose CPU the steady-state figure takes off")
	streams := flag.String("streams", envStr("BENCH_STREAMS", "100,500,1000"), "concurrencies of the rows, in order (BENCH_STREAMS in make bench; the second is where k6 http+JS and the heap are measured)")
	sweep := flag.String("sweep", "1500,2000", "concurrencies beyond the rows tried for max_streams while the extension keeps up")
	runs := flag.Int("runs", envInt("BENCH_RUNS", 5), "runs of each row (median and min–max over them)")
	quick := flag.Bool("quick", false, "a tiny run that proves the benchmark works (no figures worth quoting)")
	profile := flag.Int("profile", 0, "instead of the benchmark: profile k6 with the extension at this many streams (make bench-profile)")
	profileOut := flag.String("profile-out", "bench-profiles", "directory for -profile's pprof files")
	flag.Parse()
	if *profile > 0 {
		if err := profileK6(*k6, *k6Floor, *profile, *dur, *profileOut); err != nil {
			fmt.Fprintln(os.Stderr, "loadbench:", err)
			os.Exit(1)
		}
		return
	}
	if *quick {
		*dur, *short, *sweep, *streams = 2*time.Second, time.Second, "", "20,50" // k6 runs a scenario for 1 s at least
		set := false
		flag.Visit(func(f *flag.Flag) { set = set || f.Name == "runs" })
		if !set {
			*runs = 2 // enough to exercise the interleaving and the medians, short for make test
		}
	}
	if *runs < 1 {
		fmt.Fprintln(os.Stderr, "loadbench: -runs must be at least 1")
		os.Exit(2)
	}
	if *short < time.Second || *short >= *dur {
		fmt.Fprintln(os.Stderr, "loadbench: -short must be at least 1s (k6's shortest scenario) and shorter than -duration")
		os.Exit(2)
	}
	levels, err := parseLevels(*streams)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadbench: -streams:", err)
		os.Exit(2)
	}
	if err := run(config{k6: *k6, k6Floor: *k6Floor, d: *dur, short: *short, sweep: *sweep, levels: levels, runs: *runs}); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

// parseLevels reads a comma-separated list of concurrencies, each a positive integer.
func parseLevels(list string) ([]int, error) {
	var levels []int
	for f := range strings.SplitSeq(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive number of streams", strings.TrimSpace(f))
		}
		levels = append(levels, n)
	}
	return levels, nil
}

func envStr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}
