package report

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/detect"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// hostile is a provider error body: untrusted text every format must carry inertly.
const hostile = `<script>document.title='pwned'</script> | **bold** ]]> "quoted" & more`

// fixedRun is a simulated run with fixed times and draws: OpenAI chat fails for ten minutes in
// the middle and the page acknowledges it late, chat_stream stays up, Anthropic is the
// alternative that stays up.
func fixedRun(t *testing.T) Run {
	t.Helper()
	t0 := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	d := detect.New(detect.Defaults)
	d.SetAlternative("anthropic")
	rec := NewRecorder(t0, time.Minute)
	obs := func(at time.Time, target, comp string, class classify.Class, blame classify.Blame, ttft float64, msg string) {
		d.Observe(detect.Observation{At: at, Target: target, Component: comp, Class: class, Blame: blame, TTFTMs: ttft, ITLMs: 25, TotalMs: ttft + 200,
			RequestID: fmt.Sprintf("req_%s_%d", comp, at.Unix()%10000), Message: msg, Location: "eu-west"})
		advice := ""
		if class != classify.OK {
			advice = classify.Advice(class)
		}
		rec.Observe(at, target, comp, class, advice, msg, ttft, d.State(target, comp))
	}
	for i := range 120 { // 30 minutes, a round every 15 s
		at := t0.Add(time.Duration(i) * 15 * time.Second)
		ttft := 380 + float64(i%7)*10
		if i >= 40 && i < 80 {
			class := classify.ServerError
			if i%2 == 0 {
				class = classify.EdgeGatewayError
			}
			obs(at, "openai", "chat", class, classify.BlameProvider, 0, hostile)
		} else {
			obs(at, "openai", "chat", classify.OK, "", 0, "")
		}
		obs(at, "openai", "chat_stream", classify.OK, "", ttft, "")
		obs(at, "anthropic", "chat_stream", classify.OK, "", ttft+90, "")
		if i == 90 {
			d.ObserveOfficial(detect.Official{At: at, Target: "openai", Component: "chat", State: detect.Operational})
		}
		if i == 60 {
			d.ObserveOfficial(detect.Official{At: at, Target: "openai", Component: "chat", State: detect.Major,
				AckAt: t0.Add(14 * time.Minute), Incident: "Elevated errors " + hostile})
		}
	}
	end := t0.Add(30 * time.Minute)
	prev := t0.Add(-17 * time.Minute)
	return Build(d.Snapshot(end), rec, end, []Threshold{
		{Metric: "chatgpt_state", Threshold: "value<3", OK: true},
		{Metric: "chatgpt_available{component:chat}", Threshold: "rate>=0.95", OK: false},
	}, &prev)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from its golden file (go test ./extension/report -update, then review the diff):\n%s", name, got)
	}
}

func TestGoldenFormats(t *testing.T) {
	r := fixedRun(t)
	if r.Overall != detect.Operational || len(r.Incidents) != 1 || r.Incidents[0].LeadS == nil || len(r.Components) != 3 {
		t.Fatalf("fixture run: overall %s, incidents %+v", r.Overall, r.Incidents)
	}
	golden(t, "report.txt", []byte(Text(r)))
	golden(t, "report.md", []byte(Markdown(r)))
	x, err := JUnit(r)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report.xml", x)
	j, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json", append(j, '\n'))
	h, err := LoadHistory("testdata/history", r.EndedAt, &r)
	if err != nil {
		t.Fatal(err)
	}
	page, err := HTML(r, h)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report.html", page)
	golden(t, "badge-chat.svg", []byte(Badge("openai/chat", detect.Major)))
	if strings.Contains(string(page), "<script>") || strings.Contains(Markdown(r), "<script>") || strings.Contains(string(x), "<script>") {
		t.Error("a provider's <script> reached a report unescaped")
	}
}

func TestHistory(t *testing.T) {
	r := fixedRun(t)
	h, err := LoadHistory("testdata/history", r.EndedAt, &r)
	if err != nil {
		t.Fatal(err)
	}
	if h.Runs != 4 || h.Skipped != 2 || len(h.Days) != HistoryDays {
		t.Fatalf("runs %d skipped %d days %d", h.Runs, h.Skipped, len(h.Days))
	}
	var chat *DailyUptime
	for i := range h.Components {
		if h.Components[i].Name == "openai/chat" {
			chat = &h.Components[i]
		}
	}
	if chat == nil {
		t.Fatal("no openai/chat history")
	}
	if today := chat.Days[HistoryDays-1]; today.Probes != 120 || today.OK != 80 {
		t.Errorf("today %+v", today)
	}
	if old := chat.Days[HistoryDays-3]; old.Probes != 240 || old.Uptime() != 0.5 || old.Worst != detect.Major {
		t.Errorf("two days ago %+v", old)
	}
	if _, err := LoadHistory("testdata/nonexistent", r.EndedAt, nil); err != nil {
		t.Errorf("a missing history folder is no history, got %v", err)
	}
}
