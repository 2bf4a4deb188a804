package main

import (
	"errors"
	"fmt"
	"math"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSpreadOf(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []float64
		want spread
	}{
		{"odd count, unsorted", []float64{5, 1, 3}, spread{median: 3, min: 1, max: 5, n: 3}},
		{"even count averages the middle two", []float64{4, 1, 2, 10}, spread{median: 3, min: 1, max: 10, n: 4}},
		{"one run", []float64{0.7}, spread{median: 0.7, min: 0.7, max: 0.7, n: 1}},
		{"unmeasured runs are skipped", []float64{-1, 2, -1, 8, 6}, spread{median: 6, min: 2, max: 8, n: 3}},
		{"an outlier moves min-max, not the median", []float64{1, 1.1, 0.9, 1, 84.9}, spread{median: 1, min: 0.9, max: 84.9, n: 5}},
		{"nothing measured", []float64{-1}, spread{median: -1, min: -1, max: -1}},
		{"no runs", nil, spread{median: -1, min: -1, max: -1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := slices.Clone(c.in)
			if got := spreadOf(c.in); got != c.want {
				t.Fatalf("spreadOf(%v) = %+v, want %+v", c.in, got, c.want)
			}
			if !slices.Equal(in, c.in) {
				t.Fatalf("spreadOf reordered its input: %v", c.in)
			}
		})
	}
}

func TestSpreadFormat(t *testing.T) {
	for _, c := range []struct {
		s    spread
		want string
	}{
		{spreadOf([]float64{0.5, 0.25, 1}), "0.50 (0.25–1.00)"},
		{spreadOf([]float64{2}), "2.00"},
		{spreadOf(nil), "-"},
	} {
		if got := c.s.format("%.2f"); got != c.want {
			t.Errorf("format = %q, want %q", got, c.want)
		}
	}
}

// Interleaving: each client leads equally often over a row, and every run holds every client once.
func TestOrder(t *testing.T) {
	pair := []client{floorGo, ext}
	var got []string
	for r := range 4 {
		var names []string
		for _, c := range order(pair, r) {
			names = append(names, clientName[c])
		}
		got = append(got, strings.Join(names, ","))
	}
	want := []string{"bare Go,xk6-chatgpt", "xk6-chatgpt,bare Go", "bare Go,xk6-chatgpt", "xk6-chatgpt,bare Go"}
	if !slices.Equal(got, want) {
		t.Fatalf("pair order = %q, want %q", got, want)
	}
	three := []client{floorGo, ext, k6HTTP}
	lead := map[client]int{}
	for r := range 6 {
		o := order(three, r)
		if len(o) != 3 || !slices.Contains(o, floorGo) || !slices.Contains(o, ext) || !slices.Contains(o, k6HTTP) {
			t.Fatalf("run %d order %v is not all three clients once", r, o)
		}
		lead[o[0]]++
	}
	for c, k := range lead {
		if k != 2 {
			t.Errorf("%s leads %d of 6 runs, want 2", clientName[c], k)
		}
	}
	if !slices.Equal(three, []client{floorGo, ext, k6HTTP}) {
		t.Fatalf("order changed its input: %v", three)
	}
	if order([]client(nil), 3) != nil {
		t.Fatal("order of no clients is not empty")
	}
}

func TestRatios(t *testing.T) {
	got := ratios([]float64{400, 300, -1, 200}, []float64{200, 0, 100, 100})
	want := []float64{2, -1, -1, 2}
	if !slices.Equal(got, want) {
		t.Fatalf("ratios = %v, want %v", got, want)
	}
	// The median of pair ratios, not the ratio of medians: drift that hits both clients of a
	// pair cancels.
	ext, floor := []float64{150, 300, 600}, []float64{100, 200, 400}
	if m := spreadOf(ratios(ext, floor)).median; m != 1.5 {
		t.Fatalf("median ratio = %v, want 1.5", m)
	}
}

func TestWithinAndBenchLine(t *testing.T) {
	mk := func(n int, extErr, floorErr, extCPU, floorCPU []float64) row {
		return row{n: n, errP99: map[client][]float64{ext: extErr, floorGo: floorErr},
			cpu: map[client][]float64{ext: extCPU, floorGo: floorCPU, k6HTTP: {1000, 1000, 1000}}}
	}
	// One 84.9 ms run out of five does not cost the row its max_streams: the median decides.
	ok := mk(1000, []float64{2, 84.9, 3, 2.5, 4}, []float64{1, 2, 1, 1, 1}, nil, nil)
	if !ok.within() {
		t.Fatal("median 3 ms vs floor 1 ms is not within 5 ms")
	}
	bad := mk(1000, []float64{6, 2, 7}, []float64{1, 1, 1}, nil, nil)
	if bad.within() {
		t.Fatal("median 6 ms is within 5 ms")
	}
	floorSlow := mk(1000, []float64{1, 1, 1}, []float64{6, 6, 1}, nil, nil)
	if floorSlow.within() {
		t.Fatal("a floor of 6 ms is within 5 ms")
	}
	rows := []row{
		mk(100, []float64{0.5, 0.4, 0.6}, []float64{0.5, 0.5, 0.5}, []float64{400, 450, 500}, []float64{300, 300, 400}),
		mk(500, []float64{1, 3, 2}, []float64{1, 1, 1}, []float64{400, 600, 500}, []float64{200, 300, 250}),
	}
	line := benchLine(rows, 500, spreadOf([]float64{8, 9, 10}), 500, 3)
	for _, want := range []string{"BENCH runs=3 ", "ttft_err_p99_ms_100=0.500 ", "ttft_err_ratio_500=2.00 ", "cpu_ratio_vs_bare_go=2.00 ",
		"cpu_ratio_vs_k6_http=0.50 ", "heap_per_stream_kib=9.0 ", "max_streams=500 ", "cpu_ratio_vs_bare_go_100=1.33", "floor_err_p99_ms_500=1.000"} {
		if !strings.Contains(line, want) {
			t.Errorf("BENCH line lacks %q:\n%s", want, line)
		}
	}
	if strings.Contains(line, "k6_floor") {
		t.Errorf("k6 floor keys without a k6 floor run:\n%s", line)
	}
	// With the k6 floor measured, each row says what k6 alone costs against the bare reader.
	rows[1].cpu[k6Floor] = []float64{240, 330, 300}
	rows[1].steady = map[client][]float64{floorGo: {200, 300, 250}, k6Floor: {220, 330, 250}}
	line = benchLine(rows, 500, spreadOf([]float64{8, 9, 10}), 500, 3)
	for _, want := range []string{"k6_floor_cpu_ratio_vs_bare_go_500=1.20", "steady_k6_floor_cpu_ratio_vs_bare_go_500=1.10"} {
		if !strings.Contains(line, want) {
			t.Errorf("BENCH line lacks %q:\n%s", want, line)
		}
	}
	if strings.Contains(line, "k6_floor_cpu_ratio_vs_bare_go_100") {
		t.Errorf("k6 floor keys for a row it did not run:\n%s", line)
	}
}

// A k6 run whose thresholds fail (exit 99) keeps its figures; any other failure does not.
func TestThresholdsCrossed(t *testing.T) {
	for _, c := range []struct {
		code int
		want bool
	}{{99, true}, {1, false}, {107, false}} {
		err := exec.Command("sh", "-c", fmt.Sprintf("exit %d", c.code)).Run()
		if got := thresholdsCrossed(err); got != c.want {
			t.Errorf("exit %d: thresholdsCrossed = %v, want %v", c.code, got, c.want)
		}
	}
	if thresholdsCrossed(nil) || thresholdsCrossed(errors.New("exit status 99")) {
		t.Error("not an exit error, yet crossed thresholds")
	}
}

func TestSteadyPer1k(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	for _, c := range []struct {
		name     string
		shortCPU time.Duration
		shortN   int
		cpu      time.Duration
		n        int
		want     float64
	}{
		// 300 ms of start-up, then 0.5 ms a completion: the whole run says 0.8 ms, the steady state 0.5
		{"start-up taken off", ms(300 + 100), 200, ms(300 + 1000), 2000, 500},
		{"no start-up: same as the whole run", ms(100), 200, ms(1000), 2000, 500},
		{"the longer run completed no more", ms(100), 200, ms(1000), 200, -1},
		{"CPU going backwards reads zero, not negative", ms(500), 100, ms(400), 200, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := steadyPer1k(c.shortCPU, c.shortN, c.cpu, c.n); math.Abs(got-c.want) > 1e-9 {
				t.Fatalf("steadyPer1k = %v, want %v", got, c.want)
			}
		})
	}
}
