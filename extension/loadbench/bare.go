package main

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// bareResult is the floor: what a minimal Go SSE reader measures.
type bareResult struct {
	errs        []float64 // TTFT error per completion, ms (measured - the server's stamp)
	completions int
	cpu         time.Duration
}

var contentMark = []byte(`"content":"`)

// bare runs n concurrent streams for d with a minimal net/http SSE reader: TTFT is the arrival
// of the first chunk with non-empty content; the truth is that chunk's write stamp.
func bare(base string, n int, d time.Duration) bareResult {
	tr := &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: 0}
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	body := []byte(`{"model":"gpt-4o-mini","stream":true,"max_tokens":64,"messages":[{"role":"user","content":"Count the words: word0 word1 word2. Reply with the count."}]}`)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var mu sync.Mutex
	var res bareResult
	cpu0 := cpuTime()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for ctx.Err() == nil {
				start := time.Now()
				req, _ := http.NewRequest(http.MethodPost, base+"/chat/completions", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Sim-Stamps", "1")
				resp, err := client.Do(req)
				if err != nil {
					continue
				}
				sc := bufio.NewScanner(resp.Body)
				var stamp int64
				var errMs float64
				found := false
				for sc.Scan() {
					line := sc.Bytes()
					if bytes.HasPrefix(line, []byte(": t=")) {
						stamp, _ = strconv.ParseInt(string(line[4:]), 10, 64)
						continue
					}
					if !found && bytes.HasPrefix(line, []byte("data: ")) {
						if i := bytes.Index(line, contentMark); i >= 0 && line[i+len(contentMark)] != '"' {
							found = true
							errMs = float64(time.Since(start)-time.Duration(stamp-start.UnixNano())) / float64(time.Millisecond)
						}
					}
				}
				_ = resp.Body.Close()
				if found {
					mu.Lock()
					res.errs = append(res.errs, errMs)
					res.completions++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	res.cpu = cpuTime() - cpu0
	tr.CloseIdleConnections()
	return res
}
