package classify

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// maxMessage bounds provider text carried into results: enough for any real error message,
// small enough to keep logs, tags and reports readable.
const maxMessage = 512

// envelope is the error information found in a body, whatever its dialect.
type envelope struct {
	found    bool   // an error-shaped value was found
	standard bool   // {"error":{"message":…,"type":…}} as OpenAI (and llama.cpp, vLLM, Azure) send it
	code     string // string or numeric code, as text
	typ      string // OpenAI/Anthropic error type
	status   string // Gemini status (RESOURCE_EXHAUSTED …)
	reason   string // Gemini details[].reason
	inner    string // Azure innererror.code
	message  string
}

type wireErrObj struct {
	Message json.RawMessage `json:"message"`
	Type    json.RawMessage `json:"type"`
	Code    json.RawMessage `json:"code"`
	Status  json.RawMessage `json:"status"`
	Details []struct {
		Reason string `json:"reason"`
	} `json:"details"`
	Innererror struct {
		Code string `json:"code"`
	} `json:"innererror"`
}

type wireBody struct {
	wireErrObj
	Error  json.RawMessage `json:"error"`
	Detail json.RawMessage `json:"detail"`
	Object string          `json:"object"`
}

// parseEnvelope extracts error information from a JSON body. Non-JSON bodies give found=false.
func parseEnvelope(body []byte) envelope {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return envelope{}
	}
	if b[0] == '[' { // Gemini streaming endpoints: [{"error":{…}}]
		var arr []json.RawMessage
		if json.Unmarshal(b, &arr) != nil || len(arr) == 0 {
			return envelope{}
		}
		b = arr[0]
	}
	if b[0] != '{' {
		return envelope{}
	}
	var w wireBody
	if json.Unmarshal(b, &w) != nil {
		return envelope{}
	}
	var e envelope
	switch {
	case isObject(w.Error):
		var o wireErrObj
		if json.Unmarshal(w.Error, &o) != nil {
			return envelope{}
		}
		e = fromObj(o)
		e.found = true
		e.standard = e.message != "" && (e.typ != "" || e.code != "")
		if w.typeText() == "error" { // Anthropic: {"type":"error","error":{"type":"overloaded_error",…}}
			e.standard = true
		}
		e.unwrapNested()
	case isString(w.Error): // Ollama native, non-standard 429s: {"error":"slow down"}
		e = envelope{found: true, message: text(w.Error)}
	case w.Object == "error": // vLLM before mid-2025: top-level fields
		e = fromObj(w.wireErrObj)
		e.found, e.standard = true, true
	case len(w.Detail) > 0: // ChatGPT backend: {"detail":"…"} or {"detail":{"message","code"}}
		e.found = true
		if isObject(w.Detail) {
			var o wireErrObj
			_ = json.Unmarshal(w.Detail, &o)
			e.message, e.code = text(o.Message), text(o.Code)
		} else {
			e.message = text(w.Detail)
		}
	case isString(w.Status): // {"status":"come back later"}
		e = envelope{found: true, message: text(w.Status)}
	}
	e.message = bound(e.message)
	return e
}

func (w *wireBody) typeText() string { return text(w.Type) }

func fromObj(o wireErrObj) envelope {
	e := envelope{message: text(o.Message), typ: text(o.Type), code: text(o.Code), inner: o.Innererror.Code}
	if isString(o.Status) {
		e.status = text(o.Status)
	}
	for _, d := range o.Details {
		if d.Reason != "" {
			e.reason = d.Reason
			break
		}
	}
	return e
}

// unwrapNested handles Gemini's OpenAI-compatible endpoint, which stringifies its native error
// inside "message": {"error":{"message":"{\n \"error\": {…}}","code":429,"status":"Too Many Requests"}}.
func (e *envelope) unwrapNested() {
	m := strings.TrimSpace(e.message)
	if !strings.HasPrefix(m, "{") && !strings.HasPrefix(m, "[") {
		return
	}
	inner := parseEnvelope([]byte(m))
	if !inner.found {
		return
	}
	inner.standard = true
	*e = inner
}

func isObject(r json.RawMessage) bool { return len(r) > 0 && r[0] == '{' }
func isString(r json.RawMessage) bool { return len(r) > 0 && r[0] == '"' }

// text renders a JSON scalar as text: strings unquoted, numbers as written, null as "".
func text(r json.RawMessage) string {
	if len(r) == 0 || string(r) == "null" {
		return ""
	}
	if r[0] == '"' {
		var s string
		if json.Unmarshal(r, &s) == nil {
			return s
		}
		return ""
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
	if len(s) <= maxMessage {
		return s
	}
	cut := maxMessage
	for cut > 0 && (s[cut]&0xC0) == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}
