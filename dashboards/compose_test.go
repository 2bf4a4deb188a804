package dashboards

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The compose stack cannot run here (no Docker), so its file is checked for what breaks stacks:
// every image pinned, every port on loopback, every mounted file present, every provisioning
// file valid YAML, Prometheus' config accepted by promtool, and `docker compose config` where
// Docker exists.
func TestComposeStack(t *testing.T) {
	var doc composeFile
	b, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"grafana", "prometheus", "tempo"} {
		if _, ok := doc.Services[want]; !ok {
			t.Errorf("no %s service", want)
		}
	}
	for name, s := range doc.Services {
		if i := strings.LastIndex(s.Image, ":"); i < 0 || s.Image[i+1:] == "latest" {
			t.Errorf("%s: image %q is not pinned", name, s.Image)
		}
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("%s: port %q is not bound to loopback", name, p)
			}
		}
		for _, v := range s.Volumes {
			host := strings.SplitN(v, ":", 2)[0]
			if _, named := doc.Volumes[host]; named {
				continue
			}
			if _, err := os.Stat(host); err != nil {
				t.Errorf("%s: mounts %s: %v", name, host, err)
			}
		}
	}
	files, _ := filepath.Glob("provisioning/*/*/*.yml")
	more, _ := filepath.Glob("provisioning/*.yml")
	for _, f := range append(files, more...) {
		var v any
		if b, err := os.ReadFile(f); err != nil || yaml.Unmarshal(b, &v) != nil {
			t.Errorf("%s is not valid YAML", f)
		}
	}
	if len(files) < 2 {
		t.Errorf("grafana provisioning missing: %v", files)
	}
	if promtool := os.Getenv("PROMTOOL"); promtool != "" {
		// The stack's Prometheus reads the rules from /etc/prometheus/alerts: point a copy here.
		cfg := strings.ReplaceAll(string(mustRead(t, "provisioning/prometheus.yml")), "/etc/prometheus/alerts/", mustAbs(t, "alerts")+"/")
		path := filepath.Join(t.TempDir(), "prometheus.yml")
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(promtool, "check", "config", path).CombinedOutput(); err != nil {
			t.Errorf("promtool check config: %v\n%s", err, out)
		}
	}
	if docker, err := exec.LookPath("docker"); err == nil && exec.Command(docker, "compose", "version").Run() == nil {
		if out, err := exec.Command(docker, "compose", "-f", "docker-compose.yml", "config", "--quiet").CombinedOutput(); err != nil {
			t.Errorf("docker compose config: %v\n%s", err, out)
		}
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
