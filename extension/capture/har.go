package capture

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// maxHAR bounds how much of a HAR file is read: browsers' exports of a session with streams
// and images reach tens of megabytes.
const maxHAR = 256 << 20

// HAREntry is one response of a HAR file, as the classifier's input.
type HAREntry struct {
	Index    int    // position in log.entries, from 0
	Method   string // of the request
	URL      string // of the request, without its query (which may carry a key)
	Provider string // the dialect used: as asked, or recognised from the request's host
	Outcome  classify.Outcome
}

type wireHAR struct {
	Log struct {
		Entries []struct {
			Request struct {
				Method string `json:"method"`
				URL    string `json:"url"`
			} `json:"request"`
			Response struct {
				Status  int `json:"status"`
				Headers []struct {
					Name  string `json:"name"`
					Value string `json:"value"`
				} `json:"headers"`
				Content struct {
					Text     string `json:"text"`
					Encoding string `json:"encoding"`
				} `json:"content"`
			} `json:"response"`
			Error string `json:"_error"` // Chromium: why a request got no response (net::ERR_…)
		} `json:"entries"`
	} `json:"log"`
}

// ParseHAR reads a HAR file (HTTP Archive 1.2, as browsers and proxies export it) and returns
// entry index (from 0) as an Outcome in the dialect of provider ("" to recognise it from the
// request's host, then from the body). With index < 0 it picks the last entry whose response is
// not a healthy 2xx — a failure status, no response, or a 2xx the classifier does not call ok —
// or, when every entry is healthy, the last one.
func ParseHAR(r io.Reader, index int, provider string) (HAREntry, error) {
	var w wireHAR
	if err := json.NewDecoder(io.LimitReader(r, maxHAR)).Decode(&w); err != nil {
		return HAREntry{}, fmt.Errorf("read HAR: %w", err)
	}
	n := len(w.Log.Entries)
	if n == 0 {
		return HAREntry{}, errors.New("HAR: no entries")
	}
	if index >= n {
		return HAREntry{}, fmt.Errorf("HAR: entry %d does not exist (the file has %d, numbered from 0)", index, n)
	}
	build := func(i int) HAREntry {
		e := w.Log.Entries[i]
		p := provider
		if p == "" {
			p = providerOfURL(e.Request.URL)
		}
		out := HAREntry{Index: i, Method: e.Request.Method, URL: stripQuery(e.Request.URL), Provider: p}
		if e.Response.Status == 0 { // the browser got no response at all
			msg := e.Error
			if msg == "" {
				msg = "no response recorded"
			}
			out.Outcome = classify.Outcome{Provider: p, Err: errors.New(msg), Stage: classify.StageConnect}
			return out
		}
		h := http.Header{}
		for _, kv := range e.Response.Headers {
			if kv.Name != "" && !strings.HasPrefix(kv.Name, ":") { // HTTP/2 pseudo-headers
				h.Add(kv.Name, kv.Value)
			}
		}
		body := []byte(e.Response.Content.Text)
		if strings.EqualFold(e.Response.Content.Encoding, "base64") {
			if b, err := base64.StdEncoding.DecodeString(e.Response.Content.Text); err == nil {
				body = b
			}
		}
		out.Outcome = Build(e.Response.Status, h, body, p)
		return out
	}
	if index >= 0 {
		return build(index), nil
	}
	for i := n - 1; i >= 0; i-- {
		e := build(i)
		if !classify.Classify(e.Outcome).OK() {
			return e, nil
		}
	}
	return build(n - 1), nil
}

// providerOfURL recognises the dialect from a request's host.
func providerOfURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case host == "api.anthropic.com":
		return "anthropic"
	case strings.HasSuffix(host, ".openai.azure.com"):
		return "azure"
	case host == "generativelanguage.googleapis.com" || strings.HasSuffix(host, "aiplatform.googleapis.com"):
		return "gemini"
	case host == "api.openai.com" || host == "chatgpt.com":
		return "openai"
	}
	return ""
}

func stripQuery(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		return raw[:i]
	}
	return raw
}
