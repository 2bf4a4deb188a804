package classify

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"testing"
)

// quotedList is two or more quoted phrases in a row, as a word list writes them.
var quotedList = regexp.MustCompile(`"[^"]+",\s*"[^"]+"`)

// TestNoWordsInComments: a comment inside a words(…) call must not hold a list of phrases. An
// edit that put a "//" comment in the middle of a line once silently took "requests per",
// "tokens per" and "request limit" out of rateWords (docs/signals.md §6.3, round 13's review).
func TestNoWordsInComments(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "signals.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var calls []*ast.CallExpr
	ast.Inspect(f, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "words" {
				calls = append(calls, c)
			}
		}
		return true
	})
	if len(calls) < 40 {
		t.Fatalf("found %d words(…) calls in signals.go; the test no longer reads the vocabulary", len(calls))
	}
	for _, g := range f.Comments {
		for _, c := range calls {
			if g.Pos() > c.Lparen && g.End() < c.Rparen && quotedList.MatchString(g.Text()) {
				t.Errorf("%s: a comment inside words(…) holds phrases, which the family does not hear: %q",
					fset.Position(g.Pos()), g.Text())
			}
		}
	}
}
