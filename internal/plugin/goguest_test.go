package plugin

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// buildDir holds Go guests built once per test binary.
var (
	buildDir  string
	buildMu   sync.Mutex
	builtWasm = map[string]string{}
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ltb-plugin-test-")
	if err != nil {
		panic(err)
	}
	buildDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// repoRoot is the module's root, two levels above this package.
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// buildGoGuest builds the Go package at pkg (relative to the repo root)
// as a WASI reactor, once per test binary, and returns the .wasm path.
func buildGoGuest(t testing.TB, pkg string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if p, ok := builtWasm[pkg]; ok {
		return p
	}
	out := filepath.Join(buildDir, filepath.Base(pkg)+".wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", out, "./"+pkg)
	cmd.Dir = repoRoot(t)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s for wasip1: %v\n%s", pkg, err, b)
	}
	builtWasm[pkg] = out
	return out
}

// installGoGuest makes a plugin directory from a Go package holding a
// plugin.toml: the manifest copied and the module built beside it.
func installGoGuest(t testing.TB, pkg string) string {
	t.Helper()
	wasm := buildGoGuest(t, pkg)
	dir := t.TempDir()
	for src, dst := range map[string]string{
		filepath.Join(repoRoot(t), pkg, ManifestFile): filepath.Join(dir, ManifestFile),
		wasm: filepath.Join(dir, "main.wasm"),
	} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// goCacheDir is the compilation cache of the Go-guest tests. It outlives
// the test binary, as Go's build cache does, because compiling a 3 MB Go
// guest takes seconds (tens under -race); entries are keyed by the
// module's hash and wazero's version, so a changed guest is compiled anew.
func goCacheDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "llm-test-bench", "test-wasm")
	}
	return filepath.Join(buildDir, "wasm")
}

// goHost is the one host the Go-guest tests share, so each guest is
// compiled once per test binary.
var goHost = sync.OnceValues(func() (*Host, error) {
	l := DefaultLimits()
	l.Timeout = 20 * time.Second // a Go guest's first instance under -race on a busy machine
	return NewHost(context.Background(), Options{Limits: l, CacheDir: goCacheDir(), Grant: AllowAll})
})

// newGoHost returns the shared Go-guest host.
func newGoHost(t testing.TB) *Host {
	t.Helper()
	h, err := goHost()
	if err != nil {
		t.Fatal(err)
	}
	return h
}
