// Command k6floor is k6 with one tiny extension, k6/x/loadbench-floor, for make bench only: its
// read() is the floor's reader (extension/loadbench/floor) run through the VU's own transport,
// with one k6 sample per completion. Driven like the extension (k6floor.js, one stream per
// iteration), it is the least any extension can cost under k6 (a JS iteration, k6's connection
// wrapper, one sample), so the benchmark can show what k6 itself adds to the bare reader and
// what the extension adds beyond that. It is never part of the product's binary.
package main

import (
	k6cmd "go.k6.io/k6/v2/cmd"
	"go.k6.io/k6/v2/js/modules"
)

func main() {
	modules.Register(importPath, root{})
	k6cmd.Execute()
}
