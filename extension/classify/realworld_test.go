package classify_test

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/capture"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// scoreSplit classifies every case of one split of testdata/realworld and returns the share whose
// class and blame both agree with the annotation, the misses, and the confusion (want → got → n).
func scoreSplit(t *testing.T, split string) (agree, total int, misses []string, confusion map[classify.Class]map[classify.Class]int) {
	t.Helper()
	confusion = map[classify.Class]map[classify.Class]int{}
	for _, c := range loadCases(t, "testdata/realworld/"+split) {
		total++
		o, err := capture.Parse(bytes.NewReader(c.raw))
		got := classify.Classification{Class: "parse_error", Blame: "?"}
		if err == nil {
			got = classify.Classify(o)
		}
		if confusion[c.class] == nil {
			confusion[c.class] = map[classify.Class]int{}
		}
		confusion[c.class][got.Class]++
		if got.Class == c.class && got.Blame == c.blame {
			agree++
			continue
		}
		misses = append(misses, fmt.Sprintf("%s: want %s/%s, got %s/%s (%.100q)", c.name, c.class, c.blame, got.Class, got.Blame, got.Message))
	}
	return agree, total, misses, confusion
}

func confusionTable(confusion map[classify.Class]map[classify.Class]int) string {
	var b strings.Builder
	for _, want := range slices.Sorted(maps.Keys(confusion)) {
		row := confusion[want]
		var cells []string
		for _, got := range slices.Sorted(maps.Keys(row)) {
			mark := ""
			if got != want {
				mark = "✗"
			}
			cells = append(cells, fmt.Sprintf("%s%s=%d", mark, got, row[got]))
		}
		fmt.Fprintf(&b, "  %-24s %s\n", want, strings.Join(cells, " "))
	}
	return b.String()
}

// TestRealworldScore scores class-and-blame agreement on the splits of the real-world corpus
// (testdata/realworld/SOURCES.md, SOURCES-heldout2.md, SOURCES-heldout3.md, SOURCES-heldout4.md) and prints each score,
// the misses by file and the per-class confusion of the train split. Round 1 wrote the rules on
// train/ alone and froze them before held-out/ was first scored (git log: "rules frozen"); round 2
// tuned on train/ and held-out/ and was frozen before heldout2/ was first scored ("rules frozen
// (round 2)"); round 3 tuned on those three ("rules frozen (round 3)"), round 4 on four ("rules
// frozen (round 4)"), round 5 on all five, heldout4/ included ("rules frozen (round 5)"), round 6
// on all six, heldout5/ included ("rules frozen (round 6)"). None of them measures
// generalisation any more: a set collected after the last freeze and scored once does. The test
// fails when train/ agreement falls below 95 %.
func TestRealworldScore(t *testing.T) {
	agree, total, misses, confusion := scoreSplit(t, "train")
	for _, m := range misses {
		t.Log("miss " + m)
	}
	t.Logf("train confusion (want: got=n):\n%s", confusionTable(confusion))
	t.Logf("SCORE train: %d/%d = %.1f %% class-and-blame agreement", agree, total, 100*float64(agree)/float64(total))

	scoreHeldOut(t, "heldout", "held-out", true)
	// heldout2/ was collected by someone else while round 2 was tuned and first scored after
	// round 2's rules were frozen (97/121 = 80.2 %, docs/signals.md §6.3); round 3 tuned on it.
	scoreHeldOut(t, "heldout2", "heldout2", true)
	// heldout3/ (SOURCES-heldout3.md) was collected by someone who never read the rules, while
	// round 3 was tuned, and first scored after round 3's rules were frozen (105/121 = 86.8 %,
	// docs/signals.md §6.3); round 4 tuned on it, so its misses print by file too.
	scoreHeldOut(t, "heldout3", "heldout3", true)
	// heldout4/ (SOURCES-heldout4.md) was collected by two people who never read the rules, while
	// round 4 was tuned, and first scored after round 4's rules were frozen (120/132 = 90.9 %,
	// docs/signals.md §6.3); round 5 tuned on it, so its misses print by file too.
	scoreHeldOut(t, "heldout4", "heldout4", true)
	// heldout5/ (SOURCES-heldout5.md, SOURCES-heldout5b.md: two collectors who never read the
	// rules, one on the big Western providers and edges, one on Chinese providers, relays and
	// self-hosted servers) was collected while round 5 was tuned and first scored after round 5's
	// rules were frozen (170/194 = 87.6 %, docs/signals.md §6.3); round 6 tuned on it.
	scoreHeldOut(t, "heldout5", "heldout5", true)
	// heldout6/ (SOURCES-heldout6.md, SOURCES-heldout6b.md: two collectors who never read the
	// rules, split as for heldout5) was collected while round 6 was tuned and first scored after
	// round 6's rules were frozen (75/94 = 79.8 %); round 7 tuned on it.
	scoreHeldOut(t, "heldout6", "heldout6", true)
	// heldout7/ (SOURCES-heldout7.md, SOURCES-heldout7b.md: two blind collectors, the second half
	// moved in before the first score) was collected after round 7's rules were frozen and scored
	// once (69/76 = 90.8 %, docs/signals.md §6.3); round 8 tunes on it.
	scoreHeldOut(t, "heldout7", "heldout7", true)
	// heldout8/ (SOURCES-heldout8.md, SOURCES-heldout8b.md: two blind collectors, the halves
	// cross-checked and merged before the first score) was collected after round 8's rules were
	// frozen and scored once (62/75 = 82.7 %, docs/signals.md §6.3); round 9 tuned on it.
	scoreHeldOut(t, "heldout8", "heldout8", true)
	// heldout9/ (SOURCES-heldout9.md, SOURCES-heldout9b.md: collected as heldout8 was) was
	// collected after round 9's rules were frozen and scored once (63/69 = 91.3 %, docs/signals.md
	// §6.3); round 10 tuned on it.
	scoreHeldOut(t, "heldout9", "heldout9", true)
	// heldout10/ (SOURCES-heldout10.md, SOURCES-heldout10b.md: collected as heldout8 was) was
	// collected after round 10's rules were frozen and scored once (41/53 = 77.4 %,
	// docs/signals.md §6.3); round 11 tuned on it.
	scoreHeldOut(t, "heldout10", "heldout10", true)
	// heldout11/ (SOURCES-heldout11.md, SOURCES-heldout11b.md: collected as heldout8 was) was
	// collected after round 11's rules were frozen and scored once (43/51 = 84.3 %,
	// docs/signals.md §6.3); round 12 tuned on it.
	scoreHeldOut(t, "heldout11", "heldout11", true)
	// heldout12/ (SOURCES-heldout12.md, -12b.md, -12c.md: three blind collectors, merged and
	// cross-checked before the first score) was collected after round 12's rules were frozen: the
	// generalisation figure. Its misses print by class pair only.
	scoreHeldOut(t, "heldout12", "heldout12", true)
	if 100*agree < 95*total {
		t.Errorf("train agreement fell below 95 %%")
	}
}

// scoreHeldOut scores one held-out split and logs its misses by class pair (and by file when
// byFile: a split the rules were tuned on) and its SCORE line, which `make test` prints.
func scoreHeldOut(t *testing.T, split, label string, byFile bool) {
	t.Helper()
	agree, total, misses, _ := scoreSplit(t, split)
	pairs := map[string]int{}
	for _, m := range misses {
		pairs[missPair(m)]++
		if byFile {
			t.Log(label + " miss " + m)
		}
	}
	for _, p := range slices.Sorted(maps.Keys(pairs)) {
		t.Logf("%s miss %s: %d", label, p, pairs[p])
	}
	t.Logf("SCORE %s: %d/%d = %.1f %% class-and-blame agreement", split, agree, total, 100*float64(agree)/float64(total))
}

// missPair reduces a miss line to "want → got" (class/blame each).
func missPair(m string) string {
	_, rest, _ := strings.Cut(m, ": want ")
	want, rest, _ := strings.Cut(rest, ", got ")
	got, _, _ := strings.Cut(rest, " (")
	return want + " → " + got
}

// TestEveryClassHasACase: every class of the taxonomy keeps at least one case across the
// corpora (testdata/corpus and the real-world splits), or, for the classes only a live
// connection or a baseline produces, a row of TestClassify.
func TestEveryClassHasACase(t *testing.T) {
	seen := map[classify.Class]bool{}
	for _, dir := range []string{"testdata/corpus", "testdata/realworld/train", "testdata/realworld/heldout", "testdata/realworld/heldout2",
		"testdata/realworld/heldout3"} {
		for _, c := range loadCases(t, dir) {
			seen[c.class] = true
		}
	}
	live := []classify.Class{classify.ConnectionError, classify.TimeoutConnect, classify.TimeoutTTFB, classify.TimeoutTotal,
		classify.StreamStalled, classify.WrongAnswer, classify.StatusUnreadable}
	for _, cl := range classify.Classes {
		if !seen[cl] && !slices.Contains(live, cl) {
			t.Errorf("no case for class %s", cl)
		}
	}
}

// TestSecondAnnotator compares heldout5/'s and heldout6/'s labels with a second, blind labelling
// of the same cases by the same guide (testdata/realworld/heldoutN-second-annotator.tsv) and logs
// how often the two people agree — the ceiling that any classifier's agreement with one of them
// is held against — and how often the classifier agrees with each. It fails when a case lacks a
// row or a row names no class of the taxonomy.
func TestSecondAnnotator(t *testing.T) {
	for _, split := range []string{"heldout5", "heldout6", "heldout8", "heldout9", "heldout10", "heldout11", "heldout12"} {
		compareAnnotators(t, split)
	}
}

func compareAnnotators(t *testing.T, split string) {
	t.Helper()
	data, err := os.ReadFile("testdata/realworld/" + split + "-second-annotator.tsv")
	if err != nil {
		t.Fatal(err)
	}
	second := map[string][2]string{}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, "\t")
		if strings.HasPrefix(line, "#") || len(f) < 3 {
			continue
		}
		second[f[0]] = [2]string{f[1], f[2]}
	}
	known := map[classify.Class]bool{}
	for _, c := range classify.Classes {
		known[c] = true
	}
	var both, first, other, total int
	for _, c := range loadCases(t, "testdata/realworld/"+split) {
		s, ok := second[c.name]
		if !ok {
			t.Errorf("%s: no second label", c.name)
			continue
		}
		if !known[classify.Class(s[0])] {
			t.Errorf("%s: second label %q is not a class", c.name, s[0])
		}
		o, err := capture.Parse(bytes.NewReader(c.raw))
		got := classify.Classification{Class: "parse_error"}
		if err == nil {
			got = classify.Classify(o)
		}
		total++
		if s == [2]string{string(c.class), string(c.blame)} {
			both++
		}
		if got.Class == c.class && got.Blame == c.blame {
			first++
		}
		if s == [2]string{string(got.Class), string(got.Blame)} {
			other++
		}
	}
	pct := func(n int) float64 { return 100 * float64(n) / float64(total) }
	t.Logf("SCORE %s annotators: %d/%d = %.1f %% agree; classifier with the first %.1f %%, with the second %.1f %%",
		split, both, total, pct(both), pct(first), pct(other))
}
