package deploy

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

const (
	appLabel    = "app.kubernetes.io/name"
	appName     = "xk6-chatgpt"
	locationKey = "xk6-chatgpt/location"
	imageRepo   = "ghcr.io/xk6-chatgpt/xk6-chatgpt"
)

// testRun mirrors the fields of the k6-operator's TestRun (k6.io/v1alpha1, TestRunSpec in the
// operator's api/v1alpha1) that a location manifest may use. The operator's module is not on the
// module proxy, so this mirror stands in for it: strict decoding still fails a misspelt field, at
// the cost of adding a field here before a manifest uses it.
type testRun struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Parallelism int32  `json:"parallelism"`
		Separate    bool   `json:"separate,omitempty"`
		Arguments   string `json:"arguments,omitempty"`
		Cleanup     string `json:"cleanup,omitempty"`
		Quiet       string `json:"quiet,omitempty"`
		Paused      string `json:"paused,omitempty"`
		Script      struct {
			ConfigMap struct {
				Name string `json:"name"`
				File string `json:"file,omitempty"`
			} `json:"configMap"`
		} `json:"script"`
		Runner      operatorPod  `json:"runner"`
		Initializer *operatorPod `json:"initializer,omitempty"`
	} `json:"spec"`
}

type operatorPod struct {
	Image                    string                        `json:"image,omitempty"`
	ImagePullPolicy          corev1.PullPolicy             `json:"imagePullPolicy,omitempty"`
	ImagePullSecrets         []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`
	Env                      []corev1.EnvVar               `json:"env,omitempty"`
	EnvFrom                  []corev1.EnvFromSource        `json:"envFrom,omitempty"`
	Resources                corev1.ResourceRequirements   `json:"resources,omitempty"`
	NodeSelector             map[string]string             `json:"nodeSelector,omitempty"`
	Tolerations              []corev1.Toleration           `json:"tolerations,omitempty"`
	Affinity                 *corev1.Affinity              `json:"affinity,omitempty"`
	ServiceAccountName       string                        `json:"serviceAccountName,omitempty"`
	SecurityContext          corev1.PodSecurityContext     `json:"securityContext,omitempty"`
	ContainerSecurityContext corev1.SecurityContext        `json:"containerSecurityContext,omitempty"`
	Metadata                 struct {
		Labels      map[string]string `json:"labels,omitempty"`
		Annotations map[string]string `json:"annotations,omitempty"`
	} `json:"metadata,omitempty"`
}

// manifests is everything under deploy/, decoded strictly by kind.
type manifests struct {
	testRuns        []testRun
	secrets         map[string]corev1.Secret
	serviceAccounts map[string]corev1.ServiceAccount
	roles           map[string]rbacv1.Role
	roleBindings    []rbacv1.RoleBinding
	cronJobs        []batchv1.CronJob
	metas           map[string]metav1.ObjectMeta // "file: Kind/name" → metadata
}

func loadManifests(t *testing.T) manifests {
	t.Helper()
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in deploy/ (%v)", err)
	}
	m := manifests{secrets: map[string]corev1.Secret{}, serviceAccounts: map[string]corev1.ServiceAccount{},
		roles: map[string]rbacv1.Role{}, metas: map[string]metav1.ObjectMeta{}}
	for _, f := range files {
		data, err := os.ReadFile(f) // #nosec G304 -- the repository's own manifests
		if err != nil {
			t.Fatal(err)
		}
		for i, doc := range splitDocuments(data) {
			if err := m.add(doc); err != nil {
				t.Errorf("%s, document %d: %v", f, i+1, err)
			}
		}
	}
	return m
}

// splitDocuments splits a multi-document YAML file on its "---" lines, dropping empty documents.
func splitDocuments(data []byte) [][]byte {
	var docs [][]byte
	for _, d := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(data), -1) {
		if strings.TrimSpace(stripComments(d)) != "" {
			docs = append(docs, []byte(d))
		}
	}
	return docs
}

func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// add decodes one document into the type of its kind; a field the type lacks is an error.
func (m *manifests) add(doc []byte) error {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return err
	}
	var meta metav1.ObjectMeta
	switch tm.APIVersion + " " + tm.Kind {
	case "k6.io/v1alpha1 TestRun":
		var o testRun
		if err := yaml.UnmarshalStrict(doc, &o); err != nil {
			return err
		}
		m.testRuns, meta = append(m.testRuns, o), o.ObjectMeta
	case "v1 Secret":
		var o corev1.Secret
		if err := yaml.UnmarshalStrict(doc, &o); err != nil {
			return err
		}
		m.secrets[o.Name], meta = o, o.ObjectMeta
	case "v1 ServiceAccount":
		var o corev1.ServiceAccount
		if err := yaml.UnmarshalStrict(doc, &o); err != nil {
			return err
		}
		m.serviceAccounts[o.Name], meta = o, o.ObjectMeta
	case "rbac.authorization.k8s.io/v1 Role":
		var o rbacv1.Role
		if err := yaml.UnmarshalStrict(doc, &o); err != nil {
			return err
		}
		m.roles[o.Name], meta = o, o.ObjectMeta
	case "rbac.authorization.k8s.io/v1 RoleBinding":
		var o rbacv1.RoleBinding
		if err := yaml.UnmarshalStrict(doc, &o); err != nil {
			return err
		}
		m.roleBindings, meta = append(m.roleBindings, o), o.ObjectMeta
	case "batch/v1 CronJob":
		var o batchv1.CronJob
		if err := yaml.UnmarshalStrict(doc, &o); err != nil {
			return err
		}
		m.cronJobs, meta = append(m.cronJobs, o), o.ObjectMeta
	default:
		return fmt.Errorf("unexpected %s %s: add its type to this test", tm.APIVersion, tm.Kind)
	}
	key := tm.Kind + "/" + meta.Name
	if _, dup := m.metas[key]; dup {
		return fmt.Errorf("%s defined twice", key)
	}
	m.metas[key] = meta
	return nil
}

func TestManifestsDecodeStrictly(t *testing.T) {
	m := loadManifests(t)
	if len(m.testRuns) < 2 {
		t.Errorf("%d TestRuns: the quorum alert needs at least 2 locations", len(m.testRuns))
	}
	for key, meta := range m.metas {
		if meta.Labels[appLabel] != appName {
			t.Errorf("%s: label %s=%s missing (the schedule and kubectl selectors use it)", key, appLabel, appName)
		}
		if meta.Namespace != "" {
			t.Errorf("%s: hard-coded namespace %q; kubectl -n chooses it", key, meta.Namespace)
		}
	}
}

func TestStrictDecodingRejectsMisspeltFields(t *testing.T) {
	var m manifests
	m.metas = map[string]metav1.ObjectMeta{}
	bad := []string{
		"apiVersion: k6.io/v1alpha1\nkind: TestRun\nmetadata: {name: a}\nspec: {paralelism: 1}\n",
		"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: a}\nspec: {shedule: '* * * * *'}\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
	}
	for _, doc := range bad {
		if err := m.add([]byte(doc)); err == nil {
			t.Errorf("accepted %q", doc)
		}
	}
}

func TestTestRunsAgreeWithRepository(t *testing.T) {
	m := loadManifests(t)
	version := extensionVersion(t)
	script, err := os.ReadFile("../scripts/chatgpt.js")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	locations := map[string]string{}
	for _, tr := range m.testRuns {
		loc := tr.Labels[locationKey]
		if loc == "" {
			t.Errorf("%s: no %s label", tr.Name, locationKey)
		} else if other, dup := locations[loc]; dup {
			t.Errorf("%s and %s both claim location %q: the quorum alert would count one place twice", tr.Name, other, loc)
		}
		locations[loc] = tr.Name
		if !strings.Contains(" "+tr.Spec.Arguments+" ", " --tag location="+loc+" ") {
			t.Errorf("%s: arguments %q lack --tag location=%s (the dashboards and quorum alert read it)", tr.Name, tr.Spec.Arguments, loc)
		}
		// One runner per location: parallelism > 1 would split the probe schedule into execution
		// segments, so each runner would probe less often rather than from somewhere else.
		if tr.Spec.Parallelism != 1 {
			t.Errorf("%s: parallelism %d, want 1", tr.Name, tr.Spec.Parallelism)
		}
		if tr.Spec.Cleanup != "post" {
			t.Errorf("%s: cleanup %q, want post (the schedule creates it again)", tr.Name, tr.Spec.Cleanup)
		}
		if want := imageRepo + ":" + version; tr.Spec.Runner.Image != want {
			t.Errorf("%s: runner image %q, want %q (the released version)", tr.Name, tr.Spec.Runner.Image, want)
		}
		cm := tr.Spec.Script.ConfigMap
		if _, err := os.Stat(filepath.Join("../scripts", cm.File)); err != nil {
			t.Errorf("%s: script %q is not in scripts/: %v", tr.Name, cm.File, err)
		}
		if cmd := "kubectl create configmap " + cm.Name + " --from-file=scripts/" + cm.File; !bytes.Contains(readme, []byte(cmd)) {
			t.Errorf("%s: deploy/README.md does not show %q", tr.Name, cmd)
		}
		if tr.Spec.Runner.Resources.Limits.Memory().IsZero() {
			t.Errorf("%s: no memory limit", tr.Name)
		}
		for _, e := range tr.Spec.Runner.Env {
			if strings.HasPrefix(e.Name, "CHATGPT_") && !bytes.Contains(script, []byte("__ENV."+e.Name)) {
				t.Errorf("%s: env %s is not read by scripts/chatgpt.js", tr.Name, e.Name)
			}
			if e.Name == "OPENAI_API_KEY" && e.Value != "" {
				t.Errorf("%s: the API key is inline; take it from a Secret", tr.Name)
			}
			if ref := e.ValueFrom; ref != nil && ref.SecretKeyRef != nil {
				s, ok := m.secrets[ref.SecretKeyRef.Name]
				if _, has := s.StringData[ref.SecretKeyRef.Key]; !ok || !has {
					t.Errorf("%s: env %s reads secret %s key %s, which deploy/ does not define", tr.Name, e.Name, ref.SecretKeyRef.Name, ref.SecretKeyRef.Key)
				}
			}
		}
	}
}

func TestScheduleCanReplaceTestRuns(t *testing.T) {
	m := loadManifests(t)
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.cronJobs) != 1 {
		t.Fatalf("%d CronJobs, want 1", len(m.cronJobs))
	}
	cj := m.cronJobs[0]
	if f := strings.Fields(cj.Spec.Schedule); len(f) != 5 {
		t.Errorf("schedule %q is not a five-field cron expression", cj.Spec.Schedule)
	}
	if cj.Spec.ConcurrencyPolicy != batchv1.ForbidConcurrent {
		t.Errorf("concurrencyPolicy %q: two schedules at once would delete each other's TestRuns", cj.Spec.ConcurrencyPolicy)
	}
	pod := cj.Spec.JobTemplate.Spec.Template.Spec
	sa := pod.ServiceAccountName
	if _, ok := m.serviceAccounts[sa]; !ok {
		t.Errorf("CronJob runs as ServiceAccount %q, which deploy/ does not define", sa)
	}
	for _, c := range pod.Containers {
		if i := strings.LastIndex(c.Image, ":"); i < 0 || c.Image[i+1:] == "latest" {
			t.Errorf("container %s: image %q is not pinned to a version", c.Name, c.Image)
		}
		script := strings.Join(c.Args, " ")
		if !strings.Contains(script, "-l "+appLabel+"="+appName) {
			t.Errorf("container %s deletes TestRuns without the %s=%s selector: %q", c.Name, appLabel, appName, script)
		}
	}
	for _, v := range pod.Volumes {
		if v.ConfigMap != nil && !bytes.Contains(readme, []byte("kubectl create configmap "+v.ConfigMap.Name+" ")) {
			t.Errorf("volume %s: deploy/README.md does not show how to create ConfigMap %s", v.Name, v.ConfigMap.Name)
		}
	}
	// The ServiceAccount must be bound to a Role that can list, delete and create TestRuns.
	need := map[string]bool{"list": true, "delete": true, "create": true}
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
			if contains(r.APIGroups, "k6.io") && contains(r.Resources, "testruns") {
				for _, v := range r.Verbs {
					delete(need, v)
				}
			}
		}
	}
	if len(need) > 0 {
		t.Errorf("ServiceAccount %s may not %v testruns.k6.io", sa, keys(need))
	}
}
