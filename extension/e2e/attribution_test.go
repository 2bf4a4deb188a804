package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
)

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return "http://" + addr + "/v1"
}

// "Down for everyone, or just us?" on real runs: the primary unreachable while an alternative
// answers is the provider's side; both unreachable is our network; a key refused from the first
// probe is our account. The verdict says so, and chatgpt.state().attribution says why.
func TestAttributionOnRealRuns(t *testing.T) {
	badKey := filepath.Join(t.TempDir(), "bad-key.yaml")
	writeFile(t, badKey, `name: revoked
duration: 1h
phases: [{at: 0s, until: 1h, components: [chat, models], truth: operational, error_rate: 1, faults: {auth_401: 1}}]
`)
	for _, tc := range []struct {
		name, primary, alt, want, answer string
	}{
		{"primary unreachable, alternative answers", closedPort(t), "sim", "provider", "down for everyone"},
		{"nothing answers", closedPort(t), closedPort(t), "our_network", "it's you"},
		{"key refused from the first probe", "badkey", "", "our_account", "it's you"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			primary, alt := fmt.Sprintf("%q", tc.primary), fmt.Sprintf("%q", tc.alt)
			if tc.primary == "badkey" {
				primary = fmt.Sprintf("chatgpt.simulator({ scenario: %q })", badKey)
			}
			if tc.alt == "sim" {
				alt = "chatgpt.simulator()"
			}
			script := filepath.Join(dir, "who.js")
			src := `import chatgpt from "k6/x/chatgpt";
const primary = chatgpt.target({ name: "primary", provider: "compatible", baseURL: ` + primary + `, apiKey: "sk-e2e-who-0123456789", components: ["chat", "models"] });
const targets = [primary];
if (` + alt + `) targets.push(chatgpt.target({ name: "alt", provider: "compatible", baseURL: ` + alt + `, apiKey: "x", alternative: true, components: ["chat", "models"] }));
export const options = { scenarios: { s: { executor: "constant-arrival-rate", rate: 2, timeUnit: "1s", duration: "6s", preAllocatedVUs: 4 } } };
export default async function () { await Promise.all(targets.map((t) => t.probeAll())); }
export function handleSummary() {
  const s = chatgpt.state();
  return { stdout: JSON.stringify({ verdict: s.verdict, attribution: s.attribution }) + "\n" };
}
`
			writeFile(t, script, src)
			r := k6run(t, script)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			var out struct {
				Verdict     string `json:"verdict"`
				Attribution []struct {
					Target, Fault, Answer string
					Evidence              []string
				} `json:"attribution"`
			}
			line := r.stdout[strings.LastIndex(strings.TrimSpace(r.stdout), "\n")+1:]
			if err := json.Unmarshal([]byte(line), &out); err != nil {
				t.Fatalf("%v: %s", err, r.stdout)
			}
			var got string
			for _, a := range out.Attribution {
				if a.Target == "primary" {
					got = a.Fault
					if a.Answer != tc.answer {
						t.Errorf("answer %q, want %q", a.Answer, tc.answer)
					}
				}
			}
			if got != tc.want || !strings.Contains(out.Verdict, "primary is "+tc.answer+" ("+tc.want) ||
				strings.HasPrefix(out.Verdict, "operational") && tc.want == "provider" {
				t.Fatalf("primary blamed on %q, want %q; verdict %q", got, tc.want, out.Verdict)
			}
			t.Logf("%s", out.Verdict)
		})
	}
}
