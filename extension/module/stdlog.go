package module

import (
	"log"
	"sync"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
)

// stdlogLine bounds one line of Go's standard logger: net/http quotes there up to a whole read
// buffer of what a server sent on an idle connection.
const stdlogLine = 1024

// stdlog is the process's standard logger, guarded once: k6 points it at its own log, and
// net/http writes there, raw, the bytes a server sends on an idle kept-alive connection
// ("Unsolicited response received on idle HTTP channel starting with …"), which can be a key
// the server echoed. Every root module's secrets are redacted from it.
var stdlog struct {
	once sync.Once
	w    *secret.Writer
}

// guardStdlog puts the redacting writer in front of wherever the standard logger writes
// (k6's log, when k6 runs) and has it redact this root module's secrets.
func (r *RootModule) guardStdlog() {
	stdlog.once.Do(func() {
		stdlog.w = secret.NewWriter(log.Writer(), stdlogLine)
		log.SetOutput(stdlog.w)
	})
	stdlog.w.Watch(&r.secrets)
}
