package main

import (
	"context"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
)

// heapPerStream is the live heap (after a GC) per in-flight stream of the probe engine, above
// the idle heap: n probes are started together and the heap is read while all of them wait
// for their first token.
func heapPerStream(base string, n int) float64 {
	tg := &probe.Target{Provider: probe.Compatible, Model: "gpt-4o-mini", BaseURL: base, APIKey: "x", MaxTokens: 64}
	if err := tg.Validate(); err != nil {
		return -1
	}
	tr := &http.Transport{MaxIdleConnsPerHost: n}
	defer tr.CloseIdleConnections()
	// Warm the connection pool and the engine, so the reading is of streams, not of set-up.
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { probe.Run(context.Background(), tr, tg, probe.ChatStream) })
	}
	wg.Wait()
	idle := liveHeap()
	for range n {
		wg.Go(func() { probe.Run(context.Background(), tr, tg, probe.ChatStream) })
	}
	time.Sleep(150 * time.Millisecond) // all in flight: headers and the role chunk read, first token due at 200 ms
	busy := liveHeap()
	wg.Wait()
	return float64(busy-idle) / float64(n) / 1024
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
