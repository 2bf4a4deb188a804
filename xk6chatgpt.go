// Package xk6chatgpt is the module root that `xk6 build --with github.com/xk6-chatgpt/xk6-chatgpt`
// imports: it registers the extension (k6/x/chatgpt and `k6 x chatgpt`), whose code lives under
// extension/.
package xk6chatgpt

import _ "github.com/xk6-chatgpt/xk6-chatgpt/extension" // registers the JS module and the subcommand
