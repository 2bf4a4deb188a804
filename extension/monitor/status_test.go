package monitor

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
)

// poll is one caller's turn at the poller, reading the page when it claims the read.
func poll(s *StatusPoller, rt http.RoundTripper, tg *probe.Target, now time.Time) (probe.Result, *statuspage.Page, bool) {
	read, etag, cached := s.Claim(now)
	if !read {
		return cached, nil, false
	}
	r, body := probe.ReadStatus(context.Background(), rt, tg, etag)
	r, page := s.Store(r, body)
	return r, page, true
}

// The status page is read once per interval, revalidated with If-None-Match (a 304 keeps the
// parsed page), and a page that is not a status page still counts as reachable, saying why it
// has no official word.
func TestStatusPoller(t *testing.T) {
	base := strings.TrimSuffix(simtest.Fast(t, nil), "/v1")
	var hits, notModified atomic.Int64
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		hits.Add(1)
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err == nil && resp.StatusCode == http.StatusNotModified {
			notModified.Add(1)
		}
		return resp, err
	})
	tg := target(t, base+"/v1")
	tg.StatusURL = base + "/api/v2/summary.json"
	if err := tg.Validate(); err != nil {
		t.Fatal(err)
	}
	s := &StatusPoller{Interval: time.Minute}
	now := time.Unix(1_800_000_000, 0)
	r, page, fresh := poll(s, rt, tg, now)
	if !r.OK || !fresh || page == nil || page.Indicator != "none" || len(page.Components) == 0 {
		t.Fatalf("first poll: %+v, page %+v", r, page)
	}
	r, _, fresh = poll(s, rt, tg, now.Add(30*time.Second))
	if fresh || !r.Cached || !r.OK || hits.Load() != 1 {
		t.Fatalf("within the interval: fresh %v cached %v hits %d", fresh, r.Cached, hits.Load())
	}
	r, page, fresh = poll(s, rt, tg, now.Add(61*time.Second))
	if !fresh || !r.OK || r.Status != http.StatusNotModified || page == nil || notModified.Load() != 1 {
		t.Fatalf("revalidation: %+v page %v, 304s %d", r, page != nil, notModified.Load())
	}
	html := &StatusPoller{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<html><head><title>Gemini API status</title></head><body>All good</body></html>")
	}))
	defer srv.Close()
	tg.StatusURL = srv.URL
	if err := tg.Validate(); err != nil { // a changed target is validated again (requests are built once)
		t.Fatal(err)
	}
	// A page that answers but is not a status page (an HTML app) is a failed read with its own
	// class, never ok: the correlation with the provider's word must not switch off in silence.
	r, page, _ = poll(html, http.DefaultTransport, tg, now)
	if r.OK || page != nil || r.Class != classify.StatusUnreadable || r.Blame != classify.BlameClient ||
		!strings.Contains(r.Message, "status page is unreadable") || !strings.Contains(r.Advice, "statusURL") {
		t.Fatalf("html page: %+v", r)
	}
}

// A read under way is the only one: a second caller gets the last result, and an aborted read
// leaves the page due again.
func TestStatusPollerClaims(t *testing.T) {
	s := &StatusPoller{Interval: time.Minute}
	now := time.Unix(0, 0)
	if read, _, _ := s.Claim(now); !read {
		t.Fatal("first claim refused")
	}
	if read, _, cached := s.Claim(now); read || !cached.Cached {
		t.Fatal("a second read while one is under way")
	}
	s.Store(probe.Result{Aborted: true}, probe.StatusRead{})
	if read, _, _ := s.Claim(now.Add(time.Second)); !read {
		t.Fatal("an aborted read did not leave the page due")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
