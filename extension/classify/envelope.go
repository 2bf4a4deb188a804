package classify

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// MaxMessage bounds provider text carried into results: enough for any real error message,
// small enough to keep logs, tags and reports readable.
const MaxMessage = 512

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

// parseEnvelope extracts error information from a JSON body. Non-JSON bodies give found=false.
// Only the top-level members a rule needs are decoded (see members), so big bodies stay cheap.
func parseEnvelope(body []byte) envelope {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return envelope{}
	}
	if b[0] == '[' { // Gemini streaming endpoints: [{"error":{…}}]
		if b = firstElement(b); len(b) == 0 {
			return envelope{}
		}
	}
	var errV, detail, object, message, typ, code, status json.RawMessage
	ok := members(b, func(k, v []byte) {
		switch string(k) {
		case "error":
			errV = v
		case "detail":
			detail = v
		case "object":
			object = v
		case "message":
			message = v
		case "type":
			typ = v
		case "code":
			code = v
		case "status":
			status = v
		}
	})
	if !ok {
		return envelope{}
	}
	var e envelope
	switch {
	case isObject(errV):
		var o wireErrObj
		if json.Unmarshal(errV, &o) != nil {
			return envelope{}
		}
		e = fromObj(o)
		e.found = true
		e.standard = e.message != "" && (e.typ != "" || e.code != "")
		if text(typ) == "error" { // Anthropic: {"type":"error","error":{"type":"overloaded_error",…}}
			e.standard = true
		}
		e.unwrapNested()
	case isString(errV): // Ollama native, non-standard 429s: {"error":"slow down"}
		e = envelope{found: true, message: text(errV)}
	case text(object) == "error": // vLLM before mid-2025: top-level fields
		e = envelope{found: true, standard: true, message: text(message), typ: text(typ), code: text(code)}
	case len(detail) > 0: // ChatGPT backend: {"detail":"…"} or {"detail":{"message","code"}}
		e.found = true
		if isObject(detail) {
			var o wireErrObj
			_ = json.Unmarshal(detail, &o)
			e.message, e.code = text(o.Message), text(o.Code)
		} else {
			e.message = text(detail)
		}
	case isString(status) && text(object) != "response": // {"status":"come back later"}; a Responses object has a status too
		e = envelope{found: true, message: text(status)}
	}
	e.message = bound(e.message)
	return e
}

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
	if len(s) <= MaxMessage {
		return s
	}
	cut := MaxMessage
	for cut > 0 && (s[cut]&0xC0) == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}
