package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// buildExamplePlugin builds examples/plugins/keyword-coverage as the
// README says and returns a directory holding it and its manifest.
func buildExamplePlugin(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	src := filepath.Join(filepath.Dir(file), "..", "..", "examples", "plugins", "keyword-coverage")
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", filepath.Join(dir, "main.wasm"), ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the example plugin: %v\n%s", err, out)
	}
	manifest, err := os.ReadFile(filepath.Join(src, "plugin.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "plugin.toml"), manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestPluginWalkthrough follows the README: validate and install the
// example evaluator, list it, and score a suite with plugin:NAME.
func TestPluginWalkthrough(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := buildExamplePlugin(t)
	e := newEnv(t)
	plugins := filepath.Join(e.dir, "plugins")
	e.environ = append(e.environ, "LTB_PLUGINS__ENABLE_PLUGINS=true", "LTB_PLUGINS__PLUGIN_DIRECTORY="+plugins)

	code, out, errOut := e.run(ctx, "plugin", "validate", src)
	if code != 0 || !strings.Contains(out, "keyword-coverage 1.0.0: ok (evaluator") {
		t.Fatalf("validate: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut = e.run(ctx, "plugin", "install", src); code != 0 || !strings.Contains(out, "installed keyword-coverage 1.0.0") {
		t.Fatalf("install: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut = e.run(ctx, "plugin", "install", src); code != 4 || !strings.Contains(errOut, "--force") {
		t.Fatalf("second install: exit %d, want 4 asking for --force\n%s", code, errOut)
	}
	if code, out, _ = e.run(ctx, "plugin", "list"); code != 0 || !strings.Contains(out, "plugin:keyword-coverage") || strings.Contains(out, "by hand") {
		t.Fatalf("list (the install recorded in the plugins table): exit %d\n%s", code, out)
	}
	if code, out, errOut = e.run(ctx, "plugin", "reload", "keyword-coverage"); code != 0 || !strings.Contains(out, "reloaded keyword-coverage 1.0.0") {
		t.Fatalf("reload: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut = e.run(ctx, "plugin", "reload", "absent"); code != 4 || !strings.Contains(errOut, "not installed") {
		t.Fatalf("reload of an absent plugin: exit %d\n%s", code, errOut)
	}

	suite := e.write("suite.yaml", `name: capitals
test_cases:
  - id: france
    prompt: "The capital of France is Paris."
    assert:
      - type: plugin:keyword-coverage
        config: {keywords: [Paris, France]}
  - id: spain
    prompt: "Name the capital of Spain."
    assert:
      - type: plugin:keyword-coverage
        config: {keywords: [Madrid]}
`)
	if code, out, errOut = e.run(ctx, "datasets", "validate", suite); code != 0 {
		t.Fatalf("datasets validate: exit %d\n%s%s", code, out, errOut)
	}
	results := filepath.Join(e.dir, "out.jsonl")
	code, out, errOut = e.run(ctx, "bench", "--dataset", suite, "--providers", "openai:gpt-4o-mini", "--simulate", "--output", results)
	if code != 100 { // one case fails its assertion
		t.Fatalf("bench: exit %d\n%s%s", code, out, errOut)
	}
	got := map[string]bench.Score{}
	for line := range strings.SplitSeq(strings.TrimSpace(string(readFile(t, results))), "\n") {
		var r bench.Result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		got[r.CaseID] = r.Scores["plugin:keyword-coverage"]
	}
	if s := got["france"]; !s.Pass || s.Score != 1 || s.Reason != "2 of 2 keywords" {
		t.Errorf("france: %+v", s)
	}
	if s := got["spain"]; s.Pass || s.Score != 0 || !strings.Contains(s.Reason, "missing: Madrid") {
		t.Errorf("spain: %+v", s)
	}

	bad := e.write("bad.yaml", strings.Replace(string(readFile(t, suite)), "[Madrid]", "[Madrid], extra: 1", 1))
	if code, _, errOut = e.run(ctx, "datasets", "validate", bad); code != 4 || !strings.Contains(errOut, "config_schema") {
		t.Errorf("a config outside the schema: exit %d\n%s", code, errOut)
	}

	if code, out, errOut = e.run(ctx, "plugin", "remove", "keyword-coverage"); code != 0 || !strings.Contains(out, "removed keyword-coverage") {
		t.Fatalf("remove: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(plugins, "keyword-coverage")); !os.IsNotExist(err) {
		t.Errorf("the plugin's directory is still there: %v", err)
	}
	if code, _, errOut = e.run(ctx, "plugin", "list"); code != 0 || !strings.Contains(errOut, "no plugins") {
		t.Errorf("list after remove: exit %d\n%s", code, errOut)
	}
	if code, _, errOut = e.run(ctx, "plugin", "remove", "keyword-coverage"); code != 4 || !strings.Contains(errOut, "not installed") {
		t.Errorf("second remove: exit %d\n%s", code, errOut)
	}
}

// TestPluginLogs: plugin logs prints the tail of the plugin's log file.
func TestPluginLogs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	plugins := filepath.Join(e.dir, "plugins")
	e.environ = append(e.environ, "LTB_PLUGINS__PLUGIN_DIRECTORY="+plugins)
	if err := os.MkdirAll(filepath.Join(plugins, ".logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	e.write("plugins/.logs/chatty.log", "2026-01-01T00:00:00Z INFO  first\n2026-01-01T00:00:01Z WARN  second\n")
	if code, out, errOut := e.run(ctx, "plugin", "logs", "chatty", "-n", "1"); code != 0 || out != "2026-01-01T00:00:01Z WARN  second\n" {
		t.Errorf("logs -n 1: exit %d %q %s", code, out, errOut)
	}
	if code, out, _ := e.run(ctx, "plugin", "logs", "chatty"); code != 0 || !strings.Contains(out, "first") {
		t.Errorf("logs: exit %d %q", code, out)
	}
	if code, _, errOut := e.run(ctx, "plugin", "logs", "quiet"); code != 0 || !strings.Contains(errOut, "no log lines") {
		t.Errorf("logs of a plugin that never logged: exit %d %s", code, errOut)
	}
	if code, _, errOut := e.run(ctx, "plugin", "logs", "../../etc/passwd"); code != 4 {
		t.Errorf("logs of a path: exit %d %s", code, errOut)
	}
}

// TestPluginValidateRejects: a directory without a valid plugin is an
// input error that says what is wrong.
func TestPluginValidateRejects(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	dir := filepath.Join(e.dir, "p")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	e.write("p/plugin.toml", "[package]\nname = \"p\"\nversion = \"1\"\n[plugin]\ntype = \"evaluator\"\nentry_point = \"main.wasm\"\n")
	e.write("p/main.wasm", "\x00asm\x01\x00\x00\x00")
	code, _, errOut := e.run(context.Background(), "plugin", "validate", dir)
	if code != 4 || !strings.Contains(errOut, `plugin "p"`) || !strings.Contains(errOut, `exports no memory named "memory"`) {
		t.Errorf("validate: exit %d\n%s", code, errOut)
	}
}
