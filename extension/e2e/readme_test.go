package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Snippets of the README and docs/ that introduce themselves with a script path
// ("`examples/x.js` probes …:") are copied from that script, which the e2e tests run: a
// snippet cannot drift from code that works.
func TestReadmeSnippetsComeFromRunnableScripts(t *testing.T) {
	root := repoRoot(t)
	block := regexp.MustCompile("(?s)`((?:scripts|examples)/[^`]+\\.js)`[^`]*?:\n\n```js\n(.*?)```")
	found := map[string]int{}
	for _, doc := range docFiles(t, root) {
		text, err := os.ReadFile(doc) // #nosec G304 -- the repository's own documentation
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, doc)
		for _, m := range block.FindAllStringSubmatch(string(text), -1) {
			script, err := os.ReadFile(filepath.Join(root, m[1]))
			if err != nil {
				t.Errorf("%s cites %s: %v", rel, m[1], err)
				continue
			}
			found[rel]++
			if !strings.Contains(string(script), m[2]) {
				t.Errorf("%s: snippet is not in %s:\n%s", rel, m[1], m[2])
			}
		}
	}
	for _, doc := range []string{"README.md", "docs/configuration.md", "docs/detection.md"} {
		if found[doc] == 0 {
			t.Errorf("no snippet of %s cites its script (found %v)", doc, found)
		}
	}
}

// docFiles are the documentation a user's clone has: the README, then docs/*.md.
func docFiles(t *testing.T, root string) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil || len(docs) == 0 {
		t.Fatalf("no docs/*.md under %s (%v)", root, err)
	}
	return append([]string{filepath.Join(root, "README.md")}, docs...)
}
