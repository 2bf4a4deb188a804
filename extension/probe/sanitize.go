package probe

import (
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/stream"
)

// The redaction boundary: a Result is sanitized once, where runProbe produces it, with the keys
// of every target of the run (Target.Secrets) and its own. Every text in it that a server could
// have written — message, advice, codes, request id, model, finish reason, quoted headers, the
// answer — comes out valid UTF-8, free of control characters, bounded, and without anything
// shaped like a credential. Everything downstream (the JS result, k6 samples and metadata,
// spans, logs, reports, badges, state files, notifications) takes its text from Results and
// relies on this; the two other ways server bytes leave this package, --http-debug dumps
// (DebugTransport) and the status page body (ReadStatus), pass the same redaction.

// Bounds of the texts a Result carries, in bytes.
const (
	maxMessage = 1024 // classify.MaxMessage of provider text, with our words around it
	maxID      = 128  // request ids, codes, models, finish reasons
	maxHeader  = 256  // a quoted header value
)

// secrets are the literals to redact from what this target's servers send: every target's
// keys and this one's.
func (t *Target) secrets() []string {
	lits := t.Secrets.Literals()
	if t.APIKey == "" {
		return lits
	}
	return append(lits[:len(lits):len(lits)], t.APIKey)
}

// sanitize makes the Result's server-written texts safe for any output.
func (r *Result) sanitize(keys []string) {
	line := func(s *string, max int) {
		if *s != "" {
			*s = secret.Line(*s, max, keys...)
		}
	}
	line(&r.Message, maxMessage)
	line(&r.Advice, maxMessage)
	line(&r.ProviderCode, maxID)
	line(&r.RequestID, maxID)
	line(&r.ResponseModel, maxID)
	line(&r.FinishReason, maxID)
	line(&r.RateLimitKind, maxID)
	line(&r.SimFault, maxID)
	for k, v := range r.Headers {
		r.Headers[k] = secret.Line(v, maxHeader, keys...)
	}
	if r.Answer != "" {
		r.Answer = secret.Text(r.Answer, stream.MaxText+len("…"), keys...)
	}
}
