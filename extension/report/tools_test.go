package report

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tool returns the path in env, or skips: make test installs xmllint and chromium from Debian
// and passes them in.
func tool(t *testing.T, env string) string {
	t.Helper()
	p := os.Getenv(env)
	if p == "" {
		t.Skipf("%s is not set: `make test` installs the tool and runs this test", env)
	}
	return p
}

// The JUnit report validates against junit.xsd with xmllint.
func TestJUnitValidatesAgainstXSD(t *testing.T) {
	xmllint := tool(t, "XMLLINT")
	path := filepath.Join(t.TempDir(), "report.xml")
	x, err := JUnit(fixedRun(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, x, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--schema", "junit.xsd", path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "validates") {
		t.Fatalf("xmllint: %v\n%s", err, out)
	}
	bad := strings.Replace(string(x), `classname=`, `klassname=`, 1)
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(xmllint, "--noout", "--schema", "junit.xsd", path).CombinedOutput(); err == nil {
		t.Fatalf("xmllint accepted a broken report:\n%s", out)
	}
}

// The HTML report renders in headless Chromium with the timeline in the DOM, and a provider's
// <script> in an error body stays text: it does not run.
func TestHTMLRendersAndScriptsDoNotRun(t *testing.T) {
	chromium := tool(t, "CHROMIUM")
	r := fixedRun(t)
	h, _ := LoadHistory("testdata/history", r.EndedAt, &r)
	page, err := HTML(r, h)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	if err := os.WriteFile(path, page, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--window-size=1280,1200", "--virtual-time-budget=3000", "--dump-dom", "file://"+path)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	dom := string(out)
	if !strings.Contains(dom, `id="timeline"`) || strings.Count(dom, "<rect") < 30 || !strings.Contains(dom, `id="uptime"`) {
		t.Fatalf("timeline or uptime bars missing from the rendered DOM:\n%.2000s", dom)
	}
	if strings.Contains(dom, "<title>pwned</title>") || !strings.Contains(dom, "&lt;script&gt;document.title='pwned'&lt;/script&gt;") {
		t.Fatalf("the provider's script ran or vanished:\n%.3000s", dom)
	}
	if err := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir="+filepath.Join(dir, "profile2"),
		"--window-size=1280,1600", "--screenshot="+filepath.Join(dir, "report.png"), "file://"+path).Run(); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if st, err := os.Stat(filepath.Join(dir, "report.png")); err != nil || st.Size() < 10000 {
		t.Fatalf("screenshot missing or blank: %v", err)
	}
}
