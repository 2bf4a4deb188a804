package probe

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
)

// DefaultStatusInterval is how often the official status page is read: it changes on a human's
// schedule, and polling it faster would only load it.
const DefaultStatusInterval = time.Minute

// StatusPoller reads a target's official status page at its own cadence with conditional
// requests, and keeps the last page. One poller serves every VU probing the target.
type StatusPoller struct {
	Interval time.Duration

	mu      sync.Mutex
	polling bool
	last    time.Time
	etag    string
	result  Result
	page    *statuspage.Page
	pageErr string
}

// Poll reads the page if Interval has passed since the last read (and no other read is under
// way); otherwise it returns the last result marked Cached. fresh reports a new read, page is
// the parsed page (nil when it could not be read as one; Message then says why).
func (s *StatusPoller) Poll(ctx context.Context, rt http.RoundTripper, t *Target, now time.Time) (r Result, page *statuspage.Page, fresh bool) {
	s.mu.Lock()
	if s.polling || (!s.last.IsZero() && now.Sub(s.last) < s.interval()) {
		r, page = s.result, s.page
		s.mu.Unlock()
		r.Cached = true
		return r, page, false
	}
	s.polling, s.last = true, now
	etag := ""
	if s.page != nil {
		etag = s.etag
	}
	s.mu.Unlock()

	r, p := runProbe(ctx, rt, t, Status, etag)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.polling = false
	if r.Aborted {
		s.last = time.Time{}
		return r, nil, false
	}
	switch {
	case p.notModified:
		// the page is unchanged: keep the parsed one
	case r.OK:
		s.page, s.pageErr = nil, ""
		if pg, err := statuspage.Parse(p.body); err == nil {
			s.page = pg
		} else {
			s.pageErr = err.Error()
		}
		s.etag = p.etag
	default:
		s.page = nil
	}
	if r.OK && s.page == nil && s.pageErr != "" {
		r.Message = "the page answered but is not readable as a status page: " + s.pageErr
	}
	s.result = r
	return r, s.page, true
}

// Due reports whether a Poll at now would read the page.
func (s *StatusPoller) Due(now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.polling && (s.last.IsZero() || now.Sub(s.last) >= s.interval())
}

func (s *StatusPoller) interval() time.Duration {
	if s.Interval <= 0 {
		return DefaultStatusInterval
	}
	return s.Interval
}
