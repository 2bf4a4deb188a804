package main

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/loadbench/floor"
)

// bareResult is the floor: what a minimal Go SSE reader measures.
type bareResult struct {
	errs        []float64 // TTFT error per completion, ms (measured - the server's stamp)
	completions int
	cpu         time.Duration
}

// bare runs n concurrent streams for d with the floor's reader (floor.Read); a stream in flight
// when d ends is read to its end, as k6 lets an iteration finish.
func bare(base string, n int, d time.Duration) bareResult {
	tr := &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: 0}
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var mu sync.Mutex
	var res bareResult
	cpu0 := cpuTime()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for ctx.Err() == nil {
				errMs, err := floor.Read(context.Background(), client, base)
				if err != nil {
					continue
				}
				mu.Lock()
				res.errs = append(res.errs, errMs)
				res.completions++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res.cpu = cpuTime() - cpu0
	tr.CloseIdleConnections()
	return res
}
