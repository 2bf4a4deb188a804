package module

import (
	"encoding/json"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
)

// dts is index.d.ts with its comments removed.
func dts(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("../../index.d.ts")
	if err != nil {
		t.Fatal(err)
	}
	return regexp.MustCompile(`(?s)/\*.*?\*/|//[^\n]*`).ReplaceAllString(string(raw), "")
}

// dtsMembers are the members of `export interface name { … }`: property name -> the typeof
// its value has in JS ("array" for arrays, "function" for methods).
func dtsMembers(t *testing.T, src, name string) map[string]string {
	t.Helper()
	i := strings.Index(src, "export interface "+name+" {")
	if i < 0 {
		t.Fatalf("index.d.ts has no interface %s", name)
	}
	body, depth := "", 0
	for _, r := range src[strings.Index(src[i:], "{")+i:] {
		switch r {
		case '{':
			depth++
		case '}':
			depth--
		}
		if depth == 0 {
			break
		}
		if depth > 1 || r != ';' {
			body += string(r)
		} else {
			body += "\x00"
		}
	}
	aliases := map[string]string{}
	for _, m := range regexp.MustCompile(`export type (\w+) =\s*([^;]+);`).FindAllStringSubmatch(src, -1) {
		aliases[m[1]] = strings.TrimSpace(m[2])
	}
	out := map[string]string{}
	member := regexp.MustCompile(`^(?:readonly\s+)?(\w+)(\(.*\))?\??:\s*(.+)$`)
	for _, decl := range strings.Split(strings.TrimPrefix(body, "{"), "\x00") {
		decl = strings.Join(strings.Fields(decl), " ")
		if decl == "" {
			continue
		}
		m := member.FindStringSubmatch(decl)
		if m == nil {
			t.Fatalf("interface %s: cannot read %q", name, decl)
		}
		out[m[1]] = tsKind(m[3], aliases)
		if m[2] != "" {
			out[m[1]] = "function"
		}
	}
	return out
}

// tsKind is the JS typeof of a value of TypeScript type ts.
func tsKind(ts string, aliases map[string]string) string {
	switch {
	case strings.HasSuffix(ts, "[]"):
		return "array"
	case ts == "boolean", ts == "number", ts == "string":
		return ts
	case strings.HasPrefix(ts, "{"):
		return "object"
	case strings.HasPrefix(ts, `"`) || strings.HasPrefix(ts, `|`):
		return "string" // a union of string literals
	case aliases[ts] != "":
		return tsKind(aliases[ts], aliases)
	}
	return "object" // another interface
}

// jsKinds runs expr on the event loop and returns typeof of each own property of its value.
const jsKinds = `(v) => { const o = {}; for (const k of Object.keys(v)) o[k] = Array.isArray(v[k]) ? "array" : typeof v[k]; return JSON.stringify(o); }`

// The objects JS receives match index.d.ts, both ways: every declared member exists with its
// declared kind, and every property JS sees is declared.
func TestTypesMatchTheJSObjects(t *testing.T) {
	rt, _ := newRuntime(t, map[string]string{"OPENAI_BASE_URL": simtest.Fast(t, nil), "OPENAI_API_KEY": "sk-test-dts-key"})
	if _, err := rt.RunOnEventLoop(`globalThis.target = require("k6/x/chatgpt").target({components: ["chat_stream", "status"]});
		globalThis.kinds = ` + jsKinds); err != nil {
		t.Fatal(err)
	}
	src := dts(t)
	check := func(iface, expr string) {
		t.Helper()
		v, err := rt.RunOnEventLoop(`kinds(` + expr + `)`)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		var got map[string]string
		if err := json.Unmarshal([]byte(v.String()), &got); err != nil {
			t.Fatal(err)
		}
		want := dtsMembers(t, src, iface)
		for _, k := range slices.Sorted(maps.Keys(want)) {
			if got[k] != want[k] {
				t.Errorf("%s.%s: JS has %q, index.d.ts says %q", iface, k, got[k], want[k])
			}
		}
		for k, kind := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%s.%s (%s) reaches JS but index.d.ts does not declare it", iface, k, kind)
			}
		}
	}
	check("Target", "target")
	toVU(rt)
	if _, err := rt.RunOnEventLoop(`globalThis.r = target.probeSync("chat_stream")`); err != nil {
		t.Fatal(err)
	}
	check("ProbeResult", "r")
	check("Timings", "r.timings")
	check("Usage", "r.usage")
}

// index.d.ts's Class is exactly the classifier's classes: none missing, none the code never
// produces.
func TestClassUnionIsTheClasses(t *testing.T) {
	m := regexp.MustCompile(`export type Class =\s*([^;]+);`).FindStringSubmatch(dts(t))
	if m == nil {
		t.Fatal("index.d.ts has no Class type")
	}
	var got []string
	for _, lit := range regexp.MustCompile(`"([a-z_]+)"`).FindAllStringSubmatch(m[1], -1) {
		got = append(got, lit[1])
	}
	var want []string
	for _, c := range classify.Classes {
		want = append(want, string(c))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("index.d.ts Class %v,\nclassify.Classes %v", got, want)
	}
}
