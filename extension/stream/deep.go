package stream

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// Servers may send JSON that is valid but deeper than encoding/json's 10,000 levels, or usage
// numbers no model ever produced. Neither is a reason to call a complete answer malformed: no
// member a probe reads lies deep, and a usage count is bounded rather than believed.

// MaxTokens bounds a usage count a server reports: more than any context window holds, small
// enough that sums and rates of them stay exact.
const MaxTokens = 1_000_000_000

// prunedDepth is how deep a document read by Unmarshal keeps its values when it is deeper than
// encoding/json allows; the deepest member a probe reads is a few levels down.
const prunedDepth = 64

// skip reads and discards any value.
func (s *scanner) skip() error {
	switch s.peek() {
	case '{', '[':
		return s.skipNested()
	case '"':
		_, _, err := s.str()
		return err
	case 't':
		if s.literal("true") {
			return nil
		}
	case 'f':
		if s.literal("false") {
			return nil
		}
	case 'n':
		if s.literal("null") {
			return nil
		}
	default:
		_, err := s.number()
		return err
	}
	return errSyntax
}

// skipNested reads and discards an object or array. It keeps a stack of the brackets it is
// inside (one byte each, on the goroutine stack for the usual shallow values) rather than
// recursing, so valid JSON of any depth is read in bounded time and stack.
func (s *scanner) skipNested() error {
	var small [64]byte
	stack := small[:0]
	for {
		if c := s.peek(); c == '{' || c == '[' {
			s.i++
			end := byte('}')
			if c == '[' {
				end = ']'
			}
			if s.peek() != end {
				stack = append(stack, end)
				if end == '}' {
					if err := s.key(); err != nil {
						return err
					}
				}
				continue
			}
			s.i++ // an empty container is a whole value
		} else if err := s.skip(); err != nil { // a scalar
			return err
		}
		for { // after a value: close what ends here, then on to the next member or element
			if len(stack) == 0 {
				return nil
			}
			end := stack[len(stack)-1]
			c := s.peek()
			if c == end {
				s.i++
				stack = stack[:len(stack)-1]
				continue
			}
			if c != ',' {
				return errSyntax
			}
			s.i++
			if end == '}' {
				if err := s.key(); err != nil {
					return err
				}
			}
			break
		}
	}
}

// key reads an object member's name and its colon.
func (s *scanner) key() error {
	if _, _, err := s.str(); err != nil {
		return err
	}
	return s.expect(':')
}

// Unmarshal is json.Unmarshal for documents from servers: one valid but nested deeper than
// encoding/json accepts is read with every value below prunedDepth levels as null.
func Unmarshal(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	var se *json.SyntaxError
	if err == nil || !errors.As(err, &se) || !strings.Contains(se.Error(), "exceeded max depth") {
		return err
	}
	s := scanner{b: data}
	if s.skip() != nil || s.end() != nil {
		return err // not valid JSON at any depth
	}
	return json.Unmarshal(prune(data, prunedDepth), v)
}

// prune copies a valid JSON document with every container nested deeper than limit replaced by
// null.
func prune(data []byte, limit int) []byte {
	out := make([]byte, 0, min(len(data), 64<<10))
	depth, cut := 0, 0 // cut: the depth of the container being dropped, 0 for none
	inStr, esc := false, false
	for _, c := range data {
		keep := cut == 0
		switch {
		case inStr:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			if depth++; keep && depth > limit {
				cut, keep = depth, false
				out = append(out, "null"...)
			}
		case c == '}' || c == ']':
			if depth == cut {
				cut = 0
			}
			depth--
		}
		if keep {
			out = append(out, c)
		}
	}
	return out
}

// count is a usage number as read from a server: any JSON number, bounded to [0, MaxTokens]
// (fractions cut off); null, strings and other values leave it as it was, as null leaves an
// int with encoding/json.
type count int

// UnmarshalJSON implements json.Unmarshaler.
func (n *count) UnmarshalJSON(b []byte) error {
	if v, ok := tokens(b); ok {
		*n = count(v)
	}
	return nil
}

// tokens reads a JSON number as a bounded usage count; ok is false for anything else.
func tokens(num []byte) (int, bool) {
	s := scanner{b: num}
	if _, err := s.number(); err != nil || s.end() != nil {
		return 0, false
	}
	f, _ := strconv.ParseFloat(strings.TrimSpace(string(num)), 64) // ±Inf past float64's range
	switch {
	case f >= MaxTokens:
		return MaxTokens, true
	case f > 0:
		return int(f), true
	}
	return 0, true
}

// wireUsage is the chat-completions usage object on the wire.
type wireUsage struct {
	Input   count   `json:"prompt_tokens"`
	Output  count   `json:"completion_tokens"`
	Details details `json:"completion_tokens_details"`
}

// UnmarshalJSON reads a usage object leniently: bounded numbers, and a usage that is not an
// object at all is ignored rather than failing the record around it.
func (u *Usage) UnmarshalJSON(b []byte) error {
	w := wireUsage{Input: count(u.Input), Output: count(u.Output), Details: details{count(u.Reasoning)}}
	if json.Unmarshal(b, &w) == nil {
		u.Input, u.Output, u.Reasoning = int(w.Input), int(w.Output), int(w.Details.Reasoning)
	}
	return nil
}

// details is a usage breakdown (completion_tokens_details, output_tokens_details), read as
// leniently as its usage: anything but an object leaves it as it was.
type details struct {
	Reasoning count `json:"reasoning_tokens"`
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *details) UnmarshalJSON(b []byte) error {
	w := struct {
		Reasoning count `json:"reasoning_tokens"`
	}{d.Reasoning}
	if json.Unmarshal(b, &w) == nil {
		d.Reasoning = w.Reasoning
	}
	return nil
}

// ioUsage is the usage object of the Responses and Messages APIs, read like Usage.
type ioUsage struct{ Input, Output, Reasoning count }

// UnmarshalJSON implements json.Unmarshaler.
func (u *ioUsage) UnmarshalJSON(b []byte) error {
	w := struct {
		Input   count   `json:"input_tokens"`
		Output  count   `json:"output_tokens"`
		Details details `json:"output_tokens_details"`
	}{u.Input, u.Output, details{u.Reasoning}}
	if json.Unmarshal(b, &w) == nil {
		u.Input, u.Output, u.Reasoning = w.Input, w.Output, w.Details.Reasoning
	}
	return nil
}

// usage is the Responses or Messages usage in the chat shape.
func (u *ioUsage) usage() *Usage {
	return &Usage{Input: int(u.Input), Output: int(u.Output), Reasoning: int(u.Reasoning)}
}
