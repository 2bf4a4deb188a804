package statefile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// learned is a detector that has seen an hour of healthy probes and then an outage it is still
// in: baselines learned, an incident open.
func learned(t *testing.T) *detect.Detector {
	t.Helper()
	d := detect.New(detect.Defaults)
	at := t0
	for i := range 240 {
		for _, c := range []string{"chat", "chat_stream"} {
			d.Observe(detect.Observation{At: at, Component: c, Class: classify.OK, TTFTMs: 300 + float64(i%7)*10, ITLMs: 20, TotalMs: 500})
		}
		at = at.Add(15 * time.Second)
	}
	for range 8 {
		for _, c := range []string{"chat", "chat_stream"} {
			d.Observe(detect.Observation{At: at, Component: c, Class: classify.ServerError, Blame: classify.BlameProvider})
		}
		at = at.Add(15 * time.Second)
	}
	if d.State("", "chat").Level() < 2 {
		t.Fatalf("setup: chat is %s", d.State("", "chat"))
	}
	return d
}

func TestWriteThenLoadRestoresEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "detector.json")
	d := learned(t)
	if err := Write(path, Document{Saved: d.Save()}); err != nil {
		t.Fatal(err)
	}
	next := detect.New(detect.Defaults)
	m, _, err := Load(next, path, t0.Add(2*time.Hour+15*time.Minute), DefaultMaxAge, detect.OpenAIPriors, "openai")
	if err != nil || m.Source != "state_file" || m.Decayed {
		t.Fatalf("load: %+v, %v", m, err)
	}
	a, _ := json.Marshal(d.Save())
	b, _ := json.Marshal(next.Save())
	if string(a) != string(b) {
		t.Fatalf("restored state differs:\n%s\n%s", a, b)
	}
	ins := next.Incidents()
	if len(ins) != 2 || ins[0].ResolvedAt != nil || ins[1].ResolvedAt != nil {
		t.Fatalf("open incidents not carried: %+v", ins)
	}
	if !strings.Contains(m.Note, "old") {
		t.Errorf("note %q", m.Note)
	}
}

// Each kind of bad file is refused with a clear error, and the run goes on from the priors.
func TestBadFilesFallBackToPriors(t *testing.T) {
	dir := t.TempDir()
	good, _ := json.Marshal(learned(t).Save())
	future := strings.Replace(string(good), `"version":1`, `"version":99`, 1)
	for _, tc := range []struct {
		name, content, want string
	}{
		{"empty", "", "empty file"},
		{"truncated", string(good[:len(good)/2]), "corrupt or truncated"},
		{"corrupt", "\x00\x01garbage{", "corrupt or truncated"},
		{"trailing", string(good) + `{"kind":"x"}`, "trailing data"},
		{"foreign", `{"schema_version":1,"overall":"operational"}`, "not a detector state file"},
		{"wrong types", `{"kind":"xk6-chatgpt/detector-state","version":"one"}`, "not a detector state"},
		{"future version", future, "newer than this build understands"},
		{"nonsense numbers", strings.Replace(string(good), `"baseline_observations":`, `"baseline_observations":-`, 1), "out of range"},
		{"html", "<html><body>502 Bad Gateway</body></html>", "corrupt or truncated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".json")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			d := detect.New(detect.Defaults)
			m, _, err := Load(d, path, t0, DefaultMaxAge, detect.OpenAIPriors, "openai")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v, want one naming the file and saying %q", err, tc.want)
			}
			if m.Source != "priors" || !strings.Contains(m.Note, "starting from the openai priors") {
				t.Errorf("memory %+v", m)
			}
			if s := d.Save(); len(s.Components) != 0 || s.Seq != 0 {
				t.Errorf("a refused file left state behind: %+v", s)
			}
		})
	}
}

func TestMissingFileIsTheFirstRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.json")
	m, _, err := Load(detect.New(detect.Defaults), path, t0, DefaultMaxAge, detect.OpenAIPriors, "openai")
	if err != nil || m.Source != "priors" || !strings.Contains(m.Note, "no detector state") {
		t.Fatalf("%+v %v", m, err)
	}
	if _, err := Read(path); !errors.Is(err, ErrNotExist) {
		t.Errorf("Read: %v", err)
	}
}

func TestHugeFileIsRefusedUnread(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxSize + 10); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	if _, err := Read(path); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("%v", err)
	}
}

// A state older than the trusted age is decayed: evidence in progress dropped, baselines pulled
// toward the priors, open incidents kept for the recovery test to close.
func TestOldStateIsDecayed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.json")
	src := learned(t)
	if err := Write(path, Document{Saved: src.Save()}); err != nil {
		t.Fatal(err)
	}
	d := detect.New(detect.Defaults)
	m, _, err := Load(d, path, t0.Add(2*time.Hour+24*time.Hour), DefaultMaxAge, detect.OpenAIPriors, "openai")
	if err != nil || !m.Decayed || m.Source != "state_file" || !strings.Contains(m.Note, "decayed") {
		t.Fatalf("%+v %v", m, err)
	}
	s := d.Save()
	for _, c := range s.Components {
		if c.ErrorRate.Score != 0 || c.ErrorRate.RunFails != 0 || c.Latency.Score != 0 {
			t.Errorf("%s: evidence kept: %+v", c.Component, c.ErrorRate)
		}
		if n := len(c.Latency.TTFT.Samples); n == 0 || n >= 240 {
			t.Errorf("%s: %d TTFT samples after decay", c.Component, n)
		}
		if c.OpenIncident == nil {
			t.Errorf("%s: open incident dropped", c.Component)
		}
	}
}

// Runs that save at the same moment (two schedules overlapping) each rename a complete file
// into place: a reader never sees a torn file, and the last writer wins whole.
func TestConcurrentWritersNeverTearTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.json")
	states := []detect.Saved{learned(t).Save(), detect.New(detect.Defaults).Save()}
	states[1].Seq = 7
	if err := Write(path, Document{Saved: states[0]}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	stop := make(chan struct{})
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				if err := Write(path, Document{Saved: states[(w+i)%2]}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var readers sync.WaitGroup
	reads := 0
	var mu sync.Mutex
	for range 2 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				s, err := Read(path)
				if err != nil {
					errs <- fmt.Errorf("read during writes: %w", err)
					return
				}
				if s.Seq != states[0].Seq && s.Seq != 7 {
					errs <- fmt.Errorf("read a state no writer wrote (seq %d)", s.Seq)
					return
				}
				mu.Lock()
				reads++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*.tmp"))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	t.Logf("%d reads during 100 concurrent writes, none torn", reads)
}

func TestWriteFailsClearly(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err := Write(filepath.Join(blocker, "state.json"), Document{Saved: detect.New(detect.Defaults).Save()})
	if err == nil || !strings.Contains(err.Error(), "save detector state") {
		t.Fatalf("%v", err)
	}
}

func FuzzParse(f *testing.F) {
	good, _ := json.Marshal(detect.New(detect.Defaults).Save())
	f.Add(good)
	f.Add([]byte(`{"kind":"xk6-chatgpt/detector-state","version":1,"components":[{"component":"chat","state":"operational"}]}`))
	f.Add([]byte(`{"kind":"xk6-chatgpt/detector-state","version":1,"incident_seq":-1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			return
		}
		// A state that parses must restore into a fresh detector and save again.
		d := detect.New(detect.Defaults)
		if err := d.Restore(s.Saved); err != nil {
			t.Fatalf("parsed but not restorable: %v", err)
		}
		if _, err := json.Marshal(d.Save()); err != nil {
			t.Fatalf("restored but not savable: %v", err)
		}
		d.Observe(detect.Observation{At: t0, Component: "chat", Class: classify.OK, TTFTMs: 100, ITLMs: 10, TotalMs: 200})
	})
}
