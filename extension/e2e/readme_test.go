package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// README snippets that introduce themselves with a script path ("`examples/x.js`
// probes …:") are copied from that script, which the e2e tests run: a snippet cannot drift
// from code that works.
func TestReadmeSnippetsComeFromRunnableScripts(t *testing.T) {
	root := repoRoot(t)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)`((?:scripts|examples)/[^`]+\\.js)`[^`]*?:\n\n```js\n(.*?)```")
	found := 0
	for _, m := range block.FindAllStringSubmatch(string(readme), -1) {
		script, err := os.ReadFile(filepath.Join(root, m[1]))
		if err != nil {
			t.Errorf("README cites %s: %v", m[1], err)
			continue
		}
		found++
		if !strings.Contains(string(script), m[2]) {
			t.Errorf("README snippet is not in %s:\n%s", m[1], m[2])
		}
	}
	if found == 0 {
		t.Fatal("no README snippet cites its script")
	}
}
