package deploy

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
)

// The watchdog restarts stopped monitors: every minute, never two at once, as a ServiceAccount
// that may do exactly what its script does (delete finished TestRuns, apply the locations), on
// the locations ConfigMap the README creates, whose files hold only what applying may touch.
func TestWatchdogRestartsMonitors(t *testing.T) {
	m := loadManifests(t)
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.cronJobs) != 1 {
		t.Fatalf("%d CronJobs, want the watchdog", len(m.cronJobs))
	}
	cj := m.cronJobs[0]
	if cj.Spec.Schedule != "* * * * *" {
		t.Errorf("schedule %q: a stopped monitor should be back within a minute", cj.Spec.Schedule)
	}
	if cj.Spec.ConcurrencyPolicy != batchv1.ForbidConcurrent {
		t.Errorf("concurrencyPolicy %q: two watchdogs at once would race", cj.Spec.ConcurrencyPolicy)
	}
	pod := cj.Spec.JobTemplate.Spec.Template.Spec
	sa := pod.ServiceAccountName
	if _, ok := m.serviceAccounts[sa]; !ok {
		t.Errorf("the watchdog runs as ServiceAccount %q, which deploy/ does not define", sa)
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers", len(pod.Containers))
	}
	c := pod.Containers[0]
	if i := strings.LastIndex(c.Image, ":"); i < 0 || c.Image[i+1:] == "latest" {
		t.Errorf("image %q is not pinned to a version", c.Image)
	}
	script := strings.Join(c.Args, " ")
	if !strings.Contains(script, "kubectl get testrun -l "+appLabel+"="+appName) {
		t.Errorf("the watchdog looks at TestRuns without the %s=%s selector: %q", appLabel, appName, script)
	}
	var dir string
	for _, vm := range c.VolumeMounts {
		for _, v := range pod.Volumes {
			if v.Name != vm.Name || v.ConfigMap == nil {
				continue
			}
			dir = vm.MountPath
			want := "kubectl create configmap " + v.ConfigMap.Name + " --from-file=deploy/operator/locations/"
			if !bytes.Contains(readme, []byte(want)) {
				t.Errorf("deploy/README.md does not show %q", want)
			}
		}
	}
	if dir == "" || !strings.Contains(script, "kubectl apply -f "+strings.TrimSuffix(dir, "/")+"/") {
		t.Errorf("the watchdog does not apply the mounted locations (%q): %q", dir, script)
	}
	// What kubectl apply and the loop need: the locations' kinds, and deleting TestRuns.
	need := map[string]bool{"k6.io/testruns/get": true, "k6.io/testruns/list": true, "k6.io/testruns/create": true,
		"k6.io/testruns/patch": true, "k6.io/testruns/delete": true, "/persistentvolumeclaims/get": true,
		"/persistentvolumeclaims/create": true, "/persistentvolumeclaims/patch": true}
	for _, rb := range m.roleBindings {
		bound := false
		for _, s := range rb.Subjects {
			bound = bound || (s.Kind == "ServiceAccount" && s.Name == sa)
		}
		role, ok := m.roles[rb.RoleRef.Name]
		if !bound || rb.RoleRef.Kind != "Role" || !ok {
			continue
		}
		for _, r := range role.Rules {
			for _, g := range r.APIGroups {
				for _, res := range r.Resources {
					for _, v := range r.Verbs {
						delete(need, g+"/"+res+"/"+v)
					}
				}
			}
		}
	}
	if len(need) > 0 {
		t.Errorf("ServiceAccount %s may not %v", sa, keys(need))
	}
	files, _ := filepath.Glob("operator/locations/*.yaml")
	for _, f := range files {
		data, err := os.ReadFile(f) // #nosec G304 -- the repository's own manifests
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range splitDocuments(data) {
			if !bytes.Contains(doc, []byte("kind: TestRun")) && !bytes.Contains(doc, []byte("kind: PersistentVolumeClaim")) {
				t.Errorf("%s holds a document the watchdog may not apply:\n%s", f, doc)
			}
		}
	}
	if len(files) < 3 {
		t.Errorf("%d location files in operator/locations/", len(files))
	}
}
