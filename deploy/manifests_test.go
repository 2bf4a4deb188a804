package deploy

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
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
		Ports       []corev1.ContainerPort `json:"ports,omitempty"`
		Runner      operatorPod            `json:"runner"`
		Initializer *operatorPod           `json:"initializer,omitempty"`
	} `json:"spec"`
}

type operatorPod struct {
	Image                    string                            `json:"image,omitempty"`
	ImagePullPolicy          corev1.PullPolicy                 `json:"imagePullPolicy,omitempty"`
	ImagePullSecrets         []corev1.LocalObjectReference     `json:"imagePullSecrets,omitempty"`
	Env                      []corev1.EnvVar                   `json:"env,omitempty"`
	EnvFrom                  []corev1.EnvFromSource            `json:"envFrom,omitempty"`
	Resources                corev1.ResourceRequirements       `json:"resources,omitempty"`
	NodeSelector             map[string]string                 `json:"nodeSelector,omitempty"`
	Tolerations              []corev1.Toleration               `json:"tolerations,omitempty"`
	Affinity                 *corev1.Affinity                  `json:"affinity,omitempty"`
	TopologySpread           []corev1.TopologySpreadConstraint `json:"topologySpreadConstraints,omitempty"`
	Volumes                  []corev1.Volume                   `json:"volumes,omitempty"`
	VolumeMounts             []corev1.VolumeMount              `json:"volumeMounts,omitempty"`
	PriorityClassName        string                            `json:"priorityClassName,omitempty"`
	ServiceAccountName       string                            `json:"serviceAccountName,omitempty"`
	SecurityContext          corev1.PodSecurityContext         `json:"securityContext,omitempty"`
	ContainerSecurityContext corev1.SecurityContext            `json:"containerSecurityContext,omitempty"`
	Metadata                 struct {
		Labels      map[string]string `json:"labels,omitempty"`
		Annotations map[string]string `json:"annotations,omitempty"`
	} `json:"metadata,omitempty"`
}

// manifests is everything under deploy/, decoded strictly by kind. file says which file each
// object ("Kind/name") came from.
type manifests struct {
	testRuns        []testRun
	deployments     []appsv1.Deployment
	claims          map[string]corev1.PersistentVolumeClaim
	secrets         map[string]corev1.Secret
	serviceAccounts map[string]corev1.ServiceAccount
	roles           map[string]rbacv1.Role
	roleBindings    []rbacv1.RoleBinding
	cronJobs        []batchv1.CronJob
	metas           map[string]metav1.ObjectMeta // "Kind/name" → metadata
	file            map[string]string
}

// manifestFiles are the Kubernetes manifests: every .yaml under deploy/ (the JSON schemas and
// the systemd unit are not).
func manifestFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(".", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in deploy/ (%v)", err)
	}
	return files
}

func loadManifests(t *testing.T) manifests {
	t.Helper()
	m := manifests{secrets: map[string]corev1.Secret{}, serviceAccounts: map[string]corev1.ServiceAccount{},
		roles: map[string]rbacv1.Role{}, claims: map[string]corev1.PersistentVolumeClaim{}, metas: map[string]metav1.ObjectMeta{},
		file: map[string]string{}}
	for _, f := range manifestFiles(t) {
		data, err := os.ReadFile(f) // #nosec G304 -- the repository's own manifests
		if err != nil {
			t.Fatal(err)
		}
		for i, doc := range splitDocuments(data) {
			key, err := m.add(doc)
			if err != nil {
				t.Errorf("%s, document %d: %v", f, i+1, err)
			}
			m.file[key] = f
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

// add decodes one document into the type of its kind; a field the type lacks is an error. It
// returns the object's "Kind/name".
func (m *manifests) add(doc []byte) (string, error) {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return "", err
	}
	var meta metav1.ObjectMeta
	var err error
	switch tm.APIVersion + " " + tm.Kind {
	case "k6.io/v1alpha1 TestRun":
		var o testRun
		err = yaml.UnmarshalStrict(doc, &o)
		m.testRuns, meta = append(m.testRuns, o), o.ObjectMeta
	case "apps/v1 Deployment":
		var o appsv1.Deployment
		err = yaml.UnmarshalStrict(doc, &o)
		m.deployments, meta = append(m.deployments, o), o.ObjectMeta
	case "v1 PersistentVolumeClaim":
		var o corev1.PersistentVolumeClaim
		err = yaml.UnmarshalStrict(doc, &o)
		meta = o.ObjectMeta
		if _, dup := m.claims[o.Name]; !dup { // the forms share each location's claim
			m.claims[o.Name] = o
		}
	case "v1 Secret":
		var o corev1.Secret
		err = yaml.UnmarshalStrict(doc, &o)
		m.secrets[o.Name], meta = o, o.ObjectMeta
	case "v1 ServiceAccount":
		var o corev1.ServiceAccount
		err = yaml.UnmarshalStrict(doc, &o)
		m.serviceAccounts[o.Name], meta = o, o.ObjectMeta
	case "rbac.authorization.k8s.io/v1 Role":
		var o rbacv1.Role
		err = yaml.UnmarshalStrict(doc, &o)
		m.roles[o.Name], meta = o, o.ObjectMeta
	case "rbac.authorization.k8s.io/v1 RoleBinding":
		var o rbacv1.RoleBinding
		err = yaml.UnmarshalStrict(doc, &o)
		m.roleBindings, meta = append(m.roleBindings, o), o.ObjectMeta
	case "batch/v1 CronJob":
		var o batchv1.CronJob
		err = yaml.UnmarshalStrict(doc, &o)
		m.cronJobs, meta = append(m.cronJobs, o), o.ObjectMeta
	default:
		return "", fmt.Errorf("unexpected %s %s: add its type to this test", tm.APIVersion, tm.Kind)
	}
	if err != nil {
		return "", err
	}
	key := tm.Kind + "/" + meta.Name
	if _, dup := m.metas[key]; dup && tm.Kind != "PersistentVolumeClaim" {
		return "", fmt.Errorf("%s defined twice", key)
	}
	m.metas[key] = meta
	return key, nil
}

func TestManifestsDecodeStrictly(t *testing.T) {
	m := loadManifests(t)
	if len(m.testRuns) < 3 || len(m.deployments) < 3 {
		t.Errorf("%d TestRuns, %d Deployments: the quorum alert needs 2 locations to agree, and a third to break a tie", len(m.testRuns), len(m.deployments))
	}
	for key, meta := range m.metas {
		if meta.Labels[appLabel] != appName {
			t.Errorf("%s: label %s=%s missing (the watchdog and kubectl selectors use it)", key, appLabel, appName)
		}
		if meta.Namespace != "" {
			t.Errorf("%s: hard-coded namespace %q; kubectl -n chooses it", key, meta.Namespace)
		}
	}
}

func TestStrictDecodingRejectsMisspeltFields(t *testing.T) {
	m := manifests{metas: map[string]metav1.ObjectMeta{}, claims: map[string]corev1.PersistentVolumeClaim{}}
	bad := []string{
		"apiVersion: k6.io/v1alpha1\nkind: TestRun\nmetadata: {name: a}\nspec: {paralelism: 1}\n",
		"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: a}\nspec: {shedule: '* * * * *'}\n",
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec: {replica: 1}\n",
		"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: a}\nspec: {acessModes: [ReadWriteOnce]}\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
	}
	for _, doc := range bad {
		if _, err := m.add([]byte(doc)); err == nil {
			t.Errorf("accepted %q", doc)
		}
	}
}
