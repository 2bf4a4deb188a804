// Package extension wires xk6-chatgpt into k6: the JS module k6/x/chatgpt and the `k6 x chatgpt`
// subcommand. Nothing else lives here; each concern has its own package below.
package extension

import (
	"go.k6.io/k6/v2/js/modules"
	"go.k6.io/k6/v2/subcommand"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/cli"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/module"
)

func init() {
	modules.Register(module.ImportPath, module.New())
	subcommand.RegisterExtension(cli.Name, cli.New)
}
