package module

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
)

// configReference is the "Configuration reference" section of docs/configuration.md.
func configReference(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	i := strings.Index(readme, "\n## Configuration reference\n")
	if i < 0 {
		t.Fatal("docs/configuration.md has no Configuration reference section")
	}
	section := readme[i+1:]
	if j := strings.Index(section[3:], "\n## "); j >= 0 {
		section = section[:j+3]
	}
	return section
}

// Every target option, and nothing else, has a row in the options table; every variable the
// extension or a script reads is in the section.
func TestConfigReferenceIsComplete(t *testing.T) {
	ref := configReference(t)
	known := map[string]bool{}
	for _, o := range knownOptions {
		known[o] = true
		if !strings.Contains(ref, "| `"+o+"` |") {
			t.Errorf("option %s has no row in docs/configuration.md's configuration reference", o)
		}
	}
	opts := ref[strings.Index(ref, "### `chatgpt.target(options)`"):strings.Index(ref, "### Environment variables")]
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-zA-Z]+)` \\|").FindAllStringSubmatch(opts, -1) {
		if !known[m[1]] {
			t.Errorf("docs/configuration.md documents option %s, which chatgpt.target() rejects", m[1])
		}
	}
	vars := map[string]bool{"K6_TRACE_PARENT": true, "GOGC": true, "CHATGPT_STATE": true, "CHATGPT_STATE_MAX_AGE": true}
	for _, e := range probe.Endpoints {
		vars[e.KeyEnv], vars[e.BaseEnv] = true, true
	}
	scripts, _ := filepath.Glob("../../scripts/*.js")
	examples, _ := filepath.Glob("../../examples/*.js")
	for _, f := range append(scripts, examples...) {
		src, err := os.ReadFile(f) // #nosec G304 -- the repository's own scripts
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`__ENV\.([A-Z0-9_]+)`).FindAllStringSubmatch(string(src), -1) {
			vars[m[1]] = true
		}
	}
	if len(vars) < 20 {
		t.Fatalf("found only %d variables; is the scan broken?", len(vars))
	}
	for v := range vars {
		if !strings.Contains(ref, "`"+v+"`") {
			t.Errorf("variable %s is read but not in docs/configuration.md's configuration reference", v)
		}
	}
}
