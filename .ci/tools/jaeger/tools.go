//go:build tools

// Package tools pins Jaeger v2 (module v1.62.0, the newest the module proxy serves whole) as
// the OTLP trace backend of the end-to-end trace test.
package tools

import _ "github.com/jaegertracing/jaeger/cmd/jaeger"
