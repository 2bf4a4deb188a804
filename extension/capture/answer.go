package capture

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/stream"
)

// Build makes the Outcome of one captured response — status, headers and body — in the dialect
// of provider ("" to recognise it from the body). A 2xx body is read, up to AnswerCap, as the
// answer it should be: an event stream (chat chunks, Responses events, Anthropic Messages events,
// Gemini chunks) or a whole answer (chat completion, Responses object, Anthropic message, Gemini
// generateContent), so the classifier sees answer bytes, the finish reason and any error record.
// The Outcome's Body, which the rules read, is then cut at BodyCap.
func Build(status int, h http.Header, body []byte, provider string) classify.Outcome {
	if h == nil {
		h = http.Header{}
	}
	ok := status >= 200 && status < 300
	limit := BodyCap
	if ok {
		limit = AnswerCap
	}
	cut := len(body) > limit
	if cut {
		body = body[:limit]
	}
	o := classify.Outcome{Provider: provider, Status: status, Header: h, Body: body, ExpectAnswer: true}
	if !ok {
		return o
	}
	readAnswer(&o, h, provider)
	if cut && (o.Stream == nil || !o.Stream.Terminal) {
		// the reader cut it, not the server: its end was never read
		o.Err, o.Stage = errCaptureCut, classify.StageBody
	}
	if len(o.Body) > BodyCap {
		o.Body = o.Body[:BodyCap]
	}
	return o
}

// errCaptureCut says a 2xx capture was longer than the reader reads.
var errCaptureCut = errors.New("capture longer than the reader reads (16 MiB, 65,536 events): its end was not read")

func readAnswer(o *classify.Outcome, h http.Header, provider string) {
	ct, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	switch {
	case ct == "text/event-stream" || (ct == "" && looksLikeSSE(o.Body)):
		scanStream(o, provider)
	case ct == "application/x-ndjson" || ct == "application/jsonl":
		scanNDJSON(o)
	case ct == "application/vnd.amazon.eventstream":
		eventStreamException(o)
	default:
		wholeAnswer(o)
	}
}

// eventStreamException reads a Bedrock response stream (InvokeModelWithResponseStream) as
// clients print it: its frames are binary, and what a capture shows is a frame's JSON payload.
// An answer's frames carry {"bytes": …}; an exception frame (serviceUnavailableException,
// validationException … after the 200) carries only {"message": …}: the stream's error record.
// Anything else is judged as a whole body.
func eventStreamException(o *classify.Outcome) {
	b := firstValue(bytes.TrimSpace(o.Body))
	var frame struct {
		Message *string         `json:"message"`
		Bytes   json.RawMessage `json:"bytes"`
	}
	if len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &frame) != nil || frame.Message == nil || frame.Bytes != nil {
		wholeAnswer(o)
		return
	}
	o.Stream = &classify.StreamFacts{ErrorEvent: bytes.Clone(b)}
}

func looksLikeSSE(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return bytes.HasPrefix(b, []byte("data:")) || bytes.HasPrefix(b, []byte("event:"))
}

// shape is what a 2xx JSON document looks like at its top level.
type shape struct {
	Object         string          `json:"object"`
	Type           string          `json:"type"`
	Choices        json.RawMessage `json:"choices"`
	Candidates     json.RawMessage `json:"candidates"`
	PromptFeedback json.RawMessage `json:"promptFeedback"`
	// Ollama's native answers: /api/chat {"message":{"content"},"done"}, /api/generate {"response","done"}
	Message  json.RawMessage `json:"message"`
	Response *string         `json:"response"`
	Done     *bool           `json:"done"`
	// Anthropic Messages (a relay may drop "type"); Bedrock Converse {"output":{"message"},"stopReason"}
	StopReason   string          `json:"stop_reason"`
	ConverseStop string          `json:"stopReason"`
	Output       json.RawMessage `json:"output"`
	// a server's native /generate (LMDeploy {"text","tokens","finish_reason"}, Cohere v1 chat
	// {"text","finish_reason"}): the answer is the top-level text. A null finish_reason is kept.
	// Raw, as other documents hold an object there (the Responses API's text format).
	Text      json.RawMessage `json:"text"`
	Finish    json.RawMessage `json:"finish_reason"`
	ToolCalls json.RawMessage `json:"tool_calls"` // Cohere v1: a tool call is an answer
}

// nativeGenerate reads a top-level text answer and its finish reason (null reads as none); ok
// is false when the text is not a string.
func nativeGenerate(s shape) (stream.Summary, bool) {
	var text, finish string
	if len(s.Text) == 0 || s.Text[0] != '"' || json.Unmarshal(s.Text, &text) != nil {
		return stream.Summary{}, false
	}
	_ = json.Unmarshal(s.Finish, &finish) // null, a number or an object leave it empty
	sum := stream.Summary{Terminal: true, Content: len(text), FinishReason: cohereFinish(finish)}
	if len(text) <= stream.MaxText {
		sum.Text = text // for Settle: whitespace, an inline chain of thought
	}
	if called(s.ToolCalls) {
		sum.Content++
	}
	return sum, true
}

func (s shape) gemini() bool { return s.Candidates != nil || s.PromptFeedback != nil }

// firstValue returns the first JSON value of b: an answer followed by anything else (a client's
// wrapper pasted after it, a second document) is still that answer. A b that does not start
// with a whole value is returned as it is.
func firstValue(b []byte) []byte {
	var v json.RawMessage
	if len(b) == 0 || b[0] != '{' || json.NewDecoder(bytes.NewReader(b)).Decode(&v) != nil {
		return b
	}
	return v
}

func shapeOf(b []byte) (shape, bool) {
	var s shape
	if len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &s) != nil {
		return shape{}, false
	}
	return s, true
}

// wholeAnswer reads a non-streamed 2xx body. Only answers must carry content: a model list, a
// page or anything else is judged by its status (and by the classifier's look for an error
// document in it).
func wholeAnswer(o *classify.Outcome) {
	o.ExpectAnswer = false
	b := bytes.TrimSpace(o.Body)
	if len(b) > 0 && b[0] == '[' { // Gemini streamGenerateContent without alt=sse: an array of chunks
		var chunks []json.RawMessage
		if json.Unmarshal(b, &chunks) == nil && len(chunks) > 0 {
			if s, ok := shapeOf(chunks[0]); ok && s.gemini() {
				var g geminiStream
				for _, c := range chunks {
					_, _ = g.Add(stream.Event{Data: c})
				}
				o.ExpectAnswer, o.Content, o.FinishReason = true, g.Content, g.FinishReason
				if len(g.ErrorEvent) > 0 {
					o.Stream = &classify.StreamFacts{Terminal: g.Terminal, ErrorEvent: g.ErrorEvent}
				}
			}
		}
		return
	}
	b = firstValue(b)
	s, ok := shapeOf(b)
	if !ok {
		return
	}
	var sum stream.Summary
	var err error
	switch {
	case s.gemini():
		var g geminiStream
		_, err = g.Add(stream.Event{Data: b})
		sum = g.Summary
	case s.Object == "response":
		sum, err = stream.ParseResponse(b, false)
	case s.Type == "message" || (s.Type == "" && s.StopReason != ""):
		sum, err = stream.ParseMessage(b, false)
	case s.ConverseStop != "" && len(s.Output) > 0 && s.Output[0] == '{':
		sum, err = converse(s)
	case s.Choices != nil:
		var c stream.ChatChunk
		c, err = stream.ParseChatChunk(b, len(b) <= 64<<10) // the text only for Settle, of an answer it can read whole
		sum = stream.WholeChat(c)
	case s.Object == "chat.completion": // a completion object with no choices at all answered nothing
		sum = stream.Summary{Terminal: true}
	case s.Done != nil && (s.Response != nil || len(s.Message) > 0):
		var l ndLine
		if l, ok = readNDLine(b); !ok {
			return
		}
		sum = stream.Summary{Terminal: l.done, Content: l.content, FinishReason: l.finish}
	case s.Text != nil && s.Finish != nil:
		if sum, ok = nativeGenerate(s); !ok {
			return
		}
	default:
		return
	}
	if err != nil {
		return
	}
	sum.Settle()
	o.ExpectAnswer, o.Content, o.FinishReason, o.Reasoning = true, sum.Content, sum.FinishReason, sum.Thought()
	if len(sum.ErrorEvent) > 0 { // a failed Responses object: classify it as the error it carries
		o.Stream = &classify.StreamFacts{Terminal: sum.Terminal, ErrorEvent: sum.ErrorEvent}
	}
}

// converse reads a Bedrock Converse answer: text parts of output.message.content, and the stop
// reason in OpenAI's words (content_filtered and guardrail_intervened: the content filter).
func converse(s shape) (stream.Summary, error) {
	var out struct {
		Message struct {
			Content []struct {
				Text    string          `json:"text"`
				ToolUse json.RawMessage `json:"toolUse"`
			} `json:"content"`
		} `json:"message"`
	}
	if err := json.Unmarshal(s.Output, &out); err != nil {
		return stream.Summary{}, err
	}
	sum := stream.Summary{Terminal: true}
	for _, c := range out.Message.Content {
		sum.Content += len(c.Text)
		if len(c.ToolUse) > 0 && string(c.ToolUse) != "null" {
			sum.Content++ // a tool call is an answer
		}
	}
	switch s.ConverseStop {
	case "end_turn", "stop_sequence":
		sum.FinishReason = "stop"
	case "max_tokens":
		sum.FinishReason = "length"
	case "tool_use":
		sum.FinishReason = "tool_calls"
	case "content_filtered", "guardrail_intervened":
		sum.FinishReason = "content_filter"
	default:
		sum.FinishReason = s.ConverseStop
	}
	return sum, nil
}

// geminiStream reads Gemini's native generateContent chunks (the probe speaks Gemini's
// OpenAI-compatible dialect; captures from Google's own clients speak this one): answer text in
// candidates[].content.parts[].text, a finish reason per candidate, promptFeedback.blockReason
// when the prompt itself was refused, and {"error":{…}} records.
type geminiStream struct{ stream.Summary }

type wireGeminiChunk struct {
	Candidates []struct {
		Content *struct {
			Parts []struct {
				Text    string `json:"text"`
				Thought bool   `json:"thought"`
				// a function call, code or inline data in place of text is an answer too
				FunctionCall   json.RawMessage `json:"functionCall"`
				ExecutableCode json.RawMessage `json:"executableCode"`
				InlineData     json.RawMessage `json:"inlineData"`
			} `json:"parts"`
		} `json:"content"`
		FinishReason string `json:"finishReason"`
	} `json:"candidates"`
	PromptFeedback *struct {
		BlockReason string `json:"blockReason"`
	} `json:"promptFeedback"`
	Error json.RawMessage `json:"error"`
}

// Add folds one chunk in.
func (g *geminiStream) Add(ev stream.Event) (stream.Step, error) {
	var w wireGeminiChunk
	if err := json.Unmarshal(ev.Data, &w); err != nil {
		return stream.Step{Done: true}, err
	}
	if len(w.Error) > 0 && string(w.Error) != "null" {
		g.ErrorEvent = bytes.Clone(ev.Data)
		return stream.Step{Done: true}, nil
	}
	if pf := w.PromptFeedback; pf != nil && pf.BlockReason != "" && pf.BlockReason != "BLOCK_REASON_UNSPECIFIED" {
		g.FinishReason, g.Terminal = "content_filter", true
		return stream.Step{Done: true}, nil
	}
	step := stream.Step{}
	for i, c := range w.Candidates {
		if c.Content != nil {
			for _, p := range c.Content.Parts {
				if p.Text != "" {
					step.Token = true
					if !p.Thought {
						g.Content += len(p.Text)
						step.Answer = true
					}
				}
				if present(p.FunctionCall) || present(p.ExecutableCode) || present(p.InlineData) {
					g.Content++
					step.Token, step.Answer = true, true
				}
			}
		}
		if i == 0 && c.FinishReason != "" {
			g.FinishReason, g.Terminal = geminiFinish(c.FinishReason), true
		}
	}
	if step.Token {
		g.Tokens++
	}
	return step, nil
}

// present: a JSON value that is there and not null.
func present(v json.RawMessage) bool { return len(v) > 0 && string(v) != "null" }

// called: a tool_calls member that holds a call (a tool call is an answer).
func called(v json.RawMessage) bool { return present(v) && string(v) != "[]" }

// geminiFinish maps Gemini's finish reasons to OpenAI's words, where OpenAI has one.
func geminiFinish(r string) string {
	switch r {
	case "STOP":
		return "stop"
	case "MAX_TOKENS":
		return "length"
	case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
		"IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION":
		return "content_filter"
	case "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL":
		return "tool_calls"
	}
	return strings.ToLower(r) // the classifier reads the rest (MODEL_ARMOR is a filter: classify.filterFinish)
}

// ndLine is one line of Ollama's native answer or NDJSON stream (/api/chat, /api/generate).
type ndLine struct {
	content int
	finish  string
	done    bool
	err     bool
}

func readNDLine(b []byte) (ndLine, bool) {
	var w struct {
		Message *struct {
			Content   string          `json:"content"`
			ToolCalls json.RawMessage `json:"tool_calls"`
		} `json:"message"`
		Response   string          `json:"response"`
		Done       bool            `json:"done"`
		DoneReason string          `json:"done_reason"`
		Error      json.RawMessage `json:"error"`
	}
	if json.Unmarshal(b, &w) != nil {
		return ndLine{}, false
	}
	l := ndLine{content: len(w.Response), done: w.Done, finish: w.DoneReason,
		err: len(w.Error) > 0 && string(w.Error) != "null" && string(w.Error) != `""`}
	if m := w.Message; m != nil {
		l.content += len(m.Content)
		if called(m.ToolCalls) {
			l.content++ // a tool call is an answer
		}
	}
	return l, true
}

// scanNDJSON reads a newline-delimited JSON stream (Ollama's native streaming): answer text per
// line, the line with "done": true as the terminal marker, and a line {"error": …} as the
// stream's error record. A line that is not JSON makes the stream malformed, unless it is the
// last one of a capture that ends inside it: then the stream was cut off.
func scanNDJSON(o *classify.Outcome) {
	o.ExpectAnswer = true
	f := &classify.StreamFacts{}
	o.Stream = f
	lines := bytes.Split(o.Body, []byte("\n"))
	for i, line := range lines[:min(len(lines), maxEvents)] {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		l, ok := readNDLine(line)
		switch {
		case !ok && i == len(lines)-1:
			o.Err, o.Stage = io.ErrUnexpectedEOF, classify.StageBody
			return
		case !ok:
			o.Err, o.Stage, o.Malformed = errors.New("ndjson: a line is not JSON"), classify.StageBody, true
			return
		case l.err:
			f.ErrorEvent = bytes.Clone(line)
			return
		}
		o.Content += l.content
		if l.finish != "" {
			o.FinishReason = l.finish
		}
		f.Terminal = f.Terminal || l.done
	}
}
