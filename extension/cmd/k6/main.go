// Command k6 is k6 with the xk6-chatgpt extension built in, so `go build` alone gives a
// working binary (no xk6 needed). It is what `make build` produces as ./k6.
package main

import (
	k6cmd "go.k6.io/k6/v2/cmd"

	_ "github.com/xk6-chatgpt/xk6-chatgpt/extension"
)

func main() { k6cmd.Execute() }
