// Package extension wires xk6-chatgpt into k6: the JS module k6/x/chatgpt. Nothing else lives
// here; each concern has its own package below.
package extension

import (
	"go.k6.io/k6/v2/js/modules"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/module"
)

func init() {
	modules.Register(module.ImportPath, module.New())
}
