package secret

import (
	"io"
	"slices"
	"sync"
)

// Set is the secrets of a run: every target's key, whatever its provider, and the other
// credentials it was given. It only grows. Safe for concurrent use; the zero Set is empty, and
// a nil *Set holds nothing.
type Set struct {
	mu   sync.Mutex
	lits []string // replaced, never changed in place: Literals hands it out without a copy
}

// Add adds secrets; empty, too short (see Redact) and known ones are skipped.
func (s *Set) Add(secrets ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range secrets {
		if len(v) >= minLiteral && !slices.Contains(s.lits, v) {
			s.lits = append(slices.Clip(s.lits), v)
		}
	}
}

// Literals returns the secrets, for Redact, Line and Text. The slice must not be changed.
func (s *Set) Literals() []string {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lits
}

// Writer passes each write on with the secrets of its sets redacted and bounded, one write at
// a time: for a logger that writes one message per call, as Go's log package does (net/http
// logs there what a server sends on an idle connection).
type Writer struct {
	next io.Writer
	max  int

	mu   sync.Mutex
	sets []*Set
}

// NewWriter returns a Writer onto next that keeps each write to limit bytes.
func NewWriter(next io.Writer, limit int) *Writer { return &Writer{next: next, max: limit} }

// Watch adds a set whose secrets the writer redacts.
func (w *Writer) Watch(s *Set) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !slices.Contains(w.sets, s) {
		w.sets = append(w.sets, s)
	}
}

// Write implements io.Writer. It reports len(p) written when the write went through.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	var lits []string
	for _, s := range w.sets {
		lits = append(lits, s.Literals()...)
	}
	w.mu.Unlock()
	text := Text(string(p), w.max, lits...)
	if len(text) == 0 || text[len(text)-1] != '\n' {
		text += "\n"
	}
	if _, err := io.WriteString(w.next, text); err != nil {
		return 0, err
	}
	return len(p), nil
}
