package sim

import (
	"net/http"
	"strconv"
	"time"
)

// Ground truth for timing tests (docs/signals.md §5): with Config.Stamps, or a request carrying
// "X-Sim-Stamps: 1", every SSE event is preceded by a comment line holding the wall-clock time
// the server wrote it, in Unix nanoseconds:
//
//	: t=1732312345123456789
//	data: {...}
//
// SSE clients ignore comment lines, so stamped streams stay valid for every SDK. A test on the
// same machine compares what the client measured with what the server actually did (sleeps
// overshoot, and a loaded machine delays the server too), not with what it planned to do.

// StampHeader is the request header that asks for stamped streams.
const StampHeader = "X-Sim-Stamps"

// StampPrefix starts the comment line that carries an event's write time.
const StampPrefix = ": t="

func (s *Server) stamps(r *http.Request) bool {
	return s.cfg.Stamps || r.Header.Get(StampHeader) == "1"
}

// stamp appends the stamp line for an event about to be written, when stamps are on.
func (rsp *response) stamp(buf []byte) []byte {
	if !rsp.stamps {
		return buf
	}
	buf = append(buf, StampPrefix...)
	buf = strconv.AppendInt(buf, time.Now().UnixNano(), 10)
	return append(buf, '\n')
}
