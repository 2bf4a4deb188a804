// Package statefile keeps the detector's memory between scheduled runs in a file: loaded when a
// run starts, saved when it ends. Loading never fails a run: a missing file means the first
// run, and a corrupt, truncated, foreign or newer-version file is reported and the run starts
// from the priors. Saving is atomic (a temporary file in the same folder, synced, then
// renamed), so a reader or a concurrent run sees the old file or the new one, never half of one.
package statefile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/notify"
)

// MaxSize caps what is read: a state is tens of kilobytes, so anything near this is not ours.
const MaxSize = 16 << 20

// DefaultMaxAge is how old a state may be and still be trusted as is: a schedule every 15
// minutes that misses runs for hours has lost track, so older states are decayed.
const DefaultMaxAge = 6 * time.Hour

// ErrNotExist is returned (wrapped) when there is no state file yet.
var ErrNotExist = fs.ErrNotExist

// Document is a state file: the detector's memory, and what notifications have told (so an
// outage spanning runs is told once). Files written before notifications existed read with
// none told.
type Document struct {
	detect.Saved
	Notified notify.Memory `json:"notified,omitempty"`
}

// Read reads and checks a state file. The error says what is wrong and that the run goes on
// from the priors; errors.Is(err, ErrNotExist) for a missing file.
func Read(path string) (Document, error) {
	var s Document
	f, err := os.Open(path) // #nosec G304 -- the user's own state file
	if err != nil {
		return s, fmt.Errorf("detector state %s: %w", path, err)
	}
	defer func() { _ = f.Close() }()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return s, fmt.Errorf("detector state %s: %w", path, err)
	}
	if len(data) > MaxSize {
		return s, fmt.Errorf("detector state %s is larger than %d MiB: not a state file", path, MaxSize>>20)
	}
	s, err = Parse(data)
	if err != nil {
		return s, fmt.Errorf("detector state %s: %w", path, err)
	}
	return s, nil
}

// Parse decodes and validates a state document.
func Parse(data []byte) (Document, error) {
	var s Document
	if len(bytes.TrimSpace(data)) == 0 {
		return s, errors.New("empty file")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&s); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF) {
			return Document{}, fmt.Errorf("corrupt or truncated JSON (%w)", err)
		}
		return Document{}, fmt.Errorf("not a detector state (%w)", err)
	}
	if dec.More() {
		return Document{}, errors.New("trailing data after the JSON document: corrupt")
	}
	if err := s.Validate(); err != nil {
		return Document{}, err
	}
	return s, nil
}

// Write saves s to path atomically, creating the folder if needed.
func Write(path string, s Document) error {
	if err := write(path, s); err != nil {
		return fmt.Errorf("save detector state %s: %w", path, err)
	}
	return nil
}

func write(path string, s Document) error {
	data, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	renamed := false
	defer func() {
		if !renamed {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	renamed = true
	return nil
}

// Load reads the state at path into det for a run starting at now, decaying a state older than
// maxAge, and returns what the summary should say about it and what notifications have told.
// It never fails the run: on any problem det keeps its priors and the returned memory (and
// error, for the log) say why.
func Load(det *detect.Detector, path string, now time.Time, maxAge time.Duration, priors detect.Priors, provider string) (detect.Memory, notify.Memory, error) {
	m := detect.Memory{Source: "priors", Path: path}
	s, err := Read(path)
	if errors.Is(err, ErrNotExist) {
		m.Note = fmt.Sprintf("no detector state at %s yet: starting from the %s priors; this run's end saves one", path, provider)
		return m, notify.Memory{}, nil
	}
	if err == nil {
		age := now.Sub(s.LastObservation)
		if age < 0 {
			age = 0
		}
		m.AgeS = age.Seconds()
		m.Decayed = s.Decay(age, maxAge, priors)
		err = det.Restore(s.Saved)
	}
	if err != nil {
		m.Note = fmt.Sprintf("detector state unusable (%v): starting from the %s priors", err, provider)
		return m, notify.Memory{}, err
	}
	m.Source = "state_file"
	m.Note = detect.MemoryNote(m, provider)
	if s.Notified == nil {
		s.Notified = notify.Memory{}
	}
	return m, s.Notified, nil
}
