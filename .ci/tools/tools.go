//go:build tools

// Package tools pins the developer tools the Makefile builds into .tools/bin. It is a module of
// its own so their dependencies never enter the extension's go.mod.
package tools

import (
	_ "github.com/rhysd/actionlint/cmd/actionlint"
	_ "github.com/securego/gosec/v2/cmd/gosec"
	_ "github.com/yannh/kubeconform/cmd/kubeconform"
	_ "go.k6.io/xk6"
	_ "honnef.co/go/tools/cmd/staticcheck"
)
