package stream

import (
	"bytes"
	"unicode/utf8"
)

// strField is a string member as encoding/json would store it in a *string: absent, null
// (set, nil) or a string's raw contents.
type strField struct {
	set, null, escaped bool
	raw                []byte
}

func (f strField) present() bool { return f.set && !f.null }

// text is the decoded string.
func (f strField) text() string {
	if !f.escaped && utf8.Valid(f.raw) {
		return string(f.raw)
	}
	return unescape(f.raw)
}

// equals reports whether the decoded string is s, without allocating in the common case.
func (f strField) equals(s string) bool {
	if !f.escaped && utf8.Valid(f.raw) {
		return string(f.raw) == s
	}
	return unescape(f.raw) == s
}

// read stores the next value, which must be a string or null.
func (f *strField) read(s *scanner) error {
	*f = strField{set: true}
	if s.null() {
		f.null = true
		return nil
	}
	raw, esc, err := s.str()
	f.raw, f.escaped = raw, esc
	return err
}

// chunkView is what one record says, pointing into its bytes.
type chunkView struct {
	model        strField
	content      int
	reasoning    int
	refusal      int
	finishReason strField
	usage        *Usage
	errRaw       []byte
	errDoc       bool   // "object":"error" (vLLM, SGLang streaming an error record): the record is an error document
	text         []byte // answer text, only when kept
}

// messageView is a choice's delta or message: answer, reasoning and refusal text (structured
// outputs send a refusal in place of the answer).
// A tool call (tool_calls, the older function_call), audio or images are an answer too: a model
// that calls a tool or speaks instead of writing text has answered.
//
// content may also be a list of parts (Mistral's Magistral streams [{"type":"thinking",…}] and
// [{"type":"text","text":…}]; testdata/realworld/heldout5): text parts are answer, thinking
// parts reasoning, any other part (an image, audio) an answer.
type messageView struct {
	content, reasoningContent, reasoning, refusal strField
	tool                                          bool
	list                                          bool       // content was a list (of parts)
	partText                                      []strField // text parts of a content list
	partOther, partThought                        int        // other parts; bytes of thinking parts
}

// hasContent: the message carried content, a string or a list of parts.
func (m *messageView) hasContent() bool { return m.content.present() || m.list }

type choiceView struct {
	delta, message messageView
	finishReason   strField
	// text: the legacy completions API's answer (object "text_completion"), choices[].text. It
	// counts only in a choice whose delta and message carry no content: Together's chat chunks
	// repeat each token as "text" beside delta.content.
	text strField
}

// parseChunk reads one chat-completions record into v. keepText appends the answer text.
func parseChunk(data []byte, keepText bool, v *chunkView) error {
	s := &scanner{b: data}
	*v = chunkView{}
	if s.null() {
		return s.end()
	}
	if s.peek() != '{' {
		return errSyntax
	}
	err := s.object(func(key string, raw []byte) error {
		switch {
		case is(key, raw, "model"):
			return v.model.read(s)
		case is(key, raw, "id"):
			var f strField
			return f.read(s)
		case is(key, raw, "choices"):
			return v.choices(s, keepText)
		case is(key, raw, "usage"):
			return v.readUsage(s)
		case is(key, raw, "object"), is(key, raw, "type"):
			s.ws()
			start := s.i
			if err := s.skip(); err != nil {
				return err
			}
			v.errDoc = v.errDoc || bytes.Equal(s.b[start:s.i], []byte(`"error"`))
			return nil
		case is(key, raw, "error"):
			start := s.i
			if err := s.skip(); err != nil {
				return err
			}
			v.errRaw = bytes.TrimSpace(s.b[start:s.i])
			if bytes.Equal(v.errRaw, []byte("null")) {
				v.errRaw = nil
			}
			return nil
		}
		return s.skip()
	})
	if err != nil {
		return err
	}
	return s.end()
}

func (s *scanner) end() error {
	s.ws()
	if s.i != len(s.b) {
		return errSyntax
	}
	return nil
}

func (v *chunkView) choices(s *scanner, keepText bool) error {
	v.content, v.reasoning, v.refusal, v.finishReason, v.text = 0, 0, 0, strField{}, v.text[:0]
	if s.null() {
		return nil
	}
	if s.peek() != '[' {
		return errSyntax
	}
	return s.array(func() error {
		var c choiceView
		if s.null() {
			return nil
		}
		if s.peek() != '{' {
			return errSyntax
		}
		err := s.object(func(key string, raw []byte) error {
			switch {
			case is(key, raw, "delta"):
				return readMessage(s, &c.delta, true)
			case is(key, raw, "message"):
				return readMessage(s, &c.message, false)
			case is(key, raw, "finish_reason"):
				return c.finishReason.read(s)
			case is(key, raw, "text"):
				if s.peek() != '"' { // only a string is an answer's text; a repeated key replaces it
					c.text = strField{}
					return s.skip()
				}
				return c.text.read(s)
			}
			return s.skip()
		})
		if err != nil {
			return err
		}
		if c.delta.hasContent() || c.message.hasContent() {
			c.text = strField{}
		}
		for _, f := range []strField{c.delta.content, c.message.content, c.text} {
			if f.present() {
				v.content += decodedLen(f.raw, f.escaped)
				if keepText {
					v.text = appendText(v.text, f)
				}
			}
		}
		for _, m := range []*messageView{&c.delta, &c.message} {
			for _, f := range m.partText {
				v.content += decodedLen(f.raw, f.escaped)
				if keepText {
					v.text = appendText(v.text, f)
				}
			}
			v.content += m.partOther
			v.reasoning += m.partThought
		}
		if c.delta.tool || c.message.tool {
			v.content++ // a tool call is the answer
		}
		for _, f := range []strField{c.delta.reasoningContent, c.delta.reasoning, c.message.reasoningContent} {
			if f.present() {
				v.reasoning += decodedLen(f.raw, f.escaped)
			}
		}
		for _, f := range []strField{c.delta.refusal, c.message.refusal} {
			if f.present() {
				v.refusal += decodedLen(f.raw, f.escaped)
			}
		}
		if c.finishReason.present() && len(c.finishReason.raw) > 0 {
			v.finishReason = c.finishReason
		}
		return nil
	})
}

// readMessage reads a delta or message object (null leaves it as it was, as encoding/json does).
func readMessage(s *scanner, m *messageView, delta bool) error {
	if s.null() {
		return nil
	}
	if s.peek() != '{' {
		return errSyntax
	}
	return s.object(func(key string, raw []byte) error {
		switch {
		case is(key, raw, "content"): // a repeated key replaces the earlier value, as in encoding/json
			m.content, m.partText, m.partOther, m.partThought, m.list = strField{}, m.partText[:0], 0, 0, false
			if s.peek() == '[' {
				m.list = true
				return readParts(s, m)
			}
			return m.content.read(s)
		case is(key, raw, "reasoning_content"):
			return m.reasoningContent.read(s)
		case delta && is(key, raw, "reasoning"):
			return m.reasoning.read(s)
		case is(key, raw, "refusal"):
			return m.refusal.read(s)
		case is(key, raw, "tool_calls"), is(key, raw, "function_call"), is(key, raw, "audio"), is(key, raw, "images"):
			s.ws()
			start := s.i
			if err := s.skip(); err != nil {
				return err
			}
			v := bytes.TrimSpace(s.b[start:s.i])
			m.tool = m.tool || (len(v) > 2 && !bytes.Equal(v, []byte("null")))
			return nil
		}
		return s.skip()
	})
}

// readUsage reads a usage value as Usage.UnmarshalJSON does: bounded counts, members that are
// not numbers ignored, and a usage that is not an object skipped rather than failing the record.
func (v *chunkView) readUsage(s *scanner) error {
	if s.null() {
		v.usage = nil
		return nil
	}
	if v.usage == nil {
		v.usage = &Usage{}
	}
	if s.peek() != '{' {
		return s.skip()
	}
	u := v.usage
	return s.object(func(key string, raw []byte) error {
		switch {
		case is(key, raw, "prompt_tokens"):
			return s.count(&u.Input)
		case is(key, raw, "completion_tokens"):
			return s.count(&u.Output)
		case is(key, raw, "completion_tokens_details"):
			if s.peek() != '{' { // null, or not a breakdown: as details.UnmarshalJSON, ignored
				return s.skip()
			}
			return s.object(func(key string, raw []byte) error {
				if is(key, raw, "reasoning_tokens") {
					return s.count(&u.Reasoning)
				}
				return s.skip()
			})
		}
		return s.skip()
	})
}

// count reads the next value into dst when it is a number (a bounded usage count); any other
// value is skipped and leaves dst as it was.
func (s *scanner) count(dst *int) error {
	s.ws()
	start := s.i
	if err := s.skip(); err != nil {
		return err
	}
	if n, ok := tokens(s.b[start:s.i]); ok {
		*dst = n
	}
	return nil
}

func appendText(dst []byte, f strField) []byte {
	if !f.escaped && utf8.Valid(f.raw) {
		return append(dst, f.raw...)
	}
	return append(dst, unescape(f.raw)...)
}

// readParts reads a content list: [{"type":"text","text":"…"}, {"type":"thinking","thinking":…}, …].
func readParts(s *scanner, m *messageView) error {
	return s.array(func() error {
		if s.peek() != '{' {
			return s.skip()
		}
		var typ, text strField
		thought := 0
		err := s.object(func(key string, raw []byte) error {
			switch {
			case is(key, raw, "type"):
				return typ.read(s)
			case is(key, raw, "text"):
				return text.read(s)
			case is(key, raw, "thinking"):
				s.ws()
				start := s.i
				err := s.skip()
				thought = s.i - start
				return err
			}
			return s.skip()
		})
		if err != nil {
			return err
		}
		switch {
		case thought > 0 || typ.equals("thinking"):
			m.partThought += max(thought, 1)
		case text.present():
			m.partText = append(m.partText, text)
		default:
			m.partOther++
		}
		return nil
	})
}
