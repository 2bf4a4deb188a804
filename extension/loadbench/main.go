// Command loadbench is the end-to-end load benchmark (make bench): against one stamping
// simulator in its own process (TTFT exactly 200 ms after an immediate role-only chunk, 20
// chunks 20 ms apart), it compares, in the same run, the extension under k6 (scripts/load.js),
// a bare net/http SSE reader (the floor) and k6's own http.post with the SSE parsed in JS. The
// TTFT error of a completion is what the client measured minus the server's write stamp of
// the first content chunk. It prints a table and, last, one line "BENCH key=value ...".
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	k6 := flag.String("k6", "./k6", "k6 binary with the extension")
	dur := flag.Duration("duration", 10*time.Second, "length of each load run")
	sweep := flag.String("sweep", "1000,1500,2000", "concurrencies beyond 500 tried for max_streams")
	quick := flag.Bool("quick", false, "a tiny run that proves the benchmark works (no figures worth quoting)")
	flag.Parse()
	if *quick {
		*dur, *sweep = 2*time.Second, ""
	}
	if err := run(*k6, *dur, *sweep, *quick); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}
