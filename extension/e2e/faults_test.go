package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/statefile"
)

// Interrupted mid-run (SIGINT and SIGTERM), the monitor still writes its summary and reports
// and flushes its spans, within a deadline.
func TestInterruptedRunStillReports(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			args := []string{"run", "--no-color", "--quiet"}
			var j *jaeger
			if os.Getenv("JAEGER_BIN") != "" {
				j = startJaeger(t)
				args = append(args, "--traces-output=otel=http://"+j.otlp+"/v1/traces")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, k6Binary(t), append(args, "scripts/chatgpt.js")...)
			cmd.Dir = repoRoot(t)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "K6_NO_USAGE_REPORT=true", "CHATGPT_DURATION=10m",
				"CHATGPT_INTERVAL=1s", "CHATGPT_TARGET=simulator", "CHATGPT_REPORT_DIR=" + filepath.Join(dir, "reports"), "CHATGPT_STATE=" + filepath.Join(dir, "state.json")}
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(5 * time.Second)
			sent := time.Now()
			_ = cmd.Process.Signal(sig)
			_ = cmd.Wait()
			if took := time.Since(sent); took > 30*time.Second {
				t.Errorf("took %v to stop after %s", took, sig)
			}
			for _, f := range []string{"report.json", "report.md", "junit.xml", "report.html"} {
				if st, err := os.Stat(filepath.Join(dir, "reports", f)); err != nil || st.Size() == 0 {
					t.Errorf("%s not written after %s: %v\n%s", f, sig, err, out.String())
				}
			}
			if !strings.Contains(out.String(), "CHATGPT VERDICT") {
				t.Errorf("no verdict on stdout after %s", sig)
			}
			if s, err := statefile.Read(filepath.Join(dir, "state.json")); err != nil || len(s.Components) == 0 {
				t.Errorf("detector state not saved after %s: %v", sig, err)
			}
			if j != nil {
				n := 0
				for deadline := time.Now().Add(10 * time.Second); n == 0 && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
					n = len(j.spans(t))
				}
				if n == 0 {
					t.Errorf("no span flushed to the trace backend after %s", sig)
				}
				t.Logf("%s: stopped, reports written, %d spans in the backend", sig, n)
			}
		})
	}
}

// A Prometheus remote-write endpoint that is down costs the run nothing but log lines; a report
// that cannot be written (disk full) is a clear error while the others are still written.
func TestDependencyFaults(t *testing.T) {
	t.Parallel()
	r := k6runArgs(t, []string{"-o", "experimental-prometheus-rw"}, "scripts/chatgpt.js",
		append(short, "K6_PROMETHEUS_RW_SERVER_URL=http://"+freePort(t)+"/api/v1/write")...)
	if r.code != 0 || !strings.Contains(r.stdout, "CHATGPT VERDICT") || !strings.Contains(r.stderr, "operational: 4 component(s) healthy") {
		t.Errorf("remote write down: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full to fill")
	}
	report := filepath.Join(t.TempDir(), "report.json")
	r = k6run(t, "extension/e2e/testdata/full.js", "REPORT_JSON="+report)
	if !strings.Contains(r.stderr, "no space left on device") {
		t.Errorf("a full disk is not reported clearly:\n%s", r.stderr)
	}
	if st, err := os.Stat(report); err != nil || st.Size() == 0 {
		t.Errorf("the other report was not written: %v", err)
	}
}
