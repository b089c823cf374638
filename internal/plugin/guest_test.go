package plugin

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// wat2wasm compiles WebAssembly text with Debian's wabt. Outside CI a
// missing wat2wasm skips the test; under CI=true it fails it.
func wat2wasm(t testing.TB, src string) []byte {
	t.Helper()
	bin, err := exec.LookPath("wat2wasm")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("wat2wasm not found (apt-get install wabt); CI needs it")
		}
		t.Skip("wat2wasm not found (apt-get install wabt)")
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "guest.wat"), filepath.Join(dir, "guest.wasm")
	if err := os.WriteFile(in, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(bin, in, "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("wat2wasm: %v\n%s\n%s", err, b, src)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// watGuest is a guest in WebAssembly text that meets ltb-plugin/1: a bump
// allocator at 4096, the ABI exports and the ltb imports. body is
// ltb_handle's code (it must leave an i32 status); data is placed at
// offset 16 and its length is substituted for $N in body.
type watGuest struct {
	body    string
	data    string
	imports string
	version int
	pages   int
}

func (g watGuest) source() string {
	version, pages := g.version, g.pages
	if version == 0 {
		version = ABIVersion
	}
	if pages == 0 {
		pages = 1
	}
	data := strings.ReplaceAll(strings.ReplaceAll(g.data, `\`, `\\`), `"`, `\"`)
	body := strings.ReplaceAll(g.body, "$N", fmt.Sprint(len(g.data)))
	return fmt.Sprintf(`(module
  (import "ltb" "set_output" (func $set_output (param i32 i32)))
  (import "ltb" "set_error" (func $set_error (param i32 i32)))
  (import "ltb" "log" (func $log (param i32 i32 i32)))
  (import "ltb" "call" (func $call (param i32 i32 i32 i32) (result i64)))
  (import "ltb" "read_result" (func $read_result (param i32 i32 i32) (result i32)))
  %s
  (memory (export "memory") %d)
  (data (i32.const 16) "%s")
  (func (export "ltb_abi_version") (result i32) (i32.const %d))
  (func (export "ltb_alloc") (param $n i32) (result i32)
    (local $need i32)
    (local.set $need (i32.add (i32.shr_u (i32.add (local.get $n) (i32.const 4096)) (i32.const 16)) (i32.const 1)))
    (if (i32.gt_u (local.get $need) (memory.size))
      (then (if (i32.eq (memory.grow (i32.sub (local.get $need) (memory.size))) (i32.const -1))
        (then (return (i32.const 0))))))
    (i32.const 4096))
  (func (export "ltb_free") (param i32 i32))
  (func (export "ltb_handle") (param $ptr i32) (param $len i32) (result i32)
    %s)
)`, g.imports, pages, data, version, body)
}

// ok sets data as the output and returns 0.
const okBody = `(call $set_output (i32.const 16) (i32.const $N)) (i32.const 0)`

// testLimits are small limits so hostile guests hit them fast.
func testLimits() Limits {
	l := DefaultLimits()
	l.MemoryMB = 8
	// Long enough for a memory bomb to reach the limit under -race on a
	// loaded 2-core machine (1 s was not, beside the Go-guest tests).
	l.Timeout = 3 * time.Second
	l.OutputBytes = 64 << 10
	l.MaxInstances = 2
	return l
}

// newTestHost starts a host with l and closes it with the test.
func newTestHost(t testing.TB, l Limits) *Host {
	t.Helper()
	h, err := NewHost(context.Background(), Options{Limits: l, Grant: AllowAll})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close(context.Background()) })
	return h
}

// testManifest is an evaluator manifest named name.
func testManifest(t testing.TB, name, extra string) *Manifest {
	t.Helper()
	m, err := ParseManifest([]byte(fmt.Sprintf("[package]\nname = %q\nversion = \"1.0.0\"\n[plugin]\ntype = \"evaluator\"\nentry_point = \"main.wasm\"\n%s", name, extra)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// loadWAT makes a plugin from a WAT guest.
func loadWAT(t testing.TB, h *Host, name string, g watGuest) (*Plugin, error) {
	t.Helper()
	return h.New(context.Background(), testManifest(t, name, ""), wat2wasm(t, g.source()))
}
