package e2e

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// A scenario retires the model "auto" chose mid-run: the probe that meets the retirement is
// model_retired, blamed on our configuration with the replacement in its advice; no incident
// opens; and the next round probes the replacement, which answers.
func TestAutoModelSurvivesARetirement(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sc := filepath.Join(dir, "retire.yaml")
	writeFile(t, sc, `name: retire-mid-run
duration: 1h
baseline: {ttft: {median: 20ms}, itl: {median: 2ms}}
retirements:
  - {model: gpt-5.4-nano, at: 3s}
`)
	script := filepath.Join(dir, "retire.js")
	src := `import chatgpt from "k6/x/chatgpt";
import { sleep } from "k6";
const base = chatgpt.simulator({ scenario: ` + jsString(sc) + ` });
const target = chatgpt.target({ baseURL: base, apiKey: "sk-e2e-retire-0123456789", components: ["chat_stream"] });
const pinned = chatgpt.target({ name: "pinned", model: "gpt-4o-mini", baseURL: base, apiKey: "x", components: ["models"] });
export const options = { scenarios: { s: { executor: "constant-vus", vus: 1, duration: "7s" } } };
export default async function () {
  if (__ITER === 0) await pinned.probe("models");
  const r = await target.probe("chat_stream");
  console.log("PROBE " + JSON.stringify({ model: r.model, ok: r.ok, class: r.class, blame: r.blame, advice: r.advice }));
  sleep(0.5);
}
export function handleSummary(data) {
  const s = chatgpt.state();
  const days = data.metrics.chatgpt_model_shutdown_days;
  return { stdout: JSON.stringify({ incidents: s.incidents.length, verdict: s.verdict, model: target.model, shutdownDays: days ? days.values.value : null }) + "\n" };
}
`
	writeFile(t, script, src)
	r := k6runArgs(t, []string{"--log-format", "raw"}, script, "CHATGPT_TARGET=simulator")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	type probe struct {
		Model, Class, Blame, Advice string
		OK                          bool
	}
	var out struct {
		Seen         []probe
		Incidents    int
		Verdict      string
		Model        string
		ShutdownDays *float64
	}
	line := r.stdout[strings.LastIndex(strings.TrimSpace(r.stdout), "\n")+1:]
	if err := json.Unmarshal([]byte(line), &out); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	for _, l := range strings.Split(r.stderr, "\n") {
		if _, js, ok := strings.Cut(l, "PROBE "); ok {
			var p probe
			if err := json.Unmarshal([]byte(js), &p); err != nil {
				t.Fatalf("%v: %s", err, l)
			}
			out.Seen = append(out.Seen, p)
		}
	}
	retired := -1
	for i, p := range out.Seen {
		if p.Class == "model_retired" {
			retired = i
			break
		}
		if p.Model != "gpt-5.4-nano" || !p.OK {
			t.Fatalf("before the retirement: %+v", p)
		}
	}
	if retired < 1 || retired == len(out.Seen)-1 {
		t.Fatalf("no retirement between two probes: %+v", out.Seen)
	}
	p := out.Seen[retired]
	if p.Model != "gpt-5.4-nano" || p.Blame != "client" || !strings.Contains(p.Advice, "replacement: gpt-5.4-mini") {
		t.Errorf("retired probe: %+v", p)
	}
	for _, q := range out.Seen[retired+1:] {
		if q.Model != "gpt-5.4-mini" || !q.OK {
			t.Errorf("after the retirement: %+v, want gpt-5.4-mini ok", q)
		}
	}
	// the pinned target's gpt-4o-mini is announced for 2027-01-14: warned of, with the gauge
	if !strings.Contains(out.Verdict, "warning: model pinned/gpt-4o-mini") || !strings.Contains(out.Verdict, "move to gpt-6-luna") ||
		out.ShutdownDays == nil {
		t.Errorf("no shutdown warning or gauge: verdict %q, chatgpt_model_shutdown_days %v", out.Verdict, out.ShutdownDays)
	}
	if out.Incidents != 0 || out.Model != "auto" || strings.Contains(out.Verdict, "outage") {
		t.Errorf("incidents %d, model %q, verdict %q", out.Incidents, out.Model, out.Verdict)
	}
	t.Logf("%d probes, retired at #%d; verdict %q", len(out.Seen), retired, out.Verdict)
}

func jsString(s string) string { b, _ := json.Marshal(s); return string(b) }
