//go:build tools

// Package tools pins the developer tools the Makefile builds into .tools/bin. It is a module of
// its own so their dependencies never enter the extension's go.mod.
package tools

import (
	_ "github.com/rhysd/actionlint/cmd/actionlint"
	_ "honnef.co/go/tools/cmd/staticcheck"
)
