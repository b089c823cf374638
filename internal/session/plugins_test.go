package session_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

// watPlugin writes an evaluator plugin named name into root: a manifest
// and a WAT guest whose ltb_handle is body, compiled with Debian's wabt
// (skipped outside CI when wat2wasm is missing, failed under CI=true).
func watPlugin(t *testing.T, root, name, body string) {
	t.Helper()
	watPluginOf(t, root, name, "evaluator", `{\"score\":0.9,\"reason\":\"wat says fine\"}`, body)
}

// watPluginOf writes a plugin of type typ whose guest holds data (WAT
// string syntax) at offset 16.
func watPluginOf(t *testing.T, root, name, typ, data, body string) {
	t.Helper()
	bin, err := exec.LookPath("wat2wasm")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("wat2wasm not found (apt-get install wabt); CI needs it")
		}
		t.Skip("wat2wasm not found (apt-get install wabt)")
	}
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	manifest := fmt.Sprintf("[package]\nname = %q\nversion = \"0.1.0\"\n[plugin]\ntype = %q\nentry_point = \"main.wasm\"\n", name, typ)
	src := `(module
  (import "ltb" "set_output" (func $set_output (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "` + data + `")
  (func (export "ltb_abi_version") (result i32) (i32.const 1))
  (func (export "ltb_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "ltb_free") (param i32 i32))
  (func (export "ltb_handle") (param i32 i32) (result i32) ` + body + `))`
	if err := os.WriteFile(filepath.Join(dir, "plugin.toml"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.wat"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, filepath.Join(dir, "main.wat"), "-o", filepath.Join(dir, "main.wasm")).CombinedOutput(); err != nil {
		t.Fatalf("wat2wasm: %v\n%s", err, out)
	}
}

// TestPluginAssertionsInARun runs a suite whose cases use a good plugin
// and one that never answers: every case gets its result, the good
// verdicts are recorded and the hung plugin's are errors naming it.
func TestPluginAssertionsInARun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	watPlugin(t, root, "sess-good", `(call $set_output (i32.const 16) (i32.const 38)) (i32.const 0)`)
	watPlugin(t, root, "sess-hang", `(loop $l (br $l)) (i32.const 0)`)
	cfg := loadConfig(t, fmt.Sprintf("[plugins]\nenable_plugins = true\nplugin_directory = %q\nmax_plugin_memory_mb = 8\nplugin_timeout_seconds = 1\n", root))
	st := openStore(t)
	svc := session.New(cfg, st, nil)
	cases := writeCases(t, "plug", 3, `{"type": "plugin:sess-good"}, {"type": "plugin:sess-hang"}`)
	p, err := svc.Plan(ctx, session.Options{Datasets: []string{cases}, Providers: []string{"openai:gpt-4o-mini"}, Simulate: true, NoCache: true}, session.ModeRun)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	r := p.NewRun()
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	r.Wait()
	got := stored(t, st, r.ID())
	if len(got) != 3 {
		t.Fatalf("%d results, want 3", len(got))
	}
	for _, res := range got {
		good, hang := res.Scores["plugin:sess-good"], res.Scores["plugin:sess-hang"]
		if good.Unscored || good.Score != 0.9 || !good.Pass || good.Reason != "wat says fine" {
			t.Errorf("%s: good plugin's verdict %+v", res.CaseID, good)
		}
		if !hang.Unscored || !strings.Contains(hang.Reason, `plugin "sess-hang": timeout`) {
			t.Errorf("%s: hung plugin's verdict %+v, want an unscored timeout naming it", res.CaseID, hang)
		}
	}
}

// TestBrokenPluginStopsThePlan: a plugin the operator installed that does
// not load is a configuration error before any call is made.
func TestBrokenPluginStopsThePlan(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	watPlugin(t, root, "sess-broken", `(i32.const 0)`)
	if err := os.WriteFile(filepath.Join(root, "sess-broken", "main.wasm"), []byte("not wasm"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := loadConfig(t, fmt.Sprintf("[plugins]\nenable_plugins = true\nplugin_directory = %q\n", root))
	svc := session.New(cfg, openStore(t), nil)
	_, err := svc.Plan(context.Background(), session.Options{Datasets: []string{writeCases(t, "b", 1, "")}, Providers: []string{"openai:gpt-4o-mini"}, Simulate: true}, session.ModeDryRun)
	if session.KindOf(err) != session.KindConfig || !strings.Contains(err.Error(), `plugin "sess-broken"`) {
		t.Fatalf("Plan: %v (kind %d), want a config error naming the plugin", err, session.KindOf(err))
	}
}

// TestTransformInARun: a suite's transform rewrites every answer before
// its assertions; a suite naming a plugin that is no transformer is
// refused when the run is planned.
func TestTransformInARun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	out := `{\"response\":\"rewritten by wat\"}`
	watPluginOf(t, root, "sess-tr", "transformer", out, fmt.Sprintf(`(call $set_output (i32.const 16) (i32.const %d)) (i32.const 0)`, len(`{"response":"rewritten by wat"}`)))
	watPlugin(t, root, "sess-eval", `(i32.const 0)`)
	cfg := loadConfig(t, fmt.Sprintf("[plugins]\nenable_plugins = true\nplugin_directory = %q\nmax_plugin_memory_mb = 8\n", root))
	st := openStore(t)
	svc := session.New(cfg, st, nil)
	suite := func(transform string) string {
		p := filepath.Join(t.TempDir(), "s.yaml")
		src := "transform: " + transform + "\ntest_cases:\n  - {id: a, prompt: hi, assert: [{type: equals, value: rewritten by wat}]}\n  - {id: b, prompt: ho}\n"
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	opts := session.Options{Datasets: []string{suite("plugin:sess-tr")}, Providers: []string{"openai:gpt-4o-mini"}, Simulate: true, NoCache: true}
	p, err := svc.Plan(ctx, opts, session.ModeRun)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	r := p.NewRun()
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	r.Wait()
	got := stored(t, st, r.ID())
	if len(got) != 2 {
		t.Fatalf("%d results, want 2", len(got))
	}
	for _, res := range got {
		if res.Status != "success" || res.Response != "rewritten by wat" || (res.CaseID == "a" && !res.Passed) {
			t.Errorf("%s: %+v %+v", res.CaseID, res, res.Error)
		}
	}
	for transform, want := range map[string]string{
		"plugin:sess-eval":    `plugin "sess-eval" has type evaluator, not transformer`,
		"plugin:sess-missing": `plugin "sess-missing" is not loaded`,
	} {
		opts.Datasets = []string{suite(transform)}
		if _, err := svc.Plan(ctx, opts, session.ModeDryRun); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "s.yaml:1: transform") {
			t.Errorf("transform %s: Plan = %v, want %q", transform, err, want)
		}
	}
}
