package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// held is what a probe could leave behind in the k6 process: goroutines running our code, and
// TCP connections k6 holds as a client.
type held struct{ goroutines, conns int }

func (h held) String() string { return fmt.Sprintf("%d goroutines/%d conns", h.goroutines, h.conns) }

// watch counts what the k6 process pid holds, through its pprof endpoint api. k6's own
// background work (loading the system roots, the pprof server answering this very request, the
// trace exporter's keep-alive connection to ignore) comes and goes with the machine's load:
// counting every goroutine would make the check flaky, not stricter.
type watch struct {
	api    string
	pid    int
	ignore []string // host:port k6 may stay connected to (the trace collector)
}

// held takes the count, with the stacks of our goroutines.
func (w watch) held(t *testing.T) (held, []string) {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	// k6 starts its REST API beside the script, not before it: on a loaded machine the script
	// can say READY while the API is not yet listening, so a refused connection is retried.
	var resp *http.Response
	var err error
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if resp, err = c.Get("http://" + w.api + "/debug/pprof/goroutine?debug=2"); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Errorf("goroutine dump: %v", err)
		return held{}, nil
	}
	defer func() { _ = resp.Body.Close() }()
	dump, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil || !bytes.HasPrefix(dump, []byte("goroutine ")) {
		t.Errorf("goroutine dump: %v %.200q", err, dump)
		return held{}, nil
	}
	var ours []string
	for _, g := range strings.Split(string(dump), "\n\n") {
		if strings.Contains(g, "xk6-chatgpt/extension") {
			ours = append(ours, g)
		}
	}
	return held{goroutines: len(ours), conns: w.conns(t)}, ours
}

// conns counts the process's TCP sockets that are neither listening, nor closed, nor the
// server side of the pprof endpoint, nor to an ignored address (/proc/<pid>/fd, /proc/net/tcp).
func (w watch) conns(t *testing.T) int {
	t.Helper()
	inodes := map[string]bool{}
	fds, err := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", w.pid))
	if err != nil {
		t.Errorf("k6's sockets: %v", err)
	}
	for _, fd := range fds {
		if l, err := os.Readlink(fd); err == nil && strings.HasPrefix(l, "socket:[") {
			inodes[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] = true
		}
	}
	_, apiPort, _ := net.SplitHostPort(w.api)
	skip := map[string]bool{}
	for _, a := range w.ignore {
		_, p, _ := net.SplitHostPort(a)
		skip[p] = true
	}
	n := 0
	for _, table := range []string{"tcp", "tcp6"} {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/%s", w.pid, table))
		if err != nil {
			continue // no IPv6 on this machine
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			f := strings.Fields(line)
			// sl local rem st tx:rx tr:when retrnsmt uid timeout inode
			if len(f) < 10 || !inodes[f[9]] || f[3] == "0A" || f[3] == "06" || f[3] == "07" {
				continue // not k6's, LISTEN, TIME_WAIT, CLOSE
			}
			if port(f[1]) == apiPort || skip[port(f[2])] {
				continue
			}
			n++
		}
	}
	return n
}

// port is the decimal port of a /proc/net/tcp address (hex "0100007F:1F90").
func port(addr string) string {
	_, hex, _ := strings.Cut(addr, ":")
	p, err := strconv.ParseUint(hex, 16, 16)
	if err != nil {
		return ""
	}
	return strconv.FormatUint(p, 10)
}
