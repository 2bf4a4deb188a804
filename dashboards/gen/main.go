// Command gen writes the Grafana dashboards (make dashboards): go run ./dashboards/gen
package main

import (
	"fmt"
	"os"

	"github.com/xk6-chatgpt/xk6-chatgpt/dashboards"
)

func main() {
	if err := dashboards.Write("dashboards"); err != nil {
		fmt.Fprintln(os.Stderr, "dashboards:", err)
		os.Exit(1)
	}
}
