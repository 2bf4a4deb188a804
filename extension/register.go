// Package extension wires xk6-chatgpt into k6: the JS module k6/x/chatgpt and the `k6 x chatgpt`
// subcommand. Nothing else lives here; each concern has its own package below.
package extension

import (
	"strings"

	"go.k6.io/k6/v2/ext"
	"go.k6.io/k6/v2/js/modules"
	"go.k6.io/k6/v2/subcommand"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/cli"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/module"
)

func init() {
	modules.Register(module.ImportPath, module.New())
	subcommand.RegisterExtension(cli.Name, cli.New)
	// k6 reads an extension's version from the build's module list, which has none when the
	// extension is the main module (make build): `k6 version` then shows ours. The subcommand is
	// listed under its package, after the JS module, which tools reading the first line
	// (xk6 lint) take as the extension's kind.
	const root = "github.com/xk6-chatgpt/xk6-chatgpt"
	for typ, path := range map[ext.ExtensionType]string{ext.JSExtension: root, ext.SubcommandExtension: root + "/extension/cli"} {
		for _, e := range ext.Get(typ) {
			if strings.HasPrefix(e.Path, root) {
				e.Path = path
				if e.Version == "" {
					e.Version = module.Version
				}
			}
		}
	}
}
