package classify

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
)

// MaxMessage bounds provider text carried into results: enough for any real error message,
// small enough to keep logs, tags and reports readable.
const MaxMessage = 512

// Bounds of what the vocabulary reads (docs/signals.md §6.2 "Envelope"): each text is cut to
// textCap, the whole haystack to hayCap, and a JSON walk stops at maxDepth levels and maxItems
// elements of an array. Real error documents fit well inside; a hostile 64 KiB body cannot make
// the search expensive.
const (
	textCap    = 1024
	hayCap     = 3072
	maxDepth   = 6
	maxItems   = 8
	maxCodes   = 16
	maxTexts   = 32
	maxRelayed = 2
	rawScan    = 2048 // how much of a body that is not JSON, or broken JSON, is read as text
)

// envelope is the error information found in a response, whatever its dialect: every code-like
// value (code, type, status, reason, inner codes, the x-amzn-errortype header) and every
// message-like text (message, msg, detail, title, error strings, JSON documents inside strings,
// arrays of errors), gathered into one lower-cased haystack the signal vocabulary reads.
type envelope struct {
	found    bool   // an error-shaped value was found
	standard bool   // a deliberate error document: a message plus a code or type
	code     string // first code, type and status seen (innermost document first), for output and kinds
	typ      string
	status   string
	message  string // first message, bounded
	// bodyStatus is an HTTP status the body states (error.code 502, "status": 503), 0 if none:
	// a 2xx carrying it is judged as that status. relayStatus is the one a relayed document
	// inside a message states ("status 400: {…}").
	bodyStatus, relayStatus int
	statusRelayed           bool // the status judged is the relayed document's, not the response's (httpError)
	codes                   [maxCodes]string
	ncodes                  int
	ntexts                  int    // texts read, at most maxTexts
	nrelayed                int    // JSON strings walked by relayed, at most maxRelayed
	codeHay                 hayBuf // lower-cased codes, separated by " | "
	textHay                 hayBuf // lower-cased texts
	all                     string // codeHay and textHay, once joined
	scanned                 bool
	codeBits                uint64 // families heard in the codes
	textBits                uint64 // families heard in the texts
	// deep: an explicit error marker inside a nested member ({"message":"…","details":{"error":
	// {…}}}); payload: the body carries an answer (choices, candidates, data…).
	deep, payload bool
}

// bits returns the families heard in the codes and in the texts (scanned once).
func (e *envelope) bits() (codes, texts uint64) {
	if !e.scanned {
		e.codeBits, e.textBits, e.scanned = vocab.scan(e.codeHay.b.String()), vocab.scan(e.textHay.b.String()), true
	}
	return e.codeBits, e.textBits
}

// hayBuf collects lower-cased text up to hayCap bytes.
type hayBuf struct {
	b    strings.Builder
	full bool
}

// add appends s, lower-cased (ASCII only, so UTF-8 text such as Chinese is kept intact).
func (w *hayBuf) add(s string) {
	if s == "" || w.full {
		return
	}
	if w.b.Len() == 0 {
		w.b.Grow(min(hayCap, 2*len(s)+16))
	} else {
		w.b.WriteString(" | ")
	}
	s = s[:min(len(s), textCap, max(0, hayCap-w.b.Len()))]
	var buf [256]byte // lower-cased a chunk at a time: one Write per chunk, not one per byte
	for len(s) > 0 {
		n := min(len(s), len(buf))
		for i := range n {
			c := s[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
		}
		w.b.Write(buf[:n])
		s = s[n:]
	}
	if w.b.Len() >= hayCap {
		w.full = true
	}
}

// k reports whether any code equals s, ignoring case.
func (e *envelope) k(s string) bool {
	for _, c := range e.codes[:e.ncodes] {
		if strings.EqualFold(c, s) {
			return true
		}
	}
	return false
}

func (e *envelope) addCode(s string) {
	s = strings.TrimSpace(s)
	if s == "" || e.k(s) {
		return
	}
	if e.ncodes < maxCodes {
		e.codes[e.ncodes] = s
		e.ncodes++
	}
	e.codeHay.add(s)
}

// addHay adds message text.
func (e *envelope) addHay(s string) { e.textHay.add(s) }

// text is the haystack the vocabulary reads: codes and texts, lower-cased.
func (e *envelope) text() string {
	if e.all == "" {
		e.all = e.codeHay.b.String() + " | " + e.textHay.b.String()
	}
	return e.all
}

// parseEnvelope extracts error information from a body. Only members a rule needs are decoded
// (see members), so big bodies stay cheap. ok2xx says the response was a success: then only an
// explicit error marker (an "error" member, "object":"error", "success":false, a non-zero
// base_resp) makes the body an error; any other body of a failed response is read for text.
func parseEnvelope(body []byte, ok2xx bool) envelope {
	var e envelope
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return e
	}
	if b[0] == '[' { // Gemini and Vertex: [{"error":{…}}]
		if f := firstElement(b); len(f) > 0 {
			b = f
		}
	}
	if b[0] == '{' {
		marker, complete := e.document(b, 0, true)
		switch {
		case ok2xx && !marker && !(e.deep && !e.payload): // a 2xx is an error only when it says so
			return envelope{}
		case marker || e.ncodes > 0 || e.message != "":
			e.found = true
			if !complete { // a cut or broken document: read the rest of its text too
				e.addHay(string(b[:min(len(b), rawScan)]))
			}
			e.finish()
			return e
		}
		e = envelope{}
	}
	if ok2xx {
		return envelope{}
	}
	// Not JSON, or JSON too broken to walk (a capture cut mid-string): its text is the message.
	e = envelope{found: true}
	raw := string(b[:min(len(b), rawScan)])
	e.message = lenientMessage(raw)
	if e.message == "" {
		e.message = strings.TrimSpace(raw[:min(len(raw), MaxMessage)])
	}
	e.addHay(raw)
	e.finish()
	return e
}

// ErrorDocument reports whether a 2xx body (or a record of a stream) is an error document by
// the rules of parseEnvelope: an explicit marker, or nothing but a message and its status, code
// or ids. Readers of captures use it for a document printed outside a stream's framing.
func ErrorDocument(b []byte) bool { return parseEnvelope(b, true).found }

func (e *envelope) finish() {
	e.message = bound(e.message)
	e.standard = e.standard || (e.message != "" && (e.typ != "" || e.code != ""))
}

// document walks one JSON object: an error document, or the body around one. top is set for the
// body itself, where flat dialects keep their fields (vLLM and Mistral "object":"error", xAI
// {"code","error"}, Azure {"code","message"}, FastAPI "detail", problem+json "title"). It
// reports whether an explicit error marker was seen and whether the object was well formed.
func (e *envelope) document(b []byte, depth int, top bool) (marker, complete bool) {
	if depth > maxDepth {
		return false, false
	}
	var coded, explicit, payload, fine bool
	others := 0 // top-level members that are neither error fields nor ids: an answer or a page of some kind
	complete = members(b, func(k, v []byte) {
		key := lowerKey(k)
		switch key {
		case "error", "errors", "base_resp", "fault", "err": // fault: Apigee's {"fault":{"faultstring":…}}
			if isNull(v) || string(v) == `""` || string(v) == "[]" || string(v) == "{}" || string(v) == "0" || string(v) == "false" {
				return // {"err":0,…}, {"error":false,…}: no error
			}
			if key != "base_resp" {
				marker = true
			}
			if key == "base_resp" {
				if c := text(fieldOf(v, "status_code")); c != "" && c != "0" {
					marker = true
					e.nested(v, depth+1)
				}
				return
			}
			e.nested(v, depth+1)
		case "object", "type":
			t := text(v)
			switch {
			case t == "error": // vLLM, Mistral; Anthropic's {"type":"error","error":{…}}
				marker, e.standard = true, true
			case key == "type" && !strings.Contains(t, "/"): // not a problem+json type URL
				e.member(key, v, depth, top)
			}
		case "success", "ok":
			if string(v) == "false" {
				marker = true
			}
			fine = fine || string(v) == "true"
		case "choices", "candidates", "data", "output", "content", "result", "results":
			if !top && e.relayed(v, depth) { // {"raw":{"__kind":"OK","data":"{\"error\":…}"}}
				return
			}
			if top && key == "data" && len(v) > 0 && v[0] == '{' {
				if ev := fieldOf(v, "error"); len(ev) > 0 && ev[0] == '{' && string(ev) != "{}" {
					// a web backend's event that wraps its error one level down (z.ai's
					// {"type":"chat:completion","data":{"error":{…},"done":true}})
					marker = true
					e.nested(ev, depth+1)
					return
				}
			}
			payload = payload || (len(v) > 0 && !isNull(v) && string(v) != "[]")
		case "traceback", "stacktrace", "stack_trace", "stack", "exception":
			e.textValue(v, depth) // a crash report: the server failed, whatever the status says
			if top && (text(v) != "" || (len(v) > 0 && v[0] == '{')) {
				explicit, coded = true, true
			}
		case "text": // perplexity's {"status":"failed","error_code":…,"text":…}; an answer's text elsewhere
			if top {
				e.textValue(v, depth)
			}
		case "response": // Tencent Cloud answers 200 with {"Response":{"Error":{"Code","Message"}}}
			if len(v) > 0 && v[0] == '{' {
				e.document(v, depth+1, false)
			}
		default:
			if !e.member(key, v, depth, top) && !idKey(key) {
				others++
				if !top {
					e.relayed(v, depth) // a relayed error document under any name, one level down or more
				}
			}
			if top && key == "status" { // JSend: {"status":"error","message":…}, {"status":"fail",…}
				switch strings.ToLower(text(v)) {
				case "error", "fail", "failed", "failure":
					marker = true
				}
			}
			if top && (key == "status" || key == "code") && successWord(text(v)) {
				fine = true
			}
			if top && (key == "error_code" || key == "errorcode" || key == "code" || key == "errcode") {
				if t := text(v); t != "" && t != "0" && t != "200" && !strings.EqualFold(t, "success") && !strings.EqualFold(t, "ok") {
					coded = true
					explicit = explicit || key != "code"
				}
			}
		}
	})
	// Chinese APIs answer 200 with {"error_code":17,"error_msg":…} or {"code":1008,"msg":…}: a
	// non-zero code with a message and no answer is an error document.
	if top && coded && !payload && (explicit || e.message != "") {
		marker = true
	}
	// A body that holds nothing but a message and its status, code or ids ({"detail":"n > 1 is
	// not supported"}, {"status":429,"message":"Too many requests"}, a gateway's {"html-message":
	// "Network connection lost."}) is an error document, whatever status it came with.
	if top && !payload && !fine && others == 0 && e.message != "" && !successWord(e.message) {
		marker = true
	}
	if top {
		e.payload = payload
	} else if marker {
		e.deep = true
	}
	return marker, complete
}

// member reads one member of an error object (or of the body, when top) and reports whether it
// is one an error document has.
func (e *envelope) member(key string, v []byte, depth int, top bool) bool {
	switch key {
	case "message", "msg", "error_msg", "errormessage", "error_message", "status_msg", "detail", "title",
		"description", "error_description", "raw", "faultstring", "errmsg", "err_msg", "errormsg":
		e.textValue(v, depth)
	case "code", "error_code", "errorcode", "errcode", "err_code", "status", "status_code", "statuscode", "httpcode", "raw_status_code":
		t := text(v)
		if n, err := strconv.Atoi(t); err == nil && n >= 400 && n <= 599 && e.bodyStatus == 0 {
			e.bodyStatus = n
		}
		switch {
		case key == "status" && top && strings.Contains(t, " "): // {"status":"come back later"}
			e.textValue(v, depth)
		case key == "status":
			e.setCode(&e.status, t)
		case key == "code" || key == "error_code" || key == "errorcode" || key == "errcode" || key == "err_code" ||
			key == "status_code" || key == "statuscode":
			e.setCode(&e.code, t)
		}
	case "type", "reason", "error_name", "error_type", "errortype", "quotaid", "quotametric":
		if isString(v) {
			if key == "type" {
				e.setCode(&e.typ, text(v))
			} else {
				e.addCode(text(v))
			}
		}
	case "reasons":
		e.nested(v, depth+1)
	case "details", "innererror", "inner_error", "violations", "metadata", "extensions", "body":
		if isString(v) {
			e.textValue(v, depth)
			return true
		}
		e.nested(v, depth+1)
	case "retrydelay":
		e.addCode("retry_delay")
	case "param", "loc", "input", "flagged_input", "help", "documentation_url", "doc_url", "more_info", "hint", "suggestion":
		// echoed request fields and pointers to documentation: part of an error, never read
	default:
		if strings.HasSuffix(key, "message") || strings.HasSuffix(key, "_msg") || strings.HasSuffix(key, "-msg") {
			e.textValue(v, depth) // userMessage, html-message, display_msg: a message by any name
			return true
		}
		return false
	}
	return true
}

// idKey names a member that identifies a request or a moment, never an answer.
func idKey(k string) bool {
	switch k {
	case "id", "request_id", "requestid", "request-id", "trace_id", "traceid", "correlation_id", "user_id",
		"timestamp", "time", "path", "url", "method", "instance", "log_id", "logid", "tid":
		return true
	}
	return false
}

// successWord: a status or code that says the request succeeded.
func successWord(t string) bool {
	if t = strings.TrimSpace(t); len(t) > len("successful") {
		return false // a message, not a word: no need to lower it
	}
	switch strings.ToLower(t) {
	case "ok", "success", "succeeded", "successful", "0", "200", "completed", "done":
		return true
	}
	return false
}

func (e *envelope) setCode(dst *string, s string) {
	if s == "" {
		return
	}
	if *dst == "" {
		*dst = s
	}
	e.addCode(s)
}

// nested reads a value that holds error information: an object, an array of them (or of
// strings), or a string (an error message, perhaps a JSON document itself).
func (e *envelope) nested(v []byte, depth int) {
	if depth > maxDepth || len(v) == 0 {
		return
	}
	switch v[0] {
	case '{':
		e.document(v, depth, false)
	case '[':
		n := 0
		elements(v, func(el []byte) bool {
			if len(el) > 0 && el[0] == '"' {
				e.addCode(text(el))
			} else {
				e.nested(el, depth+1)
			}
			n++
			return n < maxItems
		})
	case '"':
		e.textValue(v, depth)
	}
}

// textValue takes a message: a string (which may hold a JSON document, whole or after a prefix
// such as "Invalid response code 403, "), an object or an array of either.
func (e *envelope) textValue(v []byte, depth int) {
	if len(v) == 0 {
		return
	}
	if v[0] != '"' {
		e.nested(v, depth+1)
		return
	}
	if e.ntexts++; e.ntexts > maxTexts {
		return // a hostile document with thousands of messages: the first ones are the real ones
	}
	s := text(v)
	if strings.TrimSpace(s) == "" {
		return
	}
	if depth < maxDepth {
		if i := strings.IndexByte(s, '{'); i >= 0 && i+1 < len(s) && (s[i+1] == '"' || isWS(s[i+1])) {
			inner := envelope{}
			marker, complete := inner.document([]byte(s[i:]), depth+1, true)
			if (marker || complete) && (inner.message != "" || inner.ncodes > 0) {
				e.absorb(&inner)
				// "Invalid status code: 400 Bad Request: {…}": the words before it state its status
				if n := statusInWords(s[max(0, i-256):i]); n != 0 && e.relayStatus == 0 {
					e.relayStatus = n
				}
				if i == 0 {
					return
				}
			}
		}
	}
	if e.message == "" {
		e.message = strings.TrimSpace(s)
	}
	e.addHay(s)
}

// absorb takes an inner document's findings: its message and codes come first, being the real
// error that the outer one only relays.
func (e *envelope) absorb(in *envelope) {
	if in.message != "" {
		e.message = in.message
	}
	for _, p := range [...]struct {
		dst *string
		v   string
	}{{&e.code, in.code}, {&e.typ, in.typ}, {&e.status, in.status}} {
		if p.v != "" {
			*p.dst = p.v
		}
	}
	if in.bodyStatus != 0 {
		e.bodyStatus, e.relayStatus = in.bodyStatus, in.bodyStatus
	}
	for _, c := range in.codes[:in.ncodes] {
		e.addCode(c)
	}
	e.addHay(in.textHay.b.String())
	e.standard = true
}

// headerCodes adds the error codes providers put in headers: AWS Bedrock's x-amzn-errortype
// ("ThrottlingException:http://internal.amazon.com/coral/…").
func (e *envelope) headerCodes(h http.Header) {
	if v := h.Get("X-Amzn-Errortype"); v != "" {
		if i := strings.IndexByte(v, ':'); i > 0 {
			v = v[:i]
		}
		e.setCode(&e.code, v)
		e.found = true
		if e.message != "" {
			e.standard = true
		}
	}
}

// lenientMessage finds "message": "…" in text that is not a well-formed document.
func lenientMessage(s string) string {
	i := strings.Index(s, `"message"`)
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(s[i+len(`"message"`):], " \t\r\n")
	if !strings.HasPrefix(rest, ":") {
		return ""
	}
	rest = strings.TrimLeft(rest[1:], " \t\r\n")
	if !strings.HasPrefix(rest, `"`) {
		return ""
	}
	if end := skipString([]byte(rest), 0); end > 0 {
		return text([]byte(rest[:end]))
	}
	return ""
}

// lowerKey lower-cases a member name (ASCII); names longer than any we read are not copied.
func lowerKey(k []byte) string {
	if len(k) > 24 {
		return ""
	}
	var buf [24]byte
	for i, c := range k {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return string(buf[:len(k)])
}

// fieldOf returns one member of the object b.
func fieldOf(b []byte, name string) []byte {
	var out []byte
	members(b, func(k, v []byte) {
		if out == nil && lowerKey(k) == name {
			out = v
		}
	})
	return out
}

func isNull(r []byte) bool { return string(r) == "null" }

// relayed reads a string member that is itself an error document ("{\"error\":{…}}") and
// reports whether it was one; any other string (a tool call's JSON, say) is left alone.
func (e *envelope) relayed(v []byte, depth int) bool {
	if len(v) < 3 || v[0] != '"' || v[1] != '{' || depth >= maxDepth {
		return false
	}
	if e.nrelayed++; e.nrelayed > maxRelayed {
		return false // a relay wraps once or twice: a document with dozens of JSON strings is not a relay's
	}
	inner := envelope{}
	if marker, _ := inner.document(unquoteBytes(v), depth+1, true); !marker || (inner.message == "" && inner.ncodes == 0) {
		return false
	}
	e.absorb(&inner)
	return true
}
func isString(r []byte) bool { return len(r) > 0 && r[0] == '"' }

// text renders a JSON scalar as text: strings unquoted (the first strCap bytes of a long one),
// numbers as written, null and anything else as "".
func text(r []byte) string {
	if len(r) == 0 || string(r) == "null" {
		return ""
	}
	if r[0] == '"' {
		return unquote(r)
	}
	if r[0] == '{' || r[0] == '[' {
		return ""
	}
	if _, err := strconv.ParseFloat(string(r), 64); err == nil {
		return string(r)
	}
	return ""
}

func bound(s string) string {
	if len(s) <= MaxMessage {
		return s
	}
	cut := MaxMessage
	for cut > 0 && (s[cut]&0xC0) == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}

// statusInWords reads an upstream's status that a relay's message names in words — "upstream
// error: HTTP Error 400: Bad Request" (Python's urllib), "Request failed with status code 404" —
// or 0. Only 4xx and 5xx count.
func statusInWords(s string) int {
	s = s[:min(len(s), 256)] // a relay says it up front
	for _, w := range [...]string{"http error ", "status code ", "status code: ", "http status "} {
		i := indexFold(s, w)
		if i < 0 || len(s) < i+len(w)+3 {
			continue
		}
		d := s[i+len(w) : i+len(w)+3]
		if n, err := strconv.Atoi(d); err == nil && n >= 400 && n <= 599 && (len(s) == i+len(w)+3 || !isDigit(s[i+len(w)+3])) {
			return n
		}
	}
	return 0
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
