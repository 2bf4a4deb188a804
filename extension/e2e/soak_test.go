package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
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
}

// Soak: 200 concurrent probes of the looping demo scenario for SOAK_DURATION (2m in make test,
// 30m in make soak), the k6 process's RSS and goroutines sampled every 5 s. After warm-up (the
// first quarter), the last third must not grow more than 20 % over the middle third: no leak.
func TestSoak(t *testing.T) {
	t.Parallel()
	d := 2 * time.Minute
	if v := os.Getenv("SOAK_DURATION"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatal(err)
		}
	}
	api := freePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), d+3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, k6Binary(t), "run", "--quiet", "--no-color", "--profiling-enabled", "--address", api, "scripts/soak.js")
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
			if s, ok := sample(cmd.Process.Pid, api); ok {
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
	t.Logf("soak %s, %d samples: RSS %.0f MiB (middle third) -> %.0f MiB (last third), goroutines %.0f -> %.0f, max RSS %.0f MiB",
		d, len(samples), rssMid/1024, rssLast/1024, gMid, gLast, maxOf(samples)/1024)
	if rssLast > rssMid*1.2 || gLast > gMid*1.2 {
		t.Errorf("growth after warm-up: RSS %.0f -> %.0f KiB, goroutines %.0f -> %.0f", rssMid, rssLast, gMid, gLast)
	}
}

func sample(pid int, api string) (soakSample, bool) {
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
	return s, s.rssKiB > 0
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
