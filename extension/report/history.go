package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
)

// HistoryDays is how far back uptime bars go, like a status page.
const HistoryDays = 90

// Limits on a history folder: it is CI's cache or a branch, and may hold anything.
const (
	maxHistoryFiles = 20000
	maxHistoryFile  = 16 << 20
)

// History is uptime per component per day and the incidents of earlier runs.
type History struct {
	Days       []time.Time // HistoryDays UTC dates, oldest first
	Components []DailyUptime
	Incidents  []detect.Incident // newest first
	Runs       int
	Skipped    int // files that were not reports of this schema
}

// DailyUptime is one component's days.
type DailyUptime struct {
	Name string
	Days []Day
}

// Day is one component's day: probes, successes and the worst state any run ended in.
type Day struct {
	Probes, OK int
	Worst      detect.State
}

// Uptime is OK/Probes, or -1 without data.
func (d Day) Uptime() float64 {
	if d.Probes == 0 {
		return -1
	}
	return float64(d.OK) / float64(d.Probes)
}

// LoadHistory reads earlier runs' JSON reports from dir (missing: no history) and adds current.
func LoadHistory(dir string, now time.Time, current *Run) (*History, error) {
	var runs []Run
	skipped := 0
	if dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("history: %w", err)
		}
		if len(entries) > maxHistoryFiles {
			entries = entries[len(entries)-maxHistoryFiles:]
		}
		for _, e := range entries {
			if e.IsDir() || filepath.Ext(e.Name()) != ".json" {
				continue
			}
			r, err := readRun(filepath.Join(dir, e.Name()))
			if err != nil {
				skipped++
				continue
			}
			runs = append(runs, r)
		}
	}
	if current != nil {
		runs = append(runs, *current)
	}
	return history(runs, now, skipped), nil
}

func readRun(path string) (Run, error) {
	f, err := os.Open(path) // #nosec G304 -- the history folder the user names; content is validated and bounded
	if err != nil {
		return Run{}, err
	}
	defer func() { _ = f.Close() }()
	b, err := io.ReadAll(io.LimitReader(f, maxHistoryFile+1))
	if err != nil || len(b) > maxHistoryFile {
		return Run{}, errors.New("unreadable or too big")
	}
	var r Run
	if err := json.Unmarshal(b, &r); err != nil || r.SchemaVersion != SchemaVersion {
		return Run{}, errors.New("not a version 1 report")
	}
	return r, nil
}

func history(runs []Run, now time.Time, skipped int) *History {
	h := &History{Runs: len(runs), Skipped: skipped}
	today := now.UTC().Truncate(24 * time.Hour)
	first := today.AddDate(0, 0, -(HistoryDays - 1))
	for i := range HistoryDays {
		h.Days = append(h.Days, first.AddDate(0, 0, i))
	}
	index := map[string]int{}
	seen := map[string]bool{}
	for _, r := range runs {
		day := int(r.StartedAt.UTC().Truncate(24*time.Hour).Sub(first) / (24 * time.Hour))
		if day < 0 || day >= HistoryDays {
			continue
		}
		for _, c := range r.Components {
			i, ok := index[c.Name()]
			if !ok {
				i = len(h.Components)
				index[c.Name()] = i
				h.Components = append(h.Components, DailyUptime{Name: c.Name(), Days: make([]Day, HistoryDays)})
			}
			d := &h.Components[i].Days[day]
			d.Probes += c.Probes
			d.OK += c.OK
			if c.State.Level() > d.Worst.Level() || d.Worst == "" {
				d.Worst = c.State
			}
		}
		for _, in := range r.Incidents {
			k := in.ID + in.StartedAt.String()
			if !seen[k] {
				seen[k] = true
				h.Incidents = append(h.Incidents, in)
			}
		}
	}
	slices.SortFunc(h.Components, func(a, b DailyUptime) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(h.Incidents, func(a, b detect.Incident) int { return b.StartedAt.Compare(a.StartedAt) })
	if len(h.Incidents) > 100 {
		h.Incidents = h.Incidents[:100]
	}
	return h
}
