package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// setup starts the benchmark's server and a scratch folder for the runs' scripts and
// summaries; stop ends the one and removes the other.
func setup(k6 string) (base, dir string, stop func(), err error) {
	base, stopSim, err := startSim(k6)
	if err != nil {
		return "", "", nil, err
	}
	dir, err = os.MkdirTemp("", "loadbench")
	if err != nil {
		stopSim()
		return "", "", nil, fmt.Errorf("scratch folder: %w", err)
	}
	return base, dir, func() { stopSim(); _ = os.RemoveAll(dir) }, nil
}

// startSim runs `k6 x chatgpt simulate` as the benchmark's server, in its own process.
func startSim(k6 string) (base string, stop func(), err error) {
	cmd := exec.Command(k6, "x", "chatgpt", "simulate", "--listen", "127.0.0.1:0", "--ttft", "200ms", "--itl", "20ms", "--tokens", "20", "--stamps")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start simulator: %w", err)
	}
	stop = func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("simulator did not start: %w", err)
	}
	for _, f := range strings.Fields(line) {
		if strings.HasPrefix(f, "http://") {
			return f, stop, nil
		}
	}
	stop()
	return "", nil, fmt.Errorf("no URL in %q", line)
}

func p99(xs []float64) float64 {
	if len(xs) == 0 {
		return -1
	}
	s := slices.Clone(xs)
	for i := range s {
		s[i] = max(s[i], -s[i])
	}
	slices.Sort(s)
	return s[min(len(s)-1, int(0.99*float64(len(s))))]
}

// cpuPer1k is CPU milliseconds per 1,000 completions.
func cpuPer1k(cpu time.Duration, n int) float64 {
	if n == 0 {
		return -1
	}
	return float64(cpu) / float64(time.Millisecond) / float64(n) * 1000
}

// steadyPer1k is the CPU milliseconds per 1,000 completions that a run adds over a shorter run
// of the same client: what one more completion costs once the process has started. k6 pays a
// start-up the bare reader does not (a JS runtime and the script's init per VU, 0.3 s of CPU at
// 100 VUs) and a short run amortises it over few completions; the difference of two runs takes
// it off both clients alike. -1 when the longer run did not complete more.
func steadyPer1k(shortCPU time.Duration, shortN int, cpu time.Duration, n int) float64 {
	if n <= shortN {
		return -1
	}
	return max(0, float64(cpu-shortCPU)) / float64(time.Millisecond) / float64(n-shortN) * 1000
}

// client is one of the benchmark's readers of the stamping simulator.
type client int

const (
	floorGo client = iota // the bare net/http SSE reader
	ext                   // the extension under k6 (scripts/load.js)
	k6HTTP                // k6's http.post with the SSE parsed in JS
	k6Floor               // the floor's reader inside k6 (k6floor): the least an extension costs
)

var clientName = [...]string{floorGo: "bare Go", ext: "xk6-chatgpt", k6HTTP: "k6 http+JS", k6Floor: "k6 floor"}

// row is every run of one concurrency: per client, the TTFT error p99 (ms, -1 unmeasured), the
// CPU per 1,000 completions of each whole run and in its steady state (see steadyPer1k), index r
// being run r of every client.
type row struct {
	n        int
	errP99   map[client][]float64
	cpu      map[client][]float64
	steady   map[client][]float64
	complete map[client][]float64
}

// within is max_streams' rule, on medians: the extension's TTFT error p99 is at most 5 ms while
// the floor's is.
func (w row) within() bool {
	e, f := spreadOf(w.errP99[ext]), spreadOf(w.errP99[floorGo])
	return e.n > 0 && e.median <= 5 && f.n > 0 && f.median <= 5
}

// config is what the command line sets.
type config struct {
	k6, k6Floor string        // the k6 with the extension; the floor's k6 ("" leaves that client out)
	d, short    time.Duration // a run, and the short run whose CPU steadyPer1k takes off it
	sweep       string        // concurrencies beyond levels tried for max_streams
	levels      []int         // the rows' concurrencies
	runs        int
}

type bench struct {
	config
	base, dir string
}

// one runs client c once at n streams for d.
func (b bench) one(c client, n int, d time.Duration) (errP99 float64, comp int, cpu time.Duration, err error) {
	switch c {
	case floorGo:
		r := bare(b.base, n, d)
		return p99(r.errs), r.completions, r.cpu, nil
	case ext:
		r, err := runK6(b.k6, filepath.Join("scripts", "load.js"), b.base, n, d, b.dir)
		if r.completions == 0 {
			r.errP99 = -1
		}
		return r.errP99, r.completions, r.cpu, err
	case k6Floor:
		r, err := runK6(b.k6Floor, filepath.Join("extension", "loadbench", "k6floor.js"), b.base, n, d, b.dir)
		return r.errP99, r.completions, r.cpu, err
	default:
		r, err := runK6(b.k6, filepath.Join("extension", "loadbench", "k6http.js"), b.base, n, d, b.dir)
		return -1, r.completions, r.cpu, err
	}
}

// row runs clients at n streams b.runs times, interleaved (see order), printing each run.
func (b bench) row(n int, clients ...client) (row, error) {
	w := row{n: n, errP99: map[client][]float64{}, cpu: map[client][]float64{}, steady: map[client][]float64{}, complete: map[client][]float64{}}
	for r := range b.runs {
		for _, c := range order(clients, r) {
			_, sComp, sCPU, err := b.one(c, n, b.short)
			if err != nil {
				return w, err
			}
			e, comp, cpu, err := b.one(c, n, b.d)
			if err != nil {
				return w, err
			}
			st := steadyPer1k(sCPU, sComp, cpu, comp)
			w.errP99[c] = append(w.errP99[c], e)
			w.cpu[c] = append(w.cpu[c], cpuPer1k(cpu, comp))
			w.steady[c] = append(w.steady[c], st)
			w.complete[c] = append(w.complete[c], float64(comp))
			es := "-"
			if e >= 0 {
				es = fmt.Sprintf("%.3f ms", e)
			}
			fmt.Printf("  run %d/%d %-12s %6d streams %7d completions  ttft err p99 %10s  cpu %5.0f ms / 1k (steady %5.0f)\n",
				r+1, b.runs, clientName[c], n, comp, es, cpuPer1k(cpu, comp), st)
		}
	}
	fmt.Printf("  (load average after the row: %s)\n", loadAvg())
	return w, nil
}

// loadAvg is the 1/5/15-minute load average (Linux), printed with each row: on a shared machine
// it says how busy the machine was while the figures were taken.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

func run(cfg config) error {
	base, dir, stop, err := setup(cfg.k6)
	if err != nil {
		return err
	}
	defer stop()
	b := bench{config: cfg, base: base, dir: dir}
	d, short, runs, levels, sweep := cfg.d, cfg.short, cfg.runs, cfg.levels, cfg.sweep
	cmp := levels[min(1, len(levels)-1)] // where k6 http+JS and the heap are measured
	fmt.Printf("load benchmark: simulator %s (TTFT 200 ms, 20 chunks 20 ms apart, stamped), %s per run after one of %s (steady CPU: the difference), %d runs per row, clients interleaved\n", base, d, short, runs)
	fmt.Printf("%s, %d CPUs, load average %s, %s\n\n", runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU(), loadAvg(), time.Now().UTC().Format(time.RFC3339))
	var rows []row
	maxStreams, ok := 0, true
	for _, n := range levels {
		clients := []client{floorGo, ext}
		if b.k6Floor != "" {
			clients = append(clients, k6Floor)
		}
		if n == cmp {
			clients = append(clients, k6HTTP)
		}
		w, err := b.row(n, clients...)
		if err != nil {
			return err
		}
		rows = append(rows, w)
		if ok = ok && w.within(); ok {
			maxStreams = n
		}
	}
	for f := range strings.SplitSeq(sweep, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if !ok || err != nil || n <= levels[len(levels)-1] {
			continue
		}
		w, err := b.row(n, floorGo, ext)
		if err != nil {
			return err
		}
		rows = append(rows, w)
		if ok = w.within(); ok {
			maxStreams = n
		}
	}
	var heaps []float64
	for range runs {
		heaps = append(heaps, heapPerStream(base, cmp))
	}
	heap := spreadOf(heaps)
	printTable(rows)
	printFloorTable(rows)
	fmt.Printf("\nlive heap per in-flight stream (probe engine, %d streams): %s KiB\n", cmp, heap.format("%.1f"))
	fmt.Println(benchLine(rows, cmp, heap, maxStreams, runs))
	return nil
}

// printTable is one line per concurrency: medians with min–max over the runs.
func printTable(rows []row) {
	fmt.Printf("\nmedian (min–max) over the runs; ratios are taken within each interleaved pair\n")
	fmt.Printf("%7s | %-28s | %-28s | %-22s | %-22s | %-20s | %-20s | %s\n", "streams", "floor ttft err p99 ms", "xk6 ttft err p99 ms", "floor cpu ms/1k", "xk6 cpu ms/1k", "xk6/floor cpu", "steady xk6/floor cpu", "xk6/k6 http cpu")
	for _, w := range rows {
		http := "-"
		if len(w.cpu[k6HTTP]) > 0 {
			http = spreadOf(ratios(w.cpu[ext], w.cpu[k6HTTP])).format("%.2f")
		}
		fmt.Printf("%7d | %-28s | %-28s | %-22s | %-22s | %-20s | %-20s | %s\n", w.n,
			spreadOf(w.errP99[floorGo]).format("%.2f"), spreadOf(w.errP99[ext]).format("%.2f"),
			spreadOf(w.cpu[floorGo]).format("%.0f"), spreadOf(w.cpu[ext]).format("%.0f"),
			spreadOf(ratios(w.cpu[ext], w.cpu[floorGo])).format("%.2f"),
			spreadOf(ratios(w.steady[ext], w.steady[floorGo])).format("%.2f"), http)
	}
}

// printFloorTable sets the floor under k6 against the bare reader and the extension, when it ran:
// what k6 itself adds, and what the extension adds beyond that.
func printFloorTable(rows []row) {
	if len(rows) == 0 || len(rows[0].cpu[k6Floor]) == 0 {
		return
	}
	fmt.Printf("\nthe floor's reader under k6 (k6floor): median (min–max), ratios within each interleaved run\n")
	fmt.Printf("%7s | %-28s | %-22s | %-20s | %-20s | %-20s | %s\n", "streams", "k6 floor ttft err p99 ms", "k6 floor cpu ms/1k", "k6 floor/floor cpu", "steady", "xk6/k6 floor cpu", "steady")
	for _, w := range rows {
		if len(w.cpu[k6Floor]) == 0 {
			continue
		}
		fmt.Printf("%7d | %-28s | %-22s | %-20s | %-20s | %-20s | %s\n", w.n,
			spreadOf(w.errP99[k6Floor]).format("%.2f"), spreadOf(w.cpu[k6Floor]).format("%.0f"),
			spreadOf(ratios(w.cpu[k6Floor], w.cpu[floorGo])).format("%.2f"), spreadOf(ratios(w.steady[k6Floor], w.steady[floorGo])).format("%.2f"),
			spreadOf(ratios(w.cpu[ext], w.cpu[k6Floor])).format("%.2f"), spreadOf(ratios(w.steady[ext], w.steady[k6Floor])).format("%.2f"))
	}
}

// benchLine is the one-line summary, every figure a median over the runs. Its first keys keep
// their meaning from before repetition (the 100-stream error, the ratios at cmp streams); the
// per-concurrency keys follow.
func benchLine(rows []row, cmp int, heap spread, maxStreams, runs int) string {
	med := func(xs []float64) float64 { return spreadOf(xs).median }
	at := func(n int) row {
		for _, w := range rows {
			if w.n == n {
				return w
			}
		}
		return row{}
	}
	lo, c := rows[0], at(cmp)
	s := fmt.Sprintf("BENCH runs=%d ttft_err_p99_ms_%d=%.3f ttft_err_ratio_%d=%.2f cpu_ratio_vs_bare_go=%.2f cpu_ratio_vs_k6_http=%.2f heap_per_stream_kib=%.1f max_streams=%d",
		runs, lo.n, med(lo.errP99[ext]), cmp, med(ratios(c.errP99[ext], c.errP99[floorGo])),
		med(ratios(c.cpu[ext], c.cpu[floorGo])), med(ratios(c.cpu[ext], c.cpu[k6HTTP])), heap.median, maxStreams)
	for _, w := range rows {
		s += fmt.Sprintf(" err_p99_ms_%d=%.3f floor_err_p99_ms_%d=%.3f cpu_ratio_vs_bare_go_%d=%.2f steady_cpu_ratio_vs_bare_go_%d=%.2f",
			w.n, med(w.errP99[ext]), w.n, med(w.errP99[floorGo]), w.n, med(ratios(w.cpu[ext], w.cpu[floorGo])),
			w.n, med(ratios(w.steady[ext], w.steady[floorGo])))
		if len(w.cpu[k6Floor]) > 0 {
			s += fmt.Sprintf(" k6_floor_cpu_ratio_vs_bare_go_%d=%.2f steady_k6_floor_cpu_ratio_vs_bare_go_%d=%.2f",
				w.n, med(ratios(w.cpu[k6Floor], w.cpu[floorGo])), w.n, med(ratios(w.steady[k6Floor], w.steady[floorGo])))
		}
	}
	return s
}
