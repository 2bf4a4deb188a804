package probe

import (
	"bytes"
	"context"
	"fmt"
	"net/http"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
)

// StatusRead is what a read of the official status page brought back beside its Result.
type StatusRead struct {
	Body        []byte           // the page, when it answered 200 (nil otherwise), redacted
	Page        *statuspage.Page // the page parsed (nil when it is not one: the Result says status_unreadable)
	ETag        string           // its validator, for the next read's If-None-Match
	NotModified bool             // it answered 304 to etag: the page is unchanged
}

// statusPage judges a 200 of the status component: it must parse as a status page, or the
// probe fails (status_unreadable) rather than pass with the correlation silently off. The body
// is redacted before it is parsed: incident names reach reports and state files.
func (p *run) statusPage(body []byte, o *classify.Outcome) {
	p.body = []byte(secret.Redact(string(body), p.target.secrets()...))
	o.StatusPage, o.Content = true, len(bytes.TrimSpace(body))
	page, err := statuspage.Parse(p.body)
	if err != nil {
		o.Err, o.Malformed = fmt.Errorf("the status page is unreadable: %w", err), true
		return
	}
	p.page = page
}

// ReadStatus probes t's status page once, conditionally when etag is set. The poller that
// decides when to read and keeps the parsed page is the monitor's (monitor.StatusPoller).
func ReadStatus(ctx context.Context, rt http.RoundTripper, t *Target, etag string) (Result, StatusRead) {
	r, p := runProbe(ctx, rt, t, Status, etag)
	return r, StatusRead{Body: p.body, Page: p.page, ETag: p.etag, NotModified: p.notModified}
}
