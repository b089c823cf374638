package deploy_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/llm-test-bench/llm-test-bench/internal/distributed"
)

// manifests holds every object of deploy/k8s, each decoded strictly into
// its Kubernetes type: a field the API does not have is an error, as
// kubectl's server-side validation would report it.
type manifests struct {
	deployments  map[string]*appsv1.Deployment
	statefulSets map[string]*appsv1.StatefulSet
	services     map[string]*corev1.Service
	configMaps   map[string]*corev1.ConfigMap
	scaledObjs   map[string]*scaledObject
	// configMapText is configmap.yaml as written, comments included.
	configMapText string
}

// scaledObject is the part of KEDA's keda.sh/v1alpha1 ScaledObject the
// manifests use; decoding strictly into it refuses a misspelt field.
type scaledObject struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name   string            `json:"name"`
		Labels map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec struct {
		ScaleTargetRef struct {
			Name string `json:"name"`
		} `json:"scaleTargetRef"`
		MinReplicaCount *int32 `json:"minReplicaCount"`
		MaxReplicaCount *int32 `json:"maxReplicaCount"`
		CooldownPeriod  *int32 `json:"cooldownPeriod"`
		Triggers        []struct {
			Type     string            `json:"type"`
			Metadata map[string]string `json:"metadata"`
		} `json:"triggers"`
	} `json:"spec"`
}

func loadManifests(t *testing.T) *manifests {
	t.Helper()
	m := &manifests{
		deployments: map[string]*appsv1.Deployment{}, statefulSets: map[string]*appsv1.StatefulSet{},
		services: map[string]*corev1.Service{}, configMaps: map[string]*corev1.ConfigMap{}, scaledObjs: map[string]*scaledObject{},
	}
	files, err := filepath.Glob(filepath.Join("k8s", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in deploy/k8s: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(f) == "configmap.yaml" {
			m.configMapText = string(b)
		}
		for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(b), -1) {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			if err := m.add(doc); err != nil {
				t.Errorf("%s, document %d: %v", f, i+1, err)
			}
		}
	}
	return m
}

// add decodes one document by its apiVersion and kind.
func (m *manifests) add(doc string) error {
	js, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		return err
	}
	var tm struct{ APIVersion, Kind string }
	if err := json.Unmarshal(js, &tm); err != nil {
		return err
	}
	strict := func(v any) error {
		d := json.NewDecoder(bytes.NewReader(js))
		d.DisallowUnknownFields()
		return d.Decode(v)
	}
	switch tm.APIVersion + " " + tm.Kind {
	case "apps/v1 Deployment":
		o := &appsv1.Deployment{}
		err, m.deployments[nameOf(js)] = strict(o), o
	case "apps/v1 StatefulSet":
		o := &appsv1.StatefulSet{}
		err, m.statefulSets[nameOf(js)] = strict(o), o
	case "v1 Service":
		o := &corev1.Service{}
		err, m.services[nameOf(js)] = strict(o), o
	case "v1 ConfigMap":
		o := &corev1.ConfigMap{}
		err, m.configMaps[nameOf(js)] = strict(o), o
	case "keda.sh/v1alpha1 ScaledObject":
		o := &scaledObject{}
		err, m.scaledObjs[nameOf(js)] = strict(o), o
	default:
		return fmt.Errorf("unexpected object %s %s", tm.APIVersion, tm.Kind)
	}
	return err
}

func nameOf(js []byte) string {
	var o struct {
		Metadata struct{ Name string } `json:"metadata"`
	}
	_ = json.Unmarshal(js, &o)
	return o.Metadata.Name
}

// pods lists every workload's pod template by workload name.
func (m *manifests) pods() map[string]*corev1.PodTemplateSpec {
	out := map[string]*corev1.PodTemplateSpec{}
	for n, d := range m.deployments {
		out[n] = &d.Spec.Template
	}
	for n, s := range m.statefulSets {
		out[n] = &s.Spec.Template
	}
	return out
}

// The objects are well formed, their selectors select their own pods, and
// every pod runs unprivileged.
func TestManifestsAreConsistent(t *testing.T) {
	t.Parallel()
	m := loadManifests(t)
	for _, name := range []string{"llm-test-bench-server", "llm-test-bench-worker"} {
		if m.deployments[name] == nil {
			t.Errorf("no Deployment %s", name)
		}
	}
	selects := func(sel, labels map[string]string) bool {
		for k, v := range sel {
			if labels[k] != v {
				return false
			}
		}
		return len(sel) > 0
	}
	for n, d := range m.deployments {
		if !selects(d.Spec.Selector.MatchLabels, d.Spec.Template.Labels) {
			t.Errorf("Deployment %s: selector %v does not match its pods %v", n, d.Spec.Selector.MatchLabels, d.Spec.Template.Labels)
		}
	}
	for n, s := range m.statefulSets {
		if !selects(s.Spec.Selector.MatchLabels, s.Spec.Template.Labels) || m.services[s.Spec.ServiceName] == nil {
			t.Errorf("StatefulSet %s: selector or service %q wrong", n, s.Spec.ServiceName)
		}
	}
	for n, svc := range m.services {
		var matched []*corev1.PodTemplateSpec
		for _, p := range m.pods() {
			if selects(svc.Spec.Selector, p.Labels) {
				matched = append(matched, p)
			}
		}
		if len(matched) != 1 {
			t.Errorf("Service %s selects %d workloads, want 1", n, len(matched))
			continue
		}
		for _, port := range svc.Spec.Ports {
			if !hasPort(matched[0], port.TargetPort.String()) {
				t.Errorf("Service %s: target port %s is no container port of its pods", n, port.TargetPort.String())
			}
		}
	}
	for n, p := range m.pods() {
		if sc := p.Spec.SecurityContext; sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
			t.Errorf("%s: pods may run as root", n)
		}
		for _, c := range p.Spec.Containers {
			sc := c.SecurityContext
			if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
				sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
				t.Errorf("%s/%s: want allowPrivilegeEscalation false and a read-only root filesystem", n, c.Name)
			}
			for _, v := range c.VolumeMounts {
				if !slices.ContainsFunc(p.Spec.Volumes, func(vol corev1.Volume) bool { return vol.Name == v.Name }) &&
					!slices.ContainsFunc(statefulClaims(m, n), func(c string) bool { return c == v.Name }) {
					t.Errorf("%s/%s mounts volume %s, which the pod does not have", n, c.Name, v.Name)
				}
			}
			// Every secret key a pod reads is one the ConfigMap's comment
			// tells the operator to create.
			for _, e := range c.Env {
				if r := e.ValueFrom; r != nil && r.SecretKeyRef != nil &&
					!strings.Contains(m.configMapText, "--from-literal="+r.SecretKeyRef.Key+"=") {
					t.Errorf("%s/%s reads secret key %s, which configmap.yaml does not say to create", n, c.Name, r.SecretKeyRef.Key)
				}
			}
		}
	}
}

func hasPort(p *corev1.PodTemplateSpec, name string) bool {
	for _, c := range p.Spec.Containers {
		for _, cp := range c.Ports {
			if cp.Name == name || fmt.Sprint(cp.ContainerPort) == name {
				return true
			}
		}
	}
	return false
}

func statefulClaims(m *manifests, name string) []string {
	var out []string
	if s := m.statefulSets[name]; s != nil {
		for _, c := range s.Spec.VolumeClaimTemplates {
			out = append(out, c.Name)
		}
	}
	return out
}

// KEDA scales the worker Deployment on the lag of the very stream and
// durable consumer the workers pull from, read from the NATS monitoring
// port the NATS pods open, one replica per worker's concurrency.
func TestScaledObjectWatchesTheWorkQueue(t *testing.T) {
	t.Parallel()
	m := loadManifests(t)
	so := m.scaledObjs["llm-test-bench-worker"]
	if so == nil || len(so.Spec.Triggers) != 1 {
		t.Fatalf("want one ScaledObject llm-test-bench-worker with one trigger, got %+v", so)
	}
	worker := m.deployments[so.Spec.ScaleTargetRef.Name]
	if worker == nil || so.Spec.ScaleTargetRef.Name != "llm-test-bench-worker" {
		t.Fatalf("ScaledObject scales %q, not the worker Deployment", so.Spec.ScaleTargetRef.Name)
	}
	tr := so.Spec.Triggers[0]
	md := tr.Metadata
	if tr.Type != "nats-jetstream" || md["stream"] != distributed.TasksStream || md["consumer"] != distributed.Consumer || md["account"] != "$G" {
		t.Errorf("trigger %s %v: want nats-jetstream on stream %s, consumer %s, account $G", tr.Type, md, distributed.TasksStream, distributed.Consumer)
	}
	host, port, _ := strings.Cut(md["natsServerMonitoringEndpoint"], ":")
	svc := m.services[strings.Split(host, ".")[0]]
	if svc == nil || !slices.ContainsFunc(svc.Spec.Ports, func(p corev1.ServicePort) bool { return fmt.Sprint(p.Port) == port }) {
		t.Errorf("monitoring endpoint %s is no port of a Service", md["natsServerMonitoringEndpoint"])
	}
	nats := m.statefulSets["nats"]
	if nats == nil || !strings.Contains(strings.Join(nats.Spec.Template.Spec.Containers[0].Args, " "), "-js") ||
		!strings.Contains(strings.Join(nats.Spec.Template.Spec.Containers[0].Args, " "), "-m "+port) {
		t.Errorf("the NATS pods do not run JetStream with monitoring on %s", port)
	}
	args := worker.Spec.Template.Spec.Containers[0].Args
	i := slices.Index(args, "--concurrency")
	if i < 0 || i+1 >= len(args) || args[i+1] != md["lagThreshold"] {
		t.Errorf("lagThreshold %s is not the workers' --concurrency (%v)", md["lagThreshold"], args)
	}
}

// Every llm-test-bench container's command line parses (the command and
// its flags exist), and the configuration it mounts validates.
func TestManifestCommandsAndConfig(t *testing.T) {
	t.Parallel()
	m := loadManifests(t)
	cm := m.configMaps["llm-test-bench"]
	if cm == nil {
		t.Fatal("no ConfigMap llm-test-bench")
	}
	cfg := filepath.Join(t.TempDir(), "llm-test-bench.toml")
	if err := os.WriteFile(cfg, []byte(cm.Data["llm-test-bench.toml"]), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"JWT_SECRET=" + strings.Repeat("s", 48), "OPENAI_API_KEY=sk-test", "LTB_STORAGE__DATABASE_URL=postgres://u:p@db:5432/ltb"}
	validateConfig(t, cfg, env)
	for _, n := range slices.Sorted(maps.Keys(m.pods())) {
		for _, c := range m.pods()[n].Spec.Containers {
			if !strings.HasPrefix(c.Image, "llm-test-bench") {
				continue
			}
			checkCommand(t, n+"/"+c.Name, c.Args, env)
		}
	}
}
