// Package stream decodes server-sent event streams from LLM APIs and turns provider dialects
// (OpenAI chat chunks, Responses events, Anthropic events) into one event model. It timestamps
// every event with the moment its last byte arrived, on Go's monotonic clock, so time to first
// token is measured at the byte level rather than when a script gets around to looking.
//
// The decoder follows the parsing rules of the WHATWG HTML Living Standard, §9.2.5 "Parsing an
// event stream" and §9.2.6 "Interpreting an event stream"
// (https://html.spec.whatwg.org/multipage/server-sent-events.html): lines end in CRLF, LF or a
// lone CR; one leading BOM is dropped; the stream is decoded as UTF-8 (invalid sequences become
// U+FFFD); comments, event, data, id and retry fields; an event with no data is not dispatched,
// and neither is the one the stream ends inside of (Pending gives it to readers who want it).
package stream

import (
	"bytes"
	"errors"
	"io"
	"math"
	"sync"
	"time"
	"unicode/utf8"
)

// MaxLineBytes is the longest SSE line accepted by default. A real chunk is a few hundred bytes;
// anything near this is a hostile or broken server, and reading it unbounded would exhaust memory.
const MaxLineBytes = 1 << 20

// bufSize is the read buffer: lines are sliced out of it without copying.
const bufSize = 4096

// stampPrefix starts a write-stamp comment (sim.StampPrefix).
var stampPrefix = []byte(": t=")

var bom = []byte("\xEF\xBB\xBF")

// digits parses a decimal without allocating; anything else gives 0.
func digits(b []byte) int64 {
	var n int64
	if len(b) == 0 || len(b) > 19 {
		return 0
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

// ErrLineTooLong reports a line over the decoder's limit.
var ErrLineTooLong = errors.New("sse: line exceeds limit")

// Event is one dispatched SSE event. Data is only valid until the next call to Next.
type Event struct {
	Type string    // the "event:" field; empty means "message"
	Data []byte    // "data:" lines joined by '\n'
	ID   string    // the last event ID when it was dispatched: its own "id:" field or an earlier event's
	At   time.Time // arrival time of the event's last byte (monotonic)
	// Stamp is the server's write time (Unix ns) from a ": t=" comment before the event, as the
	// stamping simulator sends: ground truth for timing checks. 0 when absent.
	Stamp int64
}

// Decoder reads SSE events from r. It allocates per event only when the event type or id changes.
type Decoder struct {
	tr      *timedReader
	buf     []byte
	r, w    int   // unread bytes are buf[r:w]
	crFree  int   // buf[r:crFree] holds no CR; crFree == w: none buffered; < r: look again
	rerr    error // the reader's error, returned once the buffered bytes are used up
	started bool  // the leading BOM has been looked for
	skipLF  bool  // the last line ended in CR: an LF right after it belongs to that line ending
	ended   bool  // Next returned an error: Pending may hand out what was left
	maxLine int
	long    []byte // a line longer than the buffer, gathered across reads

	data    []byte // the data buffer (without its trailing LF)
	alias   []byte // the data buffer while it is one line still in buf: no copy
	hasData bool
	typeBuf []byte
	evType  string
	idBuf   []byte
	id      string
	retry   int64 // reconnection time in ms; -1 until a retry field sets it
	stamp   int64
}

// NewDecoder returns a decoder reading r with the default line limit.
func NewDecoder(r io.Reader) *Decoder { return NewDecoderSize(r, MaxLineBytes) }

// NewDecoderSize returns a decoder that rejects lines longer than maxLine bytes.
func NewDecoderSize(r io.Reader, maxLine int) *Decoder {
	d, _ := decoders.Get().(*Decoder)
	if d == nil {
		d = &Decoder{tr: &timedReader{}, buf: make([]byte, bufSize)}
	}
	*d.tr = timedReader{r: r}
	d.r, d.w, d.crFree, d.rerr, d.started, d.skipLF, d.ended = 0, 0, -1, nil, false, false, false
	d.maxLine, d.evType, d.id, d.retry, d.stamp = maxLine, "", "", -1, 0
	d.hasData, d.alias = false, nil
	d.data, d.long, d.typeBuf, d.idBuf = d.data[:0], d.long[:0], d.typeBuf[:0], d.idBuf[:0]
	return d
}

// decoders recycles decoders and their buffers: one per stream was the largest allocation
// under load. Close returns one.
var decoders sync.Pool

// Close releases the decoder for reuse: it and the events it returned must not be used after.
// Buffers grown by a hostile stream are dropped rather than kept.
func (d *Decoder) Close() {
	if d.tr == nil || cap(d.data) > 64<<10 || cap(d.long) > 64<<10 {
		return
	}
	d.tr.r, d.alias = nil, nil
	decoders.Put(d)
}

// LastRead is the arrival time of the most recent bytes read from the underlying reader.
func (d *Decoder) LastRead() time.Time { return d.tr.last }

// BytesRead counts the bytes read from the underlying reader so far.
func (d *Decoder) BytesRead() int64 { return d.tr.n }

// Retry is the reconnection time the stream's last valid "retry:" field set, and whether one did.
func (d *Decoder) Retry() (time.Duration, bool) {
	if d.retry < 0 {
		return 0, false
	}
	return time.Duration(min(d.retry, math.MaxInt64/int64(time.Millisecond))) * time.Millisecond, true
}

// Next returns the next event. At the end of the stream it returns io.EOF; an event the stream
// ends inside of (no blank line after its data) is not dispatched, as the specification says
// ("Once the end of the file is reached, any pending data must be discarded"), but Pending
// has it.
func (d *Decoder) Next() (Event, error) {
	d.stamp = 0
	for {
		line, inBuf, err := d.readLine()
		if err != nil {
			if len(line) > 0 { // an unterminated last line is no line to the specification
				d.field(line, false)
			}
			d.ended = true
			return Event{}, err
		}
		if len(line) == 0 {
			if d.hasData {
				return d.dispatch(), nil
			}
			d.typeBuf = d.typeBuf[:0]
			continue
		}
		d.field(line, inBuf)
	}
}

// Pending returns, once Next has returned an error, the event the stream ended inside of —
// data received with no blank line after it, including a last line with no line ending —
// which the specification discards. Readers of captures take it: a capture often ends right
// after its last "data:" line.
func (d *Decoder) Pending() (Event, bool) {
	if !d.ended || !d.hasData {
		return Event{}, false
	}
	return d.dispatch(), true
}

func (d *Decoder) dispatch() Event {
	data := d.data
	if d.alias != nil {
		data = d.alias
	}
	if len(d.typeBuf) == 0 {
		d.evType = ""
	} else if d.evType != string(d.typeBuf) { // the compiler avoids the allocation in the comparison
		d.evType = string(d.typeBuf)
	}
	if d.id != string(d.idBuf) {
		d.id = string(d.idBuf)
	}
	d.hasData, d.alias, d.typeBuf = false, nil, d.typeBuf[:0]
	return Event{Type: d.evType, Data: data, ID: d.id, At: d.tr.last, Stamp: d.stamp}
}

// field processes one non-empty line (§9.2.6). inBuf says the line lies in the read buffer, so
// a lone data line can be handed out without a copy.
func (d *Decoder) field(line []byte, inBuf bool) {
	if line[0] == ':' { // a comment (keep-alive), or a write stamp
		if bytes.HasPrefix(line, stampPrefix) {
			d.stamp = digits(line[len(stampPrefix):])
		}
		return
	}
	name, value := line, line[len(line):]
	if len(line) >= 5 && string(line[:5]) == "data:" { // nearly every line: no search for the colon
		name, value = line[:4], line[5:]
	} else if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
	}
	if len(value) > 0 && value[0] == ' ' {
		value = value[1:]
	}
	switch string(name) { // compared literally, no case folding
	case "data":
		valid := utf8.Valid(value)
		if !d.hasData {
			d.hasData = true
			if inBuf && valid {
				d.alias = value
				return
			}
			d.data = appendUTF8(d.data[:0], value, valid)
			return
		}
		if d.alias != nil {
			d.data, d.alias = append(d.data[:0], d.alias...), nil
		}
		d.data = appendUTF8(append(d.data, '\n'), value, valid)
	case "event":
		d.typeBuf = appendUTF8(d.typeBuf[:0], value, utf8.Valid(value))
	case "id":
		if bytes.IndexByte(value, 0) < 0 {
			d.idBuf = appendUTF8(d.idBuf[:0], value, utf8.Valid(value))
		}
	case "retry":
		if ms, ok := asciiDigits(value); ok {
			d.retry = ms
		}
	}
}

// asciiDigits reads a value of only ASCII digits as a base-ten integer, saturating.
func asciiDigits(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > (math.MaxInt64-9)/10 {
			n = math.MaxInt64
			continue
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}
