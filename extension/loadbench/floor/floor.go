// Package floor is the load benchmark's floor: the least a Go client can do to read one
// streamed chat completion from the stamping simulator and time its first token. make bench
// runs it bare (extension/loadbench) and inside k6 (extension/loadbench/k6floor), so that what
// the extension costs is set against both.
package floor

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Body is the request both floors send (the extension's load.js sends its own, of about the
// same size).
var Body = []byte(`{"model":"gpt-4o-mini","stream":true,"max_tokens":64,"messages":[{"role":"user","content":"Count the words: word0 word1 word2. Reply with the count."}]}`)

var (
	contentMark = []byte(`"content":"`)
	stampMark   = []byte(": t=")
	dataMark    = []byte("data: ")
)

// ErrNoContent is a stream that ended without a chunk of answer text.
var ErrNoContent = errors.New("floor: no content chunk in the stream")

// Read posts Body to base's /chat/completions with the simulator's stamps asked for and reads
// the stream to its end: TTFT is the arrival of the first data line with non-empty content,
// and the result is its error in ms (measured minus the server's write stamp of that chunk).
func Read(ctx context.Context, client *http.Client, base string) (errMs float64, err error) {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/chat/completions", bytes.NewReader(Body))
	if err != nil {
		return 0, fmt.Errorf("floor: request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Sim-Stamps", "1")
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("floor: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	sc := bufio.NewScanner(resp.Body)
	var stamp int64
	found := false
	for sc.Scan() {
		line := sc.Bytes()
		if bytes.HasPrefix(line, stampMark) {
			stamp, _ = strconv.ParseInt(string(line[len(stampMark):]), 10, 64)
			continue
		}
		if !found && bytes.HasPrefix(line, dataMark) {
			if i := bytes.Index(line, contentMark); i >= 0 && i+len(contentMark) < len(line) && line[i+len(contentMark)] != '"' {
				found = true
				errMs = float64(time.Since(start)-time.Duration(stamp-start.UnixNano())) / float64(time.Millisecond)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("floor: reading the stream: %w", err)
	}
	if !found {
		return 0, ErrNoContent
	}
	return errMs, nil
}
