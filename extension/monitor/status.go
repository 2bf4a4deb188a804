package monitor

import (
	"sync"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
)

// DefaultStatusInterval is how often the official status page is read: it changes on a human's
// schedule, and polling it faster would only load it.
const DefaultStatusInterval = time.Minute

// StatusPoller keeps a target's official status page to its own cadence: one read per Interval
// among all callers, revalidated with the page's ETag, and the last page kept between reads.
// It reads nothing itself: a caller that Claims a read performs it (probe.ReadStatus) and
// Stores the result. Safe for concurrent use; one poller serves every VU probing the target.
type StatusPoller struct {
	Interval time.Duration

	mu      sync.Mutex
	polling bool
	last    time.Time
	etag    string
	result  probe.Result
	page    *statuspage.Page
}

// Claim reports whether the caller should read the page now (Interval has passed and no other
// read is under way), with the ETag to revalidate against. Otherwise it returns the last result,
// marked Cached.
func (s *StatusPoller) Claim(now time.Time) (read bool, etag string, cached probe.Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.polling || (!s.last.IsZero() && now.Sub(s.last) < s.interval()) {
		cached = s.result
		cached.Cached = true
		return false, "", cached
	}
	s.polling, s.last = true, now
	if s.page != nil {
		etag = s.etag
	}
	return true, etag, probe.Result{}
}

// Store records the claimed read's result and returns it with the parsed page (nil when there is
// none: a page that answered but is not readable is a failed read, status_unreadable). An
// aborted read leaves the poller as it was, due again.
func (s *StatusPoller) Store(r probe.Result, read probe.StatusRead) (probe.Result, *statuspage.Page) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.polling = false
	if r.Aborted {
		s.last = time.Time{}
		return r, nil
	}
	switch {
	case read.NotModified:
		// the page is unchanged: keep the parsed one
	case r.OK:
		s.page, s.etag = read.Page, read.ETag
	default:
		s.page = nil
	}
	s.result = r
	return r, s.page
}

func (s *StatusPoller) interval() time.Duration {
	if s.Interval <= 0 {
		return DefaultStatusInterval
	}
	return s.Interval
}
