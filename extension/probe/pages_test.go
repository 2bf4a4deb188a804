package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statuspage"
)

// Every provider's default status source is its own machine-readable feed, or none: Azure is
// not OpenAI (no chatgpt.com, no status.openai.com), and Gemini's status page is an app the
// parser cannot read. Components that need a missing page say which option to set.
func TestDefaultPages(t *testing.T) {
	for _, p := range Providers {
		tg := &Target{Provider: p, Model: "m", BaseURL: "http://127.0.0.1:1/v1"}
		if err := tg.Validate(); err != nil {
			t.Fatal(err)
		}
		switch p {
		case Azure, Compatible:
			if tg.WebURL != "" || tg.StatusURL != "" {
				t.Errorf("%s defaults to web %q, status %q", p, tg.WebURL, tg.StatusURL)
			}
		case Gemini:
			if tg.StatusURL != "" {
				t.Errorf("gemini defaults to status %q", tg.StatusURL)
			}
		default:
			if !strings.HasSuffix(tg.StatusURL, "/api/v2/summary.json") {
				t.Errorf("%s status %q is not a Statuspage v2 feed", p, tg.StatusURL)
			}
		}
		if tg.StatusURL == "" {
			if err := tg.CheckComponents([]Component{Status}); err == nil || !strings.Contains(err.Error(), "statusURL") {
				t.Errorf("%s: status without a page: %v", p, err)
			}
		}
		if strings.Contains(tg.WebURL+tg.StatusURL, "openai") != (p == OpenAI) {
			t.Errorf("%s points at OpenAI's pages (or OpenAI does not): %q %q", p, tg.WebURL, tg.StatusURL)
		}
	}
}

// A status page that answers 200 with something the parser cannot read fails the status probe
// with its own class; one that parses passes, with the page parsed once and handed over.
func TestReadStatusUnreadable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<html><head><title>Gemini API status</title></head><body>All good</body></html>`))
	}))
	defer srv.Close()
	tg := target(t, srv.URL+"/v1")
	tg.StatusURL = srv.URL + "/status"
	r, read := ReadStatus(context.Background(), http.DefaultTransport, tg, "")
	if r.OK || r.Class != classify.StatusUnreadable || r.Blame != classify.BlameClient || read.Page != nil ||
		!strings.Contains(r.Message, `an HTML page ("Gemini API status")`) {
		t.Fatalf("html status page: %s/%s ok=%v %q", r.Class, r.Blame, r.OK, r.Message)
	}
	tg.StatusURL = strings.TrimSuffix(simtest.Fast(t, nil), "/v1") + "/api/v2/summary.json"
	if err := tg.Validate(); err != nil { // requests are built once: a changed target is validated again
		t.Fatal(err)
	}
	r, read = ReadStatus(context.Background(), http.DefaultTransport, tg, "")
	if !r.OK || read.Page == nil || read.Page.Format != statuspage.FormatStatuspage {
		t.Fatalf("summary.json: %s %q page %+v", r.Class, r.Message, read.Page)
	}
}
