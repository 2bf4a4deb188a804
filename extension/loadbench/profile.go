package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// profileK6 runs the extension under k6 at n streams for d (no repetition) with k6's pprof
// endpoints on, and saves a CPU profile of the middle of the run (start-up and the end-of-test
// summary left out) and the allocation profile at its end, as <out>/k6-cpu-<n>.pprof and
// <out>/k6-allocs-<n>.pprof, with a second of execution trace after the CPU profile as
// <out>/k6-<n>.trace. Read them with the same binary: go tool pprof -top ./k6 <file>. With
// k6Floor it then profiles the floor's reader under k6 the same way (k6floor-*), so that the two
// CPU profiles show, function by function, what the extension adds to what k6 costs anyway.
func profileK6(k6, k6Floor string, n int, d time.Duration, out string) error {
	if d < 8*time.Second {
		return fmt.Errorf("profile: -duration %s is too short (at least 8s)", d)
	}
	base, dir, stop, err := setup(k6)
	if err != nil {
		return err
	}
	defer stop()
	if err := os.MkdirAll(out, 0o750); err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	if err := profileOne(k6, filepath.Join("scripts", "load.js"), "k6", base, dir, n, d, out); err != nil {
		return err
	}
	if k6Floor == "" {
		return nil
	}
	return profileOne(k6Floor, filepath.Join("extension", "loadbench", "k6floor.js"), "k6floor", base, dir, n, d, out)
}

// profileOne profiles one k6 run of script into <out>/<name>-cpu-<n>.pprof and its siblings.
func profileOne(k6, script, name, base, dir string, n int, d time.Duration, out string) error {
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	secs := int((d - 6*time.Second).Seconds())
	cpuFile := filepath.Join(out, fmt.Sprintf("%s-cpu-%d.pprof", name, n))
	allocFile := filepath.Join(out, fmt.Sprintf("%s-allocs-%d.pprof", name, n))
	traceFile := filepath.Join(out, fmt.Sprintf("%s-%d.trace", name, n))
	got := make(chan error, 1)
	go func() {
		time.Sleep(3 * time.Second) // past start-up: VUs initialised, streams in flight
		if err := save(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, secs), cpuFile, time.Duration(secs+30)*time.Second); err != nil {
			got <- err
			return
		}
		// An execution trace after the CPU profile (the two cannot overlap usefully): where
		// goroutines waited to run, read with go tool trace -pprof=sched.
		if err := save(fmt.Sprintf("http://%s/debug/pprof/trace?seconds=1", addr), traceFile, 30*time.Second); err != nil {
			got <- err
			return
		}
		got <- save(fmt.Sprintf("http://%s/debug/pprof/allocs", addr), allocFile, 30*time.Second)
	}()
	r, err := runK6(k6, script, base, n, d, dir, "--address", addr, "--profiling-enabled")
	if err != nil {
		return err
	}
	if err := <-got; err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	fmt.Printf("%s (%s), %d streams for %s: %d completions, ttft err p99 %.3f ms, cpu %.0f ms / 1k\n",
		name, script, n, d, r.completions, r.errP99, cpuPer1k(r.cpu, r.completions))
	fmt.Printf("CPU profile (%d s of the middle of the run): %s\nexecution trace (1 s after it): %s\nallocation profile (whole run): %s\nread with: go tool pprof -top %s %s\n",
		secs, cpuFile, traceFile, allocFile, k6, cpuFile)
	return nil
}

// freeAddr is a free 127.0.0.1 port for k6's REST API (closed again before k6 binds it).
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("free port: %w", err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String(), nil
}

func save(url, file string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("get %s: %w", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("get %s: %s", url, resp.Status)
	}
	f, err := os.Create(file) // #nosec G304 -- the operator's output directory
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", file, err)
	}
	return f.Close()
}
