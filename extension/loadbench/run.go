package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

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

func run(k6 string, d time.Duration, sweep string, quick bool) error {
	base, stop, err := startSim(k6)
	if err != nil {
		return err
	}
	defer stop()
	dir, err := os.MkdirTemp("", "loadbench")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	script := filepath.Join("scripts", "load.js")
	k6http := filepath.Join("extension", "loadbench", "k6http.js")
	levels := []int{100, 500}
	if quick {
		levels = []int{20, 50}
	}
	fmt.Printf("load benchmark: simulator %s (TTFT 200 ms, 20 chunks 20 ms apart, stamped), %s per run\n\n", base, d)
	fmt.Printf("%-12s %8s %12s %14s %16s\n", "client", "streams", "completions", "ttft err p99", "cpu ms / 1k")
	row := func(name string, n, comp int, errP99 float64, cpu time.Duration) {
		e := "-"
		if errP99 >= 0 {
			e = fmt.Sprintf("%.3f ms", errP99)
		}
		fmt.Printf("%-12s %8d %12d %14s %16.0f\n", name, n, comp, e, cpuPer1k(cpu, comp))
	}
	type pair struct{ ours, floor float64 }
	errAt := map[int]pair{}
	cpuAt := map[int]pair{}
	// both runs the floor and the extension at n streams, one after the other.
	both := func(n int) (pair, error) {
		b := bare(base, n, d)
		row("bare Go", n, b.completions, p99(b.errs), b.cpu)
		o, err := runK6(k6, script, base, n, d, dir)
		if err != nil {
			return pair{}, err
		}
		row("xk6-chatgpt", n, o.completions, o.errP99, o.cpu)
		errAt[n] = pair{o.errP99, p99(b.errs)}
		cpuAt[n] = pair{cpuPer1k(o.cpu, o.completions), cpuPer1k(b.cpu, b.completions)}
		if o.completions == 0 {
			errAt[n] = pair{-1, errAt[n].floor}
		}
		return errAt[n], nil
	}
	within := func(e pair) bool { return e.ours >= 0 && e.ours <= 5 && e.floor <= 5 }
	maxStreams := 0
	for _, n := range levels {
		e, err := both(n)
		if err != nil {
			return err
		}
		if within(e) {
			maxStreams = n
		}
	}
	hi := levels[len(levels)-1]
	h, err := runK6(k6, k6http, base, hi, d, dir)
	if err != nil {
		return err
	}
	row("k6 http+JS", hi, h.completions, -1, h.cpu)
	for _, f := range strings.Split(sweep, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			continue
		}
		e, err := both(n)
		if err != nil {
			return err
		}
		if !within(e) {
			break
		}
		maxStreams = n
	}
	heap := heapPerStream(base, hi)
	lo := levels[0]
	fmt.Printf("\nlive heap per in-flight stream (probe engine, %d streams): %.1f KiB\n", hi, heap)
	fmt.Printf("BENCH ttft_err_p99_ms_%d=%.3f ttft_err_ratio_%d=%.2f cpu_ratio_vs_bare_go=%.2f cpu_ratio_vs_k6_http=%.2f heap_per_stream_kib=%.1f max_streams=%d\n",
		lo, errAt[lo].ours, hi, errAt[hi].ours/max(errAt[hi].floor, 0.001), cpuAt[hi].ours/cpuAt[hi].floor,
		cpuAt[hi].ours/cpuPer1k(h.cpu, h.completions), heap, maxStreams)
	return nil
}
