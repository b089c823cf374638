package plugin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// scoreGuest answers every call with score (a WAT guest, no work).
func scoreGuest(score string) watGuest {
	return watGuest{data: `{"score":` + score + `,"reason":"v` + score + `"}`, body: okBody}
}

// logGuest logs one line ("hello from wat") at level 2 and answers score 1.
var logGuest = watGuest{
	data: `{"score":1}hello from wat`,
	body: `(call $log (i32.const 2) (i32.const 27) (i32.const 14)) (call $set_output (i32.const 16) (i32.const 11)) (i32.const 0)`,
}

// manifestText is an evaluator's plugin.toml named name.
func manifestText(name, version, extra string) string {
	return fmt.Sprintf("[package]\nname = %q\nversion = %q\ndescription = \"test\"\n[plugin]\ntype = \"evaluator\"\nentry_point = \"main.wasm\"\n%s", name, version, extra)
}

// writePlugin writes a plugin directory dir (manifest and module).
func writePlugin(t testing.TB, dir, manifest string, wasm []byte) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{ManifestFile: []byte(manifest), "main.wasm": wasm} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// memRecorder is a Recorder in memory.
type memRecorder struct {
	mu   sync.Mutex
	recs map[string]store.PluginRecord
}

func (r *memRecorder) PutPlugin(_ context.Context, p *store.PluginRecord) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.recs == nil {
		r.recs = map[string]store.PluginRecord{}
	}
	r.recs[p.Name] = *p
	return nil
}

func (r *memRecorder) DeletePlugin(_ context.Context, name string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.recs[name]; !ok {
		return store.ErrNotFound
	}
	delete(r.recs, name)
	return nil
}

func (r *memRecorder) GetPlugin(_ context.Context, name string) (*store.PluginRecord, error) {
	p, ok := r.get(name)
	if !ok {
		return nil, store.ErrNotFound
	}
	return &p, nil
}

func (r *memRecorder) ListPlugins(context.Context) ([]store.PluginRecord, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := []store.PluginRecord{}
	for _, p := range r.recs {
		out = append(out, p)
	}
	return out, nil
}

func (r *memRecorder) get(name string) (store.PluginRecord, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, ok := r.recs[name]
	return p, ok
}

// score runs plugin:NAME through the assertion type, as a run does.
func score(t *testing.T, name string) (float64, error) {
	t.Helper()
	e, ok := eval.Lookup(TypePrefix + name)
	if !ok {
		return 0, fmt.Errorf("no assertion type plugin:%s", name)
	}
	s, err := e.Evaluate(context.Background(), bench.Assertion{Type: TypePrefix + name}, &eval.Input{Output: "x"})
	return s.Score, err
}

func TestManagerInstallReloadRemove(t *testing.T) {
	h := newTestHost(t, testLimits())
	root := t.TempDir()
	rec := &memRecorder{}
	m := NewManager(h, ManagerOptions{Dir: root, Recorder: rec, Activate: true})
	t.Cleanup(func() { m.Close(context.Background()) })
	ctx := context.Background()
	name := "mgr-life"

	src := filepath.Join(t.TempDir(), "src")
	writePlugin(t, src, manifestText(name, "1.0.0", ""), wat2wasm(t, scoreGuest("0.25").source()))
	p, err := m.InstallDir(ctx, src, false)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := score(t, name); err != nil || got != 0.25 {
		t.Fatalf("after install: score %v, %v; want 0.25", got, err)
	}
	r, ok := rec.get(name)
	if !ok || r.Version != "1.0.0" || r.Hash != p.Hash || r.Path != filepath.Join(root, name) || !strings.Contains(r.Manifest, "1.0.0") {
		t.Errorf("record = %+v, %v", r, ok)
	}
	infos, err := m.List(ctx)
	if err != nil || len(infos) != 1 || !infos[0].Loaded || infos[0].InstalledAt == nil || infos[0].Assertion != "plugin:"+name || infos[0].Hash != p.Hash {
		t.Errorf("List = %+v, %v", infos, err)
	}
	if _, err := m.InstallDir(ctx, src, false); !errors.Is(err, store.ErrExists) {
		t.Errorf("second install without replace = %v, want ErrExists", err)
	}

	// A new version written in place is served after Reload.
	writePlugin(t, filepath.Join(root, name), manifestText(name, "2.0.0", ""), wat2wasm(t, scoreGuest("0.75").source()))
	if _, err := m.Reload(ctx, name); err != nil {
		t.Fatal(err)
	}
	if got, err := score(t, name); err != nil || got != 0.75 {
		t.Fatalf("after reload: score %v, %v; want 0.75", got, err)
	}

	// A broken version leaves the loaded one serving.
	if err := os.WriteFile(filepath.Join(root, name, "main.wasm"), []byte("not wasm"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Reload(ctx, name); err == nil {
		t.Fatal("Reload of a broken module succeeded")
	}
	if got, err := score(t, name); err != nil || got != 0.75 {
		t.Fatalf("after a failed reload: score %v, %v; want the old 0.75", got, err)
	}

	if err := m.Remove(ctx, name); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, name)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("directory left after Remove: %v", err)
	}
	if _, ok := rec.get(name); ok {
		t.Error("record left after Remove")
	}
	if _, err := score(t, name); err == nil || !strings.Contains(err.Error(), "not loaded") {
		t.Errorf("after remove: %v, want not loaded", err)
	}
	if err := m.Remove(ctx, name); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("Remove twice = %v, want ErrNotInstalled", err)
	}
	if err := m.Remove(ctx, "../etc"); err == nil {
		t.Error("Remove(../etc) succeeded")
	}
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".install") || strings.HasPrefix(e.Name(), ".remove") || strings.HasPrefix(e.Name(), ".replace") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// TestReloadInFlight: a call in flight when a new version is swapped in
// finishes on the old instance; the next call gets the new version.
func TestReloadInFlight(t *testing.T) {
	h := newTestHost(t, testLimits())
	root := t.TempDir()
	m := NewManager(h, ManagerOptions{Dir: root, Activate: true})
	t.Cleanup(func() { m.Close(context.Background()) })
	ctx := context.Background()
	name := "mgr-inflight"
	writePlugin(t, filepath.Join(root, name), manifestText(name, "1", ""), wat2wasm(t, scoreGuest("0.25").source()))
	if err := m.LoadAll(ctx); err != nil {
		t.Fatal(err)
	}
	old, _ := m.Get(name)

	// Hold the old version's call in a service call, swap, then let it finish.
	entered, release := make(chan struct{}), make(chan struct{})
	svc := func(context.Context, []byte) ([]byte, error) {
		close(entered)
		<-release
		return []byte(`{}`), nil
	}
	old.Manifest.Capabilities.RequiresLLM = true // lets the guest reach svc
	blocking := watGuest{data: `llm.complete{}{"score":0.25}`, body: `(drop (call $call (i32.const 16) (i32.const 12) (i32.const 28) (i32.const 2)))
		(call $set_output (i32.const 30) (i32.const 14)) (i32.const 0)`}
	oldBlocking, err := h.New(ctx, old.Manifest, wat2wasm(t, blocking.source()))
	if err != nil {
		t.Fatal(err)
	}
	oldBlocking.Dir = old.Dir
	m.mu.Lock()
	if err := m.swap(ctx, oldBlocking); err != nil {
		t.Fatal(err)
	}
	m.mu.Unlock()
	done := make(chan error, 1)
	go func() {
		out, err := oldBlocking.Call(ctx, []byte(`{}`), map[string]Service{ServiceLLMComplete: svc})
		if err == nil && string(out) != `{"score":0.25}` {
			err = fmt.Errorf("old call answered %s", out)
		}
		done <- err
	}()
	<-entered
	writePlugin(t, filepath.Join(root, name), manifestText(name, "2", ""), wat2wasm(t, scoreGuest("0.75").source()))
	if _, err := m.Reload(ctx, name); err != nil {
		t.Fatal(err)
	}
	if got, err := score(t, name); err != nil || got != 0.75 {
		t.Fatalf("new calls: score %v, %v; want 0.75", got, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("the call in flight on the old version: %v", err)
	}
}

func TestGrantRefused(t *testing.T) {
	h, err := NewHost(context.Background(), Options{Limits: testLimits(), Grant: func(p, c string) bool { return p == "granted" }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close(context.Background()) })
	wasm := wat2wasm(t, scoreGuest("1").source())
	_, err = h.New(context.Background(), testManifest(t, "asker", "[capabilities]\nrequires_llm = true\n"), wasm)
	if err == nil || !strings.Contains(err.Error(), `[plugins.grants.asker]`) || !strings.Contains(err.Error(), "llm.complete (capabilities.requires_llm)") {
		t.Errorf("ungranted capability: %v", err)
	}
	if _, err := h.New(context.Background(), testManifest(t, "granted", "[capabilities]\nrequires_llm = true\n"), wasm); err != nil {
		t.Errorf("granted capability: %v", err)
	}
	if _, err := h.New(context.Background(), testManifest(t, "asks-nothing", ""), wasm); err != nil {
		t.Errorf("no capability asked: %v", err)
	}
}

func TestPluginLogFile(t *testing.T) {
	logDir := t.TempDir()
	h, err := NewHost(context.Background(), Options{Limits: testLimits(), Grant: AllowAll, LogDir: logDir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close(context.Background()) })
	p, err := loadWAT(t, h, "logger", logGuest)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := p.Call(context.Background(), []byte(`{}`), nil); err != nil {
			t.Fatal(err)
		}
	}
	bad, err := loadWAT(t, h, "logger-bad", watGuest{body: `unreachable`})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = bad.Call(context.Background(), []byte(`{}`), nil)
	lines, err := ReadLog(logDir, "logger", 2)
	if err != nil || len(lines) != 2 || !strings.Contains(lines[1], "WARN  hello from wat") {
		t.Errorf("ReadLog = %q, %v", lines, err)
	}
	lines, err = ReadLog(logDir, "logger-bad", 0)
	if err != nil || len(lines) != 1 || !strings.Contains(lines[0], `call failed: plugin "logger-bad": trap`) {
		t.Errorf("failure in the log = %q, %v", lines, err)
	}
	if lines, err := ReadLog(logDir, "never-logged", 10); err != nil || len(lines) != 0 {
		t.Errorf("no log: %q, %v", lines, err)
	}
	if _, err := ReadLog(logDir, "../x", 10); err == nil {
		t.Error("ReadLog(../x) succeeded")
	}
}

func TestLogFileRotates(t *testing.T) {
	dir := t.TempDir()
	l := newLogFiles(dir)
	defer l.close()
	line := strings.Repeat("x", 1000)
	for range 2 * logFileMax / 1000 {
		l.write(nil, "big", 0, line)
	}
	cur, err1 := os.Stat(LogPath(dir, "big"))
	old, err2 := os.Stat(LogPath(dir, "big") + ".1")
	if err1 != nil || err2 != nil || cur.Size() > logFileMax || old.Size() > logFileMax {
		t.Fatalf("after 2 MiB: %v %v %v %v", cur, old, err1, err2)
	}
	lines, err := ReadLog(dir, "big", 0)
	if err != nil || len(lines) < logFileMax/1100 {
		t.Errorf("ReadLog after rotation: %d lines, %v", len(lines), err)
	}
}
