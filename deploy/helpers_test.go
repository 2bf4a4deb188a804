package deploy

import (
	"os"
	"regexp"
	"testing"
)

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// extensionVersion reads the released version from the extension's source, the one `k6 version`
// prints, so a release that forgets the manifests fails here.
func extensionVersion(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("../extension/module/module.go")
	if err != nil {
		t.Fatal(err)
	}
	v := regexp.MustCompile(`(?m)^var Version = "(v[^"]+)"`).FindSubmatch(src)
	if v == nil {
		t.Fatal("no Version in extension/module/module.go")
	}
	return string(v[1])
}
