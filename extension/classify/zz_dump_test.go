package classify_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/capture"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

func TestZZDump(t *testing.T) {
	var lines []string
	for _, dir := range []string{"testdata/corpus", "testdata/realworld/train", "testdata/realworld/heldout", "testdata/realworld/heldout2"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.http"))
		for _, f := range files {
			data, _ := os.ReadFile(f)
			o, err := capture.Parse(bytes.NewReader(data))
			if err != nil {
				continue
			}
			for _, st := range []int{0, 200, 400, 401, 403, 404, 429, 500, 502, 503} {
				oo := o
				if st != 0 {
					if o.Status >= 200 && o.Status < 300 {
						continue
					}
					oo.Status = st
				}
				c := classify.Classify(oo)
				lines = append(lines, fmt.Sprintf("%s %d => %s/%s", filepath.Base(f), st, c.Class, c.Blame))
			}
		}
	}
	sort.Strings(lines)
	os.WriteFile(os.Getenv("DUMP"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}
