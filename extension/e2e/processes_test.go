package e2e

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// process is a server a test started on loopback ports; stop kills it by its PID and waits
// for it, once.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	once sync.Once
}

func (s *process) stop() {
	s.once.Do(func() {
		_ = s.cmd.Process.Kill()
		<-s.done
	})
}

// serverAttempts is how many times startServer tries fresh ports.
const serverAttempts = 3

// startServer starts the command build returns (its ports picked by freePort, its files in
// dir), with its output in dir's server.log, and waits until the URL build returns answers
// 200. freePort closes its listener before the server binds the port, and in between another
// socket may take it (Jaeger's OTLP port once was, when ports came from the ephemeral range, and
// the test then waited 30 s for a server that had exited): a server that exits saying its
// address is in use is started again with new ports, up to serverAttempts times.
func startServer(t *testing.T, build func(dir string) (cmd *exec.Cmd, readyURL string)) *process {
	t.Helper()
	for attempt := 1; ; attempt++ {
		dir := t.TempDir()
		cmd, ready := build(dir)
		s := &process{cmd: cmd, done: make(chan struct{})}
		log := filepath.Join(dir, "server.log")
		logs, err := os.Create(log)
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = logs, logs
		if err := cmd.Start(); err != nil {
			_ = logs.Close()
			t.Fatalf("starting %s: %v", cmd.Path, err)
		}
		go func() { _ = cmd.Wait(); _ = logs.Close(); close(s.done) }()
		t.Cleanup(s.stop)
		err = s.waitReady(ready, 30*time.Second)
		if err == nil {
			return s
		}
		s.stop()
		b, _ := os.ReadFile(log) // #nosec G304 -- the test's own file
		if attempt < serverAttempts && bytes.Contains(b, []byte("address already in use")) {
			t.Logf("%s: a port was taken before it bound it; trying new ports", filepath.Base(cmd.Path))
			continue
		}
		t.Fatalf("%v:\n%s", err, b)
	}
}

// waitReady polls url until it answers 200; it gives up when the process exits or within.
func (s *process) waitReady(url string, within time.Duration) error {
	deadline := time.Now().Add(within)
	client := &http.Client{Timeout: time.Second}
	for {
		if resp, err := client.Get(url); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.done:
			return fmt.Errorf("%s exited before %s answered", filepath.Base(s.cmd.Path), url)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready in %s", url, within)
		}
	}
}

// A port taken between freePort and the server binding it costs a restart on new ports, not
// the test: Jaeger's first OTLP port here is one a listener holds.
func TestStartServerRetriesTakenPort(t *testing.T) {
	bin := os.Getenv("JAEGER_BIN")
	if bin == "" {
		t.Skip("JAEGER_BIN is not set: `make test` builds Jaeger v2 and runs this test")
	}
	t.Parallel()
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	tries := 0
	j := startJaegerOn(t, bin, func() string {
		tries++
		if tries == 1 {
			return held.Addr().String()
		}
		return freePort(t)
	})
	if tries != 2 || j.otlp == held.Addr().String() {
		t.Fatalf("%d tries, OTLP on %s (held: %s)", tries, j.otlp, held.Addr())
	}
}

// freePort is a loopback address nobody listens on, for a server the test starts. Its listener
// is closed before the server binds the port, and in between the kernel may hand the port to
// another socket: any outgoing connection takes its local port from the ephemeral range, and
// so does a listener on port 0. So the port is drawn at random from below that range (the
// Linux default starts at 32768), where only this package's own servers bind, and a port given
// once is never given twice in this test process (Jaeger's query and OTLP ports once
// collided). Where the range cannot be read, the kernel's choice is taken, and startServer's
// retry covers the race.
func freePort(t *testing.T) string {
	t.Helper()
	givenMu.Lock()
	defer givenMu.Unlock()
	lo := ephemeralStart()
	for range 100 {
		addr := "127.0.0.1:0"
		if lo > portFloor+1000 {
			addr = fmt.Sprintf("127.0.0.1:%d", portFloor+rand.IntN(lo-portFloor)) // #nosec G404 -- a port, not a secret
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			continue // taken: draw again
		}
		addr = ln.Addr().String()
		_ = ln.Close()
		if !given[addr] {
			given[addr] = true
			return addr
		}
	}
	t.Fatal("no fresh loopback port in 100 tries")
	return ""
}

// portFloor is the lowest port freePort draws: above the well-known and most registered
// services' ports.
const portFloor = 20000

var (
	givenMu sync.Mutex
	given   = map[string]bool{}
)

// ephemeralStart is the first port of the kernel's ephemeral range, or 0 when unknown; read
// once per test process.
var ephemeralStart = sync.OnceValue(func() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 1 {
		return 0
	}
	n, _ := strconv.Atoi(f[0])
	return n
})

// freePort's ports are bindable, distinct, and below the ephemeral range where it is known.
func TestFreePortAvoidsEphemeralRange(t *testing.T) {
	t.Parallel()
	lo := ephemeralStart()
	seen := map[string]bool{}
	for range 20 {
		addr := freePort(t)
		if seen[addr] {
			t.Fatalf("%s given twice", addr)
		}
		seen[addr] = true
		_, port, _ := net.SplitHostPort(addr)
		if n, _ := strconv.Atoi(port); lo > portFloor+1000 && (n < portFloor || n >= lo) {
			t.Fatalf("port %d outside [%d, %d)", n, portFloor, lo)
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatalf("%s is not free: %v", addr, err)
		}
		_ = ln.Close()
	}
}
