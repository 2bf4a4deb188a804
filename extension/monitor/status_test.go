package probe

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The status page is read once per interval, revalidated with If-None-Match (a 304 keeps the
// parsed page), and a page that is not a status page still counts as reachable, saying why it
// has no official word.
func TestStatusPoller(t *testing.T) {
	base := strings.TrimSuffix(fastSim(t), "/v1")
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
	s := &StatusPoller{Interval: time.Minute}
	now := time.Unix(1_800_000_000, 0)
	r, page, fresh := s.Poll(context.Background(), rt, tg, now)
	if !r.OK || !fresh || page == nil || page.Indicator != "none" || len(page.Components) == 0 {
		t.Fatalf("first poll: %+v, page %+v", r, page)
	}
	r, page, fresh = s.Poll(context.Background(), rt, tg, now.Add(30*time.Second))
	if fresh || !r.Cached || page == nil || hits.Load() != 1 {
		t.Fatalf("within the interval: fresh %v cached %v hits %d", fresh, r.Cached, hits.Load())
	}
	r, page, fresh = s.Poll(context.Background(), rt, tg, now.Add(61*time.Second))
	if !fresh || !r.OK || r.Status != http.StatusNotModified || page == nil || notModified.Load() != 1 {
		t.Fatalf("revalidation: %+v page %v, 304s %d", r, page != nil, notModified.Load())
	}
	html := &StatusPoller{}
	tg.StatusURL = serve(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<html><head><title>Gemini API status</title></head><body>All good</body></html>")
	})
	if err := tg.Validate(); err != nil { // a changed target is validated again (requests are built once)
		t.Fatal(err)
	}
	r, page, _ = html.Poll(context.Background(), http.DefaultTransport, tg, now)
	if !r.OK || page != nil || !strings.Contains(r.Message, "not readable as a status page") {
		t.Fatalf("html page: %+v", r)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
