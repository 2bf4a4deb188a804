package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

type soakSample struct {
	at         time.Duration
	rssKiB     int
	goroutines int
	heapKiB    int // live heap (sampled by the heap profile) outside k6's trend sinks
	sinkKiB    int // live heap in k6's trend sinks
}

// Soak: 200 concurrent probes of the looping demo scenario for SOAK_DURATION (1m in make test,
// 30m in make soak), the k6 process's RSS, goroutines and live heap sampled every 5 s. After
// warm-up (the first quarter), the last third must not grow more than 20 % over the middle
// third: no leak. k6 keeps every trend value for its end-of-test summary and thresholds
// (metrics.TrendSink, 8 bytes a value, by design): at this soak's ~2,000 probes/s that alone
// grew RSS from 237 to 432 MiB over 30 minutes. The soak runs without them
// (--summary-mode=disabled --no-thresholds) so what is measured is the extension; the heap
// profile's trend-sink share is reported beside the rest, to show it stays empty.
func TestSoak(t *testing.T) {
	t.Parallel()
	d := time.Minute
	if v := os.Getenv("SOAK_DURATION"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatal(err)
		}
	}
	api := freePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), d+3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, k6Binary(t), "run", "--quiet", "--no-color", "--summary-mode=disabled", "--no-thresholds",
		"--profiling-enabled", "--address", api, "scripts/soak.js")
	cmd.Dir = repoRoot(t)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "K6_NO_USAGE_REPORT=true", "SOAK_DURATION=" + d.String()}
	out, err := os.CreateTemp(t.TempDir(), "soak")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var samples []soakSample
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
loop:
	for {
		select {
		case err := <-done:
			if err != nil {
				b, _ := os.ReadFile(out.Name())
				t.Fatalf("k6: %v\n%s", err, b)
			}
			break loop
		case <-tick.C:
			if s, ok := sample(cmd.Process.Pid, api, time.Since(start) > d/4); ok {
				s.at = time.Since(start)
				samples = append(samples, s)
			}
		}
	}
	var mid, last []soakSample
	for _, s := range samples {
		switch {
		case s.at > d*2/3 && s.at <= d:
			last = append(last, s)
		case s.at > d/4 && s.at <= d*2/3:
			mid = append(mid, s)
		}
	}
	if len(mid) < 2 || len(last) < 2 {
		t.Fatalf("too few samples: %d", len(samples))
	}
	rssMid, rssLast := mean(mid, func(s soakSample) int { return s.rssKiB }), mean(last, func(s soakSample) int { return s.rssKiB })
	gMid, gLast := mean(mid, func(s soakSample) int { return s.goroutines }), mean(last, func(s soakSample) int { return s.goroutines })
	hMid, hLast := mean(mid, func(s soakSample) int { return s.heapKiB }), mean(last, func(s soakSample) int { return s.heapKiB })
	sMid, sLast := mean(mid, func(s soakSample) int { return s.sinkKiB }), mean(last, func(s soakSample) int { return s.sinkKiB })
	t.Logf("soak %s, %d samples, middle third -> last third: live heap outside k6's trend sinks %.1f -> %.1f MiB, trend sinks %.1f -> %.1f MiB, RSS %.0f -> %.0f MiB (max %.0f), goroutines %.0f -> %.0f",
		d, len(samples), hMid/1024, hLast/1024, sMid/1024, sLast/1024, rssMid/1024, rssLast/1024, maxOf(samples)/1024, gMid, gLast)
	if rssLast > rssMid*1.2 || hMid <= 0 || hLast > hMid*1.2 || gLast > gMid*1.2 {
		t.Errorf("growth after warm-up: RSS %.0f -> %.0f KiB, heap %.0f -> %.0f KiB, goroutines %.0f -> %.0f", rssMid, rssLast, hMid, hLast, gMid, gLast)
	}
}

func sample(pid int, api string, withHeap bool) (soakSample, bool) {
	var s soakSample
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, false
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			s.rssKiB, _ = strconv.Atoi(strings.Fields(v)[0])
		}
	}
	_ = f.Close()
	resp, err := http.Get("http://" + api + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		return s, false
	}
	defer func() { _ = resp.Body.Close() }()
	line, _ := bufio.NewReader(io.LimitReader(resp.Body, 4096)).ReadString('\n')
	if _, err := fmt.Sscanf(line, "goroutine profile: total %d", &s.goroutines); err != nil {
		return s, false
	}
	if withHeap {
		var ok bool
		if s.heapKiB, s.sinkKiB, ok = heapShares(api); !ok {
			return s, false
		}
	}
	return s, s.rssKiB > 0
}

// heapShares reads the heap profile (after a GC) in its text form and splits the live bytes
// between k6's trend sinks and everything else. The profile samples allocations, so the figures
// are estimates, but the same estimate at both ends of the run.
func heapShares(api string) (otherKiB, sinkKiB int, ok bool) {
	resp, err := http.Get("http://" + api + "/debug/pprof/heap?debug=1&gc=1")
	if err != nil {
		return 0, 0, false
	}
	defer func() { _ = resp.Body.Close() }()
	sc := bufio.NewScanner(io.LimitReader(resp.Body, 64<<20))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var inuse float64
	var inSink bool
	rate := 512 * 1024.0 // the header says heap/<2×MemProfileRate>
	flush := func() {
		if inSink {
			sinkKiB += int(inuse / 1024)
		} else {
			otherKiB += int(inuse / 1024)
		}
	}
	records := 0
	for sc.Scan() {
		line := sc.Text()
		if h, ok := strings.CutPrefix(line, "heap profile: "); ok {
			if i := strings.LastIndex(h, "heap/"); i >= 0 {
				if r, err := strconv.Atoi(h[i+5:]); err == nil && r > 0 {
					rate = float64(r) / 2
				}
			}
			continue
		}
		var objs, bytes int
		if n, _ := fmt.Sscanf(line, "%d: %d [", &objs, &bytes); n == 2 {
			if records > 0 {
				flush()
			}
			records++
			// Records hold sampled allocations: scale each back up as the runtime's own
			// profile does (1 / (1 - e^(-size/rate)) for its mean object size).
			inuse, inSink = float64(bytes), false
			if objs > 0 {
				inuse /= 1 - math.Exp(-float64(bytes)/float64(objs)/rate)
			}
			continue
		}
		if strings.HasPrefix(line, "#") && strings.Contains(line, "metrics.(*TrendSink).Add") {
			inSink = true
		}
		if strings.HasPrefix(line, "# runtime.MemStats") {
			break
		}
	}
	if records > 0 {
		flush()
	}
	return otherKiB, sinkKiB, records > 0
}

func mean(xs []soakSample, f func(soakSample) int) float64 {
	sum := 0
	for _, x := range xs {
		sum += f(x)
	}
	return float64(sum) / float64(len(xs))
}

func maxOf(xs []soakSample) float64 {
	m := 0
	for _, x := range xs {
		m = max(m, x.rssKiB)
	}
	return float64(m)
}
