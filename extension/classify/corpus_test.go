package classify_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/capture"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// corpusCase is one captured response in testdata/corpus: "# key: value" lines, then the raw
// response as `curl -i` prints it.
type corpusCase struct {
	name, provider string
	tricky         string
	class          classify.Class
	blame          classify.Blame
	raw            []byte
}

func loadCorpus(t testing.TB) []corpusCase { return loadCases(t, "testdata/corpus") }

// loadCases reads every .http case of a directory.
func loadCases(t testing.TB, dir string) []corpusCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.http"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases in %s: %v", dir, err)
	}
	var out []corpusCase
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := corpusCase{name: strings.TrimSuffix(filepath.Base(f), ".http")}
		sc := bufio.NewScanner(bytes.NewReader(data))
		n := 0
		for sc.Scan() && strings.HasPrefix(sc.Text(), "# ") {
			n += len(sc.Text()) + 1
			k, v, _ := strings.Cut(strings.TrimPrefix(sc.Text(), "# "), ": ")
			switch k {
			case "provider":
				c.provider = v
			case "class":
				c.class = classify.Class(v)
			case "blame":
				c.blame = classify.Blame(strings.TrimSpace(v))
			case "tricky":
				c.tricky = v
			}
		}
		c.raw = data[n:]
		out = append(out, c)
	}
	return out
}

func TestCorpus(t *testing.T) {
	classes := map[classify.Class]bool{}
	providers := map[string]bool{}
	for _, c := range loadCorpus(t) {
		t.Run(c.name, func(t *testing.T) {
			o, err := capture.Parse(bytes.NewReader(c.raw))
			if err != nil {
				t.Fatal(err)
			}
			got := classify.Classify(o)
			if got.Class != c.class || got.Blame != c.blame {
				t.Fatalf("got %s/%s, want %s/%s (%q)", got.Class, got.Blame, c.class, c.blame, got.Message)
			}
		})
		classes[c.class] = true
		providers[c.provider] = true
	}
	// classify.Classes that need a live connection or a baseline are covered by TestClassify's outcomes.
	live := map[classify.Class]bool{classify.ConnectionError: true, classify.TimeoutConnect: true, classify.TimeoutTTFB: true, classify.TimeoutTotal: true,
		classify.StreamStalled: true, classify.WrongAnswer: true, classify.StatusUnreadable: true}
	for _, cl := range classify.Classes {
		if !classes[cl] && !live[cl] {
			t.Errorf("no corpus case for class %s", cl)
		}
	}
	for _, p := range []string{"openai", "chatgpt-web", "cloudflare", "azure", "anthropic", "gemini", "vllm", "llamacpp", "ollama"} {
		if !providers[p] {
			t.Errorf("no corpus case for provider %s", p)
		}
	}
}

// TestEveryClassIsReachable: each class is produced by some TestClassify outcome or corpus
// capture.
func TestEveryClassIsReachable(t *testing.T) {
	seen := map[classify.Class]bool{}
	for _, c := range loadCorpus(t) {
		seen[c.class] = true
	}
	for _, src := range []string{"connection_error", "timeout_connect", "timeout_ttfb", "timeout_total", "stream_stalled", "wrong_answer", "status_unreadable"} {
		seen[classify.Class(src)] = true // asserted by rows of TestClassify
	}
	for _, c := range classify.Classes {
		if !seen[c] {
			t.Errorf("no test produces %s", c)
		}
	}
}

// The taxonomy table of docs/signals.md §6.1 lists exactly the classes, in their order: a class
// the code no longer has (ok_slow was one) cannot linger in the documentation.
func TestTaxonomyTableIsTheClasses(t *testing.T) {
	doc, err := os.ReadFile("../../docs/signals.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i := strings.Index(s, "| class | blame | meaning |")
	if i < 0 {
		t.Fatal("docs/signals.md has no taxonomy table")
	}
	var rows []classify.Class
	for _, line := range strings.Split(s[i:], "\n")[2:] {
		if !strings.HasPrefix(line, "| ") {
			break
		}
		rows = append(rows, classify.Class(strings.TrimSpace(strings.Split(line, "|")[1])))
	}
	if !slices.Equal(rows, classify.Classes) {
		t.Errorf("docs/signals.md lists %v,\nclassify.Classes is %v", rows, classify.Classes)
	}
}
