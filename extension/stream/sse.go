// Package stream decodes server-sent event streams from LLM APIs and turns provider dialects
// (OpenAI chat chunks, Responses events, Anthropic events) into one event model. It timestamps
// every event with the moment its last byte arrived, on Go's monotonic clock, so time to first
// token is measured at the byte level rather than when a script gets around to looking.
package stream

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// MaxLineBytes is the longest SSE line accepted by default. A real chunk is a few hundred bytes;
// anything near this is a hostile or broken server, and reading it unbounded would exhaust memory.
const MaxLineBytes = 1 << 20

// stampPrefix starts a write-stamp comment (sim.StampPrefix).
var stampPrefix = []byte(": t=")

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
	At   time.Time // arrival time of the event's last byte (monotonic)
	// Stamp is the server's write time (Unix ns) from a ": t=" comment before the event, as the
	// stamping simulator sends: ground truth for timing checks. 0 when absent.
	Stamp int64
}

// Decoder reads SSE events from r. It allocates per event only when the event type changes.
type Decoder struct {
	tr      *timedReader
	br      *bufio.Reader
	maxLine int
	data    []byte
	line    []byte
	evType  string
	typeBuf []byte
	hasData bool
	stamp   int64
}

// NewDecoder returns a decoder reading r with the default line limit.
func NewDecoder(r io.Reader) *Decoder { return NewDecoderSize(r, MaxLineBytes) }

// NewDecoderSize returns a decoder that rejects lines longer than maxLine bytes.
func NewDecoderSize(r io.Reader, maxLine int) *Decoder {
	d, _ := decoders.Get().(*Decoder)
	if d == nil {
		d = &Decoder{tr: &timedReader{}}
		d.br = bufio.NewReaderSize(d.tr, 4096)
	}
	*d.tr = timedReader{r: r}
	d.br.Reset(d.tr)
	d.maxLine, d.evType, d.hasData, d.stamp = maxLine, "", false, 0
	d.data, d.line, d.typeBuf = d.data[:0], d.line[:0], d.typeBuf[:0]
	return d
}

// decoders recycles decoders and their buffers: one per stream was the largest allocation
// under load. Close returns one.
var decoders sync.Pool

// Close releases the decoder for reuse: it and the events it returned must not be used after.
// Buffers grown by a hostile stream are dropped rather than kept.
func (d *Decoder) Close() {
	if d.tr == nil || cap(d.data) > 64<<10 || cap(d.line) > 64<<10 {
		return
	}
	d.tr.r = nil
	d.br.Reset(d.tr)
	decoders.Put(d)
}

// LastRead is the arrival time of the most recent bytes read from the underlying reader.
func (d *Decoder) LastRead() time.Time { return d.tr.last }

// BytesRead counts the bytes read from the underlying reader so far.
func (d *Decoder) BytesRead() int64 { return d.tr.n }

// Next returns the next event. At the end of the stream it returns io.EOF; a stream that ends
// inside an event (no blank line after data) still dispatches that event first, because real
// servers often close right after their last "data:" line.
func (d *Decoder) Next() (Event, error) {
	d.data = d.data[:0]
	d.hasData = false
	d.stamp = 0
	d.typeBuf = d.typeBuf[:0]
	hasType := false
	for {
		line, err := d.readLine()
		if err != nil {
			if errors.Is(err, io.EOF) && (d.hasData || len(line) > 0) {
				if len(line) > 0 {
					hasType = d.field(line) || hasType
				}
				if d.hasData {
					return d.event(hasType), nil
				}
			}
			return Event{}, err
		}
		if len(line) == 0 {
			if d.hasData {
				return d.event(hasType), nil
			}
			d.typeBuf = d.typeBuf[:0]
			hasType = false
			continue
		}
		hasType = d.field(line) || hasType
	}
}

func (d *Decoder) event(hasType bool) Event {
	if !hasType {
		d.evType = ""
	} else if d.evType != string(d.typeBuf) { // compiler avoids the allocation in the comparison
		d.evType = string(d.typeBuf)
	}
	return Event{Type: d.evType, Data: d.data, At: d.tr.last, Stamp: d.stamp}
}

// field applies one non-empty line; it reports whether the line set the event type.
func (d *Decoder) field(line []byte) bool {
	if line[0] == ':' { // comment / keep-alive, or a write stamp
		if bytes.HasPrefix(line, stampPrefix) {
			d.stamp = digits(line[len(stampPrefix):])
		}
		return false
	}
	name, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(name) {
	case "data":
		if d.hasData {
			d.data = append(d.data, '\n')
		}
		d.data = append(d.data, value...)
		d.hasData = true
	case "event":
		d.typeBuf = append(d.typeBuf[:0], value...)
		return true
	}
	return false // id, retry and unknown fields do not matter to a probe
}

// readLine returns one line without its terminator (\n or \r\n; LLM APIs never send a bare \r). It is valid
// until the next call. A final line without a terminator is returned with io.EOF.
func (d *Decoder) readLine() ([]byte, error) {
	d.line = d.line[:0]
	for {
		frag, err := d.br.ReadSlice('\n')
		d.line = append(d.line, frag...)
		if len(d.line) > d.maxLine {
			return nil, fmt.Errorf("%w (%d bytes)", ErrLineTooLong, d.maxLine)
		}
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			return trimCR(d.line), io.EOF
		}
		return nil, err
	}
	line := d.line[:len(d.line)-1]
	return trimCR(line), nil
}

func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}

// timedReader stamps each successful read. bufio only reads when no complete line is buffered,
// so the stamp current when a line completes is the arrival time of that line's last byte.
type timedReader struct {
	r    io.Reader
	last time.Time
	n    int64
}

func (t *timedReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		t.last = time.Now()
		t.n += int64(n)
	}
	return n, err
}
