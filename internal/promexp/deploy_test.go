package promexp_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/promexp"
	"github.com/llm-test-bench/llm-test-bench/internal/server"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// deployDir is deploy/monitoring, from this package's directory.
var deployDir = filepath.Join("..", "..", "deploy", "monitoring")

// noRuns is a RunPager with no runs, for the server's benchmark gauges.
type noRuns struct{}

func (noRuns) PageRuns(context.Context, store.RunQuery) ([]bench.Run, string, error) {
	return nil, "", nil
}

// exported runs a simulated benchmark through the engine, merged into the
// server's registry as serve merges it, makes one API request, and returns
// every series name the registry then exposes (a histogram's _bucket,
// _sum and _count included).
func exported(t *testing.T) map[string]bool {
	t.Helper()
	ctx := context.Background()
	engine := promexp.New("test")
	m, err := server.NewMetrics(noRuns{}, engine)
	if err != nil {
		t.Fatal(err)
	}
	svc := session.New(simConfig(t, "1ms", 0.2), openStore(t), nil)
	var watched <-chan struct{}
	svc.Watchers = []func(*session.Run){func(r *session.Run) { watched = engine.Watch(r) }}
	p, err := svc.Plan(ctx, session.Options{Datasets: []string{writeCases(t, 60)}, Providers: []string{"simulator:fast"},
		Concurrency: 4, NoCache: true, Stream: true}, session.ModeRun)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	run := p.NewRun()
	if err := run.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if res := run.Wait(); res.Err != nil {
		t.Fatal(res.Err)
	}
	<-watched
	m.Middleware(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/v1/none", nil))
	mfs, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, mf := range mfs {
		name := mf.GetName()
		out[name] = true
		if mf.GetType().String() == "HISTOGRAM" {
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				out[name+s] = true
			}
		}
	}
	return out
}

// rulesFile is the recording and alerting rules.
type rulesFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Record string `yaml:"record"`
			Alert  string `yaml:"alert"`
			Expr   string `yaml:"expr"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

func readRules(t *testing.T) rulesFile {
	t.Helper()
	var rf rulesFile
	b, err := os.ReadFile(filepath.Join(deployDir, "rules", "llm-test-bench.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &rf); err != nil {
		t.Fatal(err)
	}
	return rf
}

// grafanaVars stand in for Grafana's variables so an expression parses as
// PromQL.
var grafanaVars = strings.NewReplacer("$__rate_interval", "5m", "$__interval", "1m", "$provider", ".*")

// metricNames parses expr and returns the metric names it selects, and the
// names under rate() or increase().
func metricNames(t *testing.T, expr string) (names, rated []string) {
	t.Helper()
	e, err := parser.NewParser(parser.Options{}).ParseExpr(grafanaVars.Replace(expr))
	if err != nil {
		t.Errorf("%q does not parse: %v", expr, err)
		return nil, nil
	}
	parser.Inspect(e, func(n parser.Node, path []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		names = append(names, vs.Name)
		for _, p := range path {
			if c, ok := p.(*parser.Call); ok && (c.Func.Name == "rate" || c.Func.Name == "increase") {
				rated = append(rated, vs.Name)
			}
		}
		return nil
	})
	return names, rated
}

// checkNames reports names that are neither exported nor recorded, and
// rates of anything but a counter or a histogram series.
func checkNames(t *testing.T, where, expr string, known map[string]bool) {
	t.Helper()
	names, rated := metricNames(t, expr)
	if len(names) == 0 {
		t.Errorf("%s: %q names no metric", where, expr)
	}
	for _, n := range names {
		if !known[n] {
			t.Errorf("%s: %q names %s, which is not exported", where, expr, n)
		}
	}
	for _, n := range rated {
		if !strings.HasSuffix(n, "_total") && !strings.HasSuffix(n, "_bucket") && !strings.HasSuffix(n, "_sum") && !strings.HasSuffix(n, "_count") {
			t.Errorf("%s: %q takes the rate of %s, which is not a counter", where, expr, n)
		}
	}
}

// dashboard is what the test reads of a Grafana dashboard.
type dashboard struct {
	UID    string `json:"uid"`
	ID     any    `json:"id"`
	Title  string `json:"title"`
	Panels []struct {
		Title      string     `json:"title"`
		Datasource datasource `json:"datasource"`
		Targets    []struct {
			Expr       string     `json:"expr"`
			Datasource datasource `json:"datasource"`
		} `json:"targets"`
	} `json:"panels"`
	Templating struct {
		List []struct {
			Name       string     `json:"name"`
			Definition string     `json:"definition"`
			Datasource datasource `json:"datasource"`
		} `json:"list"`
	} `json:"templating"`
}

type datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

var labelValues = regexp.MustCompile(`^label_values\((\w+),\s*\w+\)$`)

// TestDeployMetricNames parses every dashboard expression and every rule
// with the PromQL parser and checks that each metric it names is exported
// after a simulated run, or recorded by the rules.
func TestDeployMetricNames(t *testing.T) {
	t.Parallel()
	known := exported(t)
	rf := readRules(t)
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				known[r.Record] = true
			}
		}
	}
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			checkNames(t, "rule "+r.Record+r.Alert, r.Expr, known)
		}
	}

	files, err := filepath.Glob(filepath.Join(deployDir, "grafana", "dashboards", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	uids, titles := map[string]bool{}, []string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d dashboard
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		name := filepath.Base(f)
		if !strings.HasPrefix(d.UID, "ltb-") || uids[d.UID] || d.ID != nil {
			t.Errorf("%s: uid %q (want a unique ltb-*), id %v (want null)", name, d.UID, d.ID)
		}
		uids[d.UID] = true
		titles = append(titles, strings.TrimPrefix(d.Title, "LLM Test Bench / "))
		if len(d.Panels) == 0 {
			t.Errorf("%s: no panels", name)
		}
		for _, p := range d.Panels {
			where := name + " / " + p.Title
			if p.Datasource.UID != "prometheus" || len(p.Targets) == 0 {
				t.Errorf("%s: data source %q, %d targets", where, p.Datasource.UID, len(p.Targets))
			}
			for _, tg := range p.Targets {
				if tg.Datasource.UID != "prometheus" {
					t.Errorf("%s: target data source %q", where, tg.Datasource.UID)
				}
				checkNames(t, where, tg.Expr, known)
			}
		}
		for _, v := range d.Templating.List {
			m := labelValues.FindStringSubmatch(v.Definition)
			if m == nil || !known[m[1]] || v.Datasource.UID != "prometheus" {
				t.Errorf("%s: variable %s: %q does not query an exported metric", name, v.Name, v.Definition)
			}
		}
	}
	slices.Sort(titles)
	if want := []string{"API", "Benchmarks", "Evaluation", "Overview", "Providers"}; !slices.Equal(titles, want) {
		t.Errorf("dashboards %v, want the seed's five %v", titles, want)
	}
}

// TestPromtoolRules checks the rules and the scrape configuration with
// promtool, and runs the rules' unit tests.
func TestPromtoolRules(t *testing.T) {
	t.Parallel()
	tool := promtool(t)
	for _, args := range [][]string{
		{"check", "rules", filepath.Join("rules", "llm-test-bench.yml")},
		{"test", "rules", "rules-test.yml"},
		{"check", "config", "prometheus.yml"},
	} {
		cmd := exec.Command(tool, args...)
		cmd.Dir = deployDir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// TestCompose parses docker-compose.yml and the Grafana provisioning:
// every published port on loopback, no default Grafana password, the
// mounted files present, the data source uid the dashboards use.
func TestCompose(t *testing.T) {
	t.Parallel()
	var c struct {
		Services map[string]struct {
			Ports       []string          `yaml:"ports"`
			Volumes     []string          `yaml:"volumes"`
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
	}
	b, err := os.ReadFile(filepath.Join(deployDir, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"llm-test-bench", "prometheus", "grafana"} {
		s, ok := c.Services[name]
		if !ok {
			t.Errorf("no service %s", name)
			continue
		}
		if len(s.Ports) == 0 {
			t.Errorf("%s publishes no port", name)
		}
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("%s publishes %q beyond loopback", name, p)
			}
		}
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if strings.HasPrefix(src, "./") {
				if _, err := os.Stat(filepath.Join(deployDir, src)); err != nil {
					t.Errorf("%s mounts %s: %v", name, src, err)
				}
			}
		}
	}
	env := c.Services["grafana"].Environment
	if pw := env["GF_SECURITY_ADMIN_PASSWORD"]; !strings.HasPrefix(pw, "${GF_ADMIN_PASSWORD:?") {
		t.Errorf("Grafana's admin password %q is not required from the environment", pw)
	}
	if s := c.Services["llm-test-bench"].Environment["JWT_SECRET"]; !strings.HasPrefix(s, "${JWT_SECRET:?") {
		t.Errorf("JWT_SECRET %q is not required from the environment", s)
	}

	var ds struct {
		Datasources []struct {
			UID string `yaml:"uid"`
			URL string `yaml:"url"`
		} `yaml:"datasources"`
	}
	b, err = os.ReadFile(filepath.Join(deployDir, "grafana", "provisioning", "datasources", "prometheus.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &ds); err != nil {
		t.Fatal(err)
	}
	if len(ds.Datasources) != 1 || ds.Datasources[0].UID != "prometheus" || ds.Datasources[0].URL != "http://prometheus:9090" {
		t.Errorf("data sources: %+v", ds.Datasources)
	}
	var dp struct {
		Providers []struct {
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	b, err = os.ReadFile(filepath.Join(deployDir, "grafana", "provisioning", "dashboards", "llm-test-bench.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &dp); err != nil {
		t.Fatal(err)
	}
	if len(dp.Providers) != 1 || !slices.Contains(c.Services["grafana"].Volumes, "./grafana/dashboards:"+dp.Providers[0].Options.Path+":ro") {
		t.Errorf("the dashboards provider reads %+v, which the grafana service does not mount", dp.Providers)
	}
}
