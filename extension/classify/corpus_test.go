package classify

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusCase is one captured response in testdata/corpus: "# key: value" lines, then the raw
// response as `curl -i` prints it.
type corpusCase struct {
	name, provider string
	class          Class
	blame          Blame
	raw            []byte
}

func loadCorpus(t testing.TB) []corpusCase {
	t.Helper()
	files, err := filepath.Glob("testdata/corpus/*.http")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
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
				c.class = Class(v)
			case "blame":
				c.blame = Blame(strings.TrimSpace(v))
			}
		}
		c.raw = data[n:]
		out = append(out, c)
	}
	return out
}

func TestCorpus(t *testing.T) {
	classes := map[Class]bool{}
	providers := map[string]bool{}
	for _, c := range loadCorpus(t) {
		t.Run(c.name, func(t *testing.T) {
			o, err := ParseRaw(bytes.NewReader(c.raw))
			if err != nil {
				t.Fatal(err)
			}
			got := Classify(o)
			if got.Class != c.class || got.Blame != c.blame {
				t.Fatalf("got %s/%s, want %s/%s (%q)", got.Class, got.Blame, c.class, c.blame, got.Message)
			}
			if strings.Contains(got.Message, "sk-VKMIs") {
				t.Fatalf("key fragment in message: %q", got.Message)
			}
		})
		classes[c.class] = true
		providers[c.provider] = true
	}
	// Classes that need a live connection or a baseline are covered by TestClassify's outcomes.
	live := map[Class]bool{ConnectionError: true, TimeoutConnect: true, TimeoutTTFB: true, TimeoutTotal: true,
		StreamStalled: true, OKSlow: true, WrongAnswer: true}
	for _, cl := range Classes {
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
