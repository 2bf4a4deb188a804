package probe

import (
	"context"
	"net/http"
)

// StatusRead is what a read of the official status page brought back beside its Result.
type StatusRead struct {
	Body        []byte // the page, when it answered 200 (nil otherwise)
	ETag        string // its validator, for the next read's If-None-Match
	NotModified bool   // it answered 304 to etag: the page is unchanged
}

// ReadStatus probes t's status page once, conditionally when etag is set. The poller that
// decides when to read and keeps the parsed page is the monitor's (monitor.StatusPoller).
func ReadStatus(ctx context.Context, rt http.RoundTripper, t *Target, etag string) (Result, StatusRead) {
	r, p := runProbe(ctx, rt, t, Status, etag)
	return r, StatusRead{Body: p.body, ETag: p.etag, NotModified: p.notModified}
}
