package extension

import (
	"testing"

	"go.k6.io/k6/v2/ext"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/cli"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/module"
)

// Importing the package registers the JS module and the subcommand with k6, under this
// repository's path and the extension's version.
func TestRegistration(t *testing.T) {
	for typ, name := range map[ext.ExtensionType]string{ext.JSExtension: module.ImportPath, ext.SubcommandExtension: cli.Name} {
		e, ok := ext.Get(typ)[name]
		if !ok {
			t.Errorf("%s %q is not registered", typ, name)
			continue
		}
		if e.Version != module.Version || e.Path == "" {
			t.Errorf("%s %q registered as %s@%s", typ, name, e.Path, e.Version)
		}
	}
	if _, ok := ext.Get(ext.JSExtension)[module.ImportPath].Module.(*module.RootModule); !ok {
		t.Errorf("%s is not the extension's root module", module.ImportPath)
	}
}
