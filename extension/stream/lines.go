package stream

import (
	"bytes"
	"fmt"
	"io"
	"time"
)

// Reading lines (§9.2.6: "a U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF) character pair, a
// single U+000A LINE FEED (LF) character not preceded by a U+000D CARRIAGE RETURN (CR)
// character, and a single U+000D CARRIAGE RETURN (CR) character not followed by a U+000A LINE
// FEED (LF) character being the ways in which a line can end").

// readLine returns the next line without its ending, and whether it lies in the read buffer
// (valid until the next read) rather than in d.long. At the end of the stream it returns what
// was left after the last line ending with the reader's error.
func (d *Decoder) readLine() ([]byte, bool, error) {
	d.long = d.long[:0]
	for !d.started {
		if n := d.w - d.r; n >= len(bom) || d.rerr != nil || !bytes.HasPrefix(bom, d.buf[d.r:d.w]) {
			if bytes.HasPrefix(d.buf[d.r:d.w], bom) {
				d.r += len(bom)
			}
			d.started = true
			break
		}
		d.fill()
	}
	for {
		if d.skipLF && d.r < d.w {
			d.skipLF = false
			if d.buf[d.r] == '\n' {
				d.r++
			}
		}
		if i := d.eol(); i >= 0 {
			line := d.buf[d.r : d.r+i]
			d.r += i + 1
			if line[:i+1][i] == '\r' { // CRLF is one line ending: take its LF now if it is here
				if d.r < d.w {
					if d.buf[d.r] == '\n' {
						d.r++
					}
				} else {
					d.skipLF = true
				}
			}
			if len(d.long)+len(line) > d.maxLine {
				return nil, false, fmt.Errorf("%w (%d bytes)", ErrLineTooLong, d.maxLine)
			}
			if len(d.long) == 0 {
				return line, true, nil
			}
			d.long = append(d.long, line...)
			return d.long, false, nil
		}
		if len(d.long)+d.w-d.r > d.maxLine {
			return nil, false, fmt.Errorf("%w (%d bytes)", ErrLineTooLong, d.maxLine)
		}
		if d.rerr != nil {
			tail := append(d.long, d.buf[d.r:d.w]...)
			d.r = d.w
			return tail, false, d.rerr
		}
		d.fill()
	}
}

// eol is the offset in buf[r:w] of the first line ending (CR or LF), or -1. Streams with LF
// endings pay one scan for CR per read, not per line.
func (d *Decoder) eol() int {
	seg := d.buf[d.r:d.w]
	if d.crFree < d.r {
		if i := bytes.IndexByte(seg, '\r'); i >= 0 {
			d.crFree = d.r + i
		} else {
			d.crFree = d.w
		}
	}
	cr := d.crFree - d.r
	if lf := bytes.IndexByte(seg[:cr], '\n'); lf >= 0 {
		return lf
	}
	if cr < len(seg) {
		return cr
	}
	return -1
}

// fill reads more bytes, keeping the unread ones. A lone data line handed out of the buffer is
// copied first, since the buffer is about to change under it. It only reads when no complete
// line is buffered, so the stamp current when a line completes is the arrival time of that
// line's last byte.
func (d *Decoder) fill() {
	if d.alias != nil {
		d.data, d.alias = append(d.data[:0], d.alias...), nil
	}
	if d.r > 0 {
		d.w = copy(d.buf, d.buf[d.r:d.w])
		d.r = 0
	}
	if d.w == len(d.buf) { // a line longer than the buffer
		d.long, d.w = append(d.long, d.buf...), 0
	}
	d.crFree = -1
	for range 100 { // a reader that keeps returning nothing is broken (as bufio judges it)
		n, err := d.tr.Read(d.buf[d.w:])
		d.w += n
		if err != nil {
			d.rerr = err
			return
		}
		if n > 0 {
			return
		}
	}
	d.rerr = io.ErrNoProgress
}

// timedReader stamps each successful read.
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
