package dashboards

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string            `yaml:"image"`
	Build       string            `yaml:"build"`
	Profiles    []string          `yaml:"profiles"`
	Restart     string            `yaml:"restart"`
	StopSignal  string            `yaml:"stop_signal"`
	StopGrace   string            `yaml:"stop_grace_period"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	Volumes     []string          `yaml:"volumes"`
}

// The stack's monitor service is a continuous monitor the way deploy/ runs one: behind its own
// profile (make stack does not start it), restarted by docker, stopped with SIGTERM and time to
// save its state, the state on a named volume, k6 keeping no per-sample data, the released image
// built from this repository, and the script a file of scripts/.
func TestComposeMonitorService(t *testing.T) {
	var doc composeFile
	if err := yaml.Unmarshal(mustRead(t, "docker-compose.yml"), &doc); err != nil {
		t.Fatal(err)
	}
	m, ok := doc.Services["monitor"]
	if !ok {
		t.Fatal("no monitor service")
	}
	if !slices.Equal(m.Profiles, []string{"monitor"}) {
		t.Errorf("profiles %v: the monitor must not start with make stack", m.Profiles)
	}
	if m.Restart != "unless-stopped" && m.Restart != "always" {
		t.Errorf("restart %q: a continuous monitor is restarted when it exits", m.Restart)
	}
	if d, err := time.ParseDuration(m.StopGrace); err != nil || d < 30*time.Second || (m.StopSignal != "" && m.StopSignal != "SIGTERM") {
		t.Errorf("stop %s after %q: k6 needs SIGTERM and up to 30 s to save its state and notify", m.StopSignal, m.StopGrace)
	}
	src, err := os.ReadFile("../extension/module/module.go")
	if err != nil {
		t.Fatal(err)
	}
	version := regexp.MustCompile(`(?m)^var Version = "(v[^"]+)"`).FindSubmatch(src)
	if version == nil || m.Image != "ghcr.io/xk6-chatgpt/xk6-chatgpt:"+string(version[1]) || m.Build != ".." {
		t.Errorf("image %q built from %q: want the released image, built from the repository", m.Image, m.Build)
	}
	for k, want := range map[string]string{"CHATGPT_MODE": "continuous", "K6_SUMMARY_MODE": "disabled", "K6_NO_THRESHOLDS": "true",
		"K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM": "true", "K6_PROMETHEUS_RW_SERVER_URL": "http://prometheus:9090/api/v1/write"} {
		if got := m.Environment[k]; got != want {
			t.Errorf("environment %s=%q, want %q", k, got, want)
		}
	}
	state := m.Environment["CHATGPT_STATE"]
	mounted := false
	for _, v := range m.Volumes {
		parts := strings.SplitN(v, ":", 3)
		_, named := doc.Volumes[parts[0]]
		mounted = mounted || (named && len(parts) > 1 && strings.HasPrefix(state, parts[1]+"/"))
	}
	if !mounted {
		t.Errorf("CHATGPT_STATE=%s is not on a named volume (%v): a new container would start from the priors", state, m.Volumes)
	}
	cmd := strings.Join(m.Command, " ")
	if !strings.Contains(cmd, "--tag location=") || !strings.Contains(cmd, "-o experimental-prometheus-rw") {
		t.Errorf("command %q: no location tag or remote-write output", cmd)
	}
	script := m.Command[len(m.Command)-1]
	if _, err := os.Stat(filepath.Join("..", "scripts", strings.TrimPrefix(script, "/scripts/"))); err != nil || !strings.HasPrefix(script, "/scripts/") {
		t.Errorf("script %s is not one of scripts/ (the Dockerfile copies them to /scripts): %v", script, err)
	}
}
