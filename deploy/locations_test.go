package deploy

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// monitor is one location's continuous monitor, in either form: a k6-operator TestRun
// (operator/locations/) or a plain Deployment (kubernetes/).
type monitor struct {
	form, name, file string
	location         string
	args             []string // k6's arguments
	env              []corev1.EnvVar
	affinity         *corev1.Affinity
	volumes          []corev1.Volume
	mounts           []corev1.VolumeMount
	resources        corev1.ResourceRequirements
	fsGroup          *int64
	image            string
}

func (m manifests) monitors() []monitor {
	var out []monitor
	for _, tr := range m.testRuns {
		r := tr.Spec.Runner
		out = append(out, monitor{form: "operator", name: tr.Name, file: m.file["TestRun/"+tr.Name], location: tr.Labels[locationKey],
			args: strings.Fields(tr.Spec.Arguments), env: r.Env, affinity: r.Affinity, volumes: r.Volumes, mounts: r.VolumeMounts,
			resources: r.Resources, fsGroup: r.SecurityContext.FSGroup, image: r.Image})
	}
	for _, d := range m.deployments {
		pod := d.Spec.Template.Spec
		mon := monitor{form: "kubernetes", name: d.Name, file: m.file["Deployment/"+d.Name], location: d.Labels[locationKey],
			affinity: pod.Affinity, volumes: pod.Volumes}
		if pod.SecurityContext != nil {
			mon.fsGroup = pod.SecurityContext.FSGroup
		}
		if len(pod.Containers) == 1 {
			c := pod.Containers[0]
			mon.args, mon.env, mon.mounts, mon.resources, mon.image = c.Args, c.Env, c.VolumeMounts, c.Resources, c.Image
		}
		out = append(out, mon)
	}
	return out
}

func env(list []corev1.EnvVar, name string) string {
	for _, e := range list {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

// placement is where a monitor's pod may run: the single topology value its required node
// affinity names (a region, or a zone of a one-cluster setup), "" when it is not pinned.
func placement(a *corev1.Affinity) (key, value string) {
	if a == nil || a.NodeAffinity == nil || a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return "", ""
	}
	for _, term := range a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
		for _, e := range term.MatchExpressions {
			if (e.Key == "topology.kubernetes.io/region" || e.Key == "topology.kubernetes.io/zone") && e.Operator == corev1.NodeSelectorOpIn && len(e.Values) == 1 {
				return e.Key, e.Values[0]
			}
		}
	}
	return "", ""
}

// Every location is a distinct place: each monitor, in each form, has its own location tag (in
// the k6 arguments, the label and notifications), is pinned by node affinity to its own region
// (or zone), and keeps its state on its own volume. Both forms describe the same locations.
func TestLocationsAreDistinctPlaces(t *testing.T) {
	m := loadManifests(t)
	places := map[string]map[string]string{} // form → location → placement
	for _, mon := range m.monitors() {
		t.Run(mon.form+"/"+mon.name, func(t *testing.T) {
			loc := mon.location
			if loc == "" {
				t.Fatalf("no %s label", locationKey)
			}
			if places[mon.form] == nil {
				places[mon.form] = map[string]string{}
			}
			if _, dup := places[mon.form][loc]; dup {
				t.Fatalf("location %q twice in the %s form: the quorum would count one place twice", loc, mon.form)
			}
			if !strings.Contains(" "+strings.Join(mon.args, " ")+" ", " location="+loc+" ") || !slices.Contains(mon.args, "--tag") {
				t.Errorf("arguments %q lack --tag location=%s (the alert rules and dashboards read it)", mon.args, loc)
			}
			if got := env(mon.env, "CHATGPT_LOCATION"); got != loc {
				t.Errorf("CHATGPT_LOCATION=%q, want %q (notifications say where)", got, loc)
			}
			key, value := placement(mon.affinity)
			if value == "" {
				t.Errorf("not pinned to a region or zone: without node affinity every location is the same cluster's nodes")
			}
			for other, p := range places[mon.form] {
				if p == key+"="+value {
					t.Errorf("%s and %s both run in %s=%s: one place, counted twice", loc, other, key, value)
				}
			}
			places[mon.form][loc] = key + "=" + value
			if base := strings.TrimSuffix(filepath.Base(mon.file), ".yaml"); base != loc {
				t.Errorf("defined in %s, want a file named for its location (%s.yaml)", mon.file, loc)
			}
		})
	}
	if len(places["operator"]) < 3 || len(places["kubernetes"]) < 3 {
		t.Errorf("locations per form: %v", places)
	}
	for loc, p := range places["operator"] {
		if q, ok := places["kubernetes"][loc]; !ok || q != p {
			t.Errorf("location %s: operator form at %s, Deployment form at %q", loc, p, q)
		}
	}
}

// Every monitor is continuous, keeps no per-sample data in k6, saves its state on its own
// volume, and otherwise agrees with the repository: the released image, variables that
// scripts/chatgpt.js reads, the key from the Secret, a memory limit.
func TestMonitorsAreContinuous(t *testing.T) {
	m := loadManifests(t)
	version := extensionVersion(t)
	script, err := os.ReadFile("../scripts/chatgpt.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, mon := range m.monitors() {
		t.Run(mon.form+"/"+mon.name, func(t *testing.T) {
			for k, want := range map[string]string{"CHATGPT_MODE": "continuous", "K6_SUMMARY_MODE": "disabled",
				"K6_NO_THRESHOLDS": "true", "K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM": "true"} {
				if got := env(mon.env, k); got != want {
					t.Errorf("%s=%q, want %q (k6 would keep per-sample data for as long as the run lasts)", k, got, want)
				}
			}
			if !slices.Contains(mon.args, "experimental-prometheus-rw") {
				t.Errorf("arguments %q: no remote-write output, so no metrics for the alert rules", mon.args)
			}
			state := env(mon.env, "CHATGPT_STATE")
			claim := ""
			for _, vm := range mon.mounts {
				if strings.HasPrefix(state, strings.TrimSuffix(vm.MountPath, "/")+"/") {
					for _, v := range mon.volumes {
						if v.Name == vm.Name && v.PersistentVolumeClaim != nil {
							claim = v.PersistentVolumeClaim.ClaimName
						}
					}
				}
			}
			pvc, ok := m.claims[claim]
			switch {
			case claim == "":
				t.Errorf("CHATGPT_STATE=%q is not on a PersistentVolumeClaim: a restarted pod would start from the priors", state)
			case !ok:
				t.Errorf("claim %s is not defined in deploy/", claim)
			case pvc.Labels[locationKey] != mon.location || !slices.Contains(pvc.Spec.AccessModes, corev1.ReadWriteOnce):
				t.Errorf("claim %s: location %q, access %v; want this location's own ReadWriteOnce volume", claim, pvc.Labels[locationKey], pvc.Spec.AccessModes)
			}
			if mon.fsGroup == nil {
				t.Errorf("no fsGroup: the non-root k6 user cannot write a fresh volume")
			}
			if want := imageRepo + ":" + version; mon.image != want {
				t.Errorf("image %q, want %q (the released version)", mon.image, want)
			}
			if mon.resources.Limits.Memory().IsZero() {
				t.Errorf("no memory limit")
			}
			for _, e := range mon.env {
				if strings.HasPrefix(e.Name, "CHATGPT_") && !bytes.Contains(script, []byte("__ENV."+e.Name)) && e.Name != "CHATGPT_LOCATION" {
					t.Errorf("env %s is not read by scripts/chatgpt.js", e.Name)
				}
				if e.Name == "OPENAI_API_KEY" && e.Value != "" {
					t.Errorf("the API key is inline; take it from a Secret")
				}
				if ref := e.ValueFrom; ref != nil && ref.SecretKeyRef != nil {
					s, ok := m.secrets[ref.SecretKeyRef.Name]
					if _, has := s.StringData[ref.SecretKeyRef.Key]; !ok || !has {
						t.Errorf("env %s reads secret %s key %s, which deploy/ does not define", e.Name, ref.SecretKeyRef.Name, ref.SecretKeyRef.Key)
					}
				}
			}
		})
	}
}

// The forms' own rules: a TestRun is one runner that the operator deletes when it ends (so the
// watchdog can start it again); a Deployment is one pod, replaced stop-first, with time to save
// its state, its REST API kept off the network, and a script the image carries.
func TestFormRules(t *testing.T) {
	m := loadManifests(t)
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range m.testRuns {
		// parallelism > 1 would split the probe schedule into execution segments: each runner
		// would probe less often, not from somewhere else.
		if tr.Spec.Parallelism != 1 || tr.Spec.Cleanup != "post" {
			t.Errorf("%s: parallelism %d, cleanup %q; want 1 and post", tr.Name, tr.Spec.Parallelism, tr.Spec.Cleanup)
		}
		cm := tr.Spec.Script.ConfigMap
		if _, err := os.Stat(filepath.Join("../scripts", cm.File)); err != nil {
			t.Errorf("%s: script %q is not in scripts/: %v", tr.Name, cm.File, err)
		}
		if cmd := "kubectl create configmap " + cm.Name + " --from-file=scripts/" + cm.File; !bytes.Contains(readme, []byte(cmd)) {
			t.Errorf("%s: deploy/README.md does not show %q", tr.Name, cmd)
		}
	}
	for _, d := range m.deployments {
		spec := d.Spec.Template.Spec
		if d.Spec.Replicas == nil || *d.Spec.Replicas != 1 || d.Spec.Strategy.Type != "Recreate" {
			t.Errorf("%s: want 1 replica replaced with the Recreate strategy: two pods would share one state file", d.Name)
		}
		if g := spec.TerminationGracePeriodSeconds; g == nil || *g < 30 {
			t.Errorf("%s: terminationGracePeriodSeconds %v: k6 needs up to 30 s after SIGTERM to notify and save", d.Name, g)
		}
		if len(spec.Containers) != 1 {
			t.Fatalf("%s: %d containers", d.Name, len(spec.Containers))
		}
		args := spec.Containers[0].Args
		if len(args) < 2 || args[0] != "run" || !strings.HasPrefix(args[len(args)-1], "/scripts/") {
			t.Fatalf("%s: args %q: want k6 run … /scripts/<script>", d.Name, args)
		}
		if _, err := os.Stat(filepath.Join("..", args[len(args)-1])); err != nil {
			t.Errorf("%s: %s is not a file of scripts/ (the Dockerfile copies them to /scripts)", d.Name, args[len(args)-1])
		}
		for _, a := range args {
			if strings.HasPrefix(a, "--address") && !strings.HasPrefix(a, "--address=127.0.0.1:") {
				t.Errorf("%s: %s: k6's REST API can stop the run; keep it on loopback", d.Name, a)
			}
		}
	}
}
