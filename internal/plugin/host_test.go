package plugin

import (
	"context"
	"strings"
	"testing"
)

func TestCallReturnsOutput(t *testing.T) {
	t.Parallel()
	h := newTestHost(t, testLimits())
	p, err := loadWAT(t, h, "wat-ok", watGuest{data: `{"score":0.75}`, body: okBody})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 { // the same instance serves call after call
		out, err := p.Call(context.Background(), []byte(`{"abi":1}`), nil)
		if err != nil || string(out) != `{"score":0.75}` {
			t.Fatalf("Call = %q, %v", out, err)
		}
	}
}

func TestLoadRejects(t *testing.T) {
	t.Parallel()
	h := newTestHost(t, testLimits())
	for _, tc := range []struct {
		name string
		g    watGuest
		want string
	}{
		{"wrong abi version", watGuest{version: 2, body: okBody}, "ltb_abi_version returned 2"},
		{"foreign import", watGuest{imports: `(import "env" "spawn" (func (param i32)))`, body: okBody}, "imports env.spawn"},
		{"memory over the limit", watGuest{pages: 200, body: okBody}, "compile"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := loadWAT(t, h, "bad", tc.g)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("load: %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestMissingExportRejected(t *testing.T) {
	t.Parallel()
	h := newTestHost(t, testLimits())
	wasm := wat2wasm(t, `(module (memory (export "memory") 1) (func (export "ltb_abi_version") (result i32) (i32.const 1)))`)
	_, err := h.New(context.Background(), testManifest(t, "half", ""), wasm)
	if err == nil || !strings.Contains(err.Error(), "missing export ltb_") {
		t.Fatalf("load: %v, want a missing export", err)
	}
}

// serviceGuest calls the service named in its data and outputs the response.
var serviceGuest = watGuest{
	data: "llm.complete",
	body: `(local $r i64) (local $n i32)
    (local.set $r (call $call (i32.const 16) (i32.const $N) (i32.const 16) (i32.const $N)))
    (if (i64.lt_s (local.get $r) (i64.const 0))
      (then (call $set_error (i32.const 16) (i32.const $N)) (return (i32.const 1))))
    (local.set $n (i32.wrap_i64 (i64.and (local.get $r) (i64.const 0xffffffff))))
    (if (i32.ne (call $read_result (i32.wrap_i64 (i64.shr_u (local.get $r) (i64.const 32))) (i32.const 8192) (local.get $n)) (i32.const 0))
      (then (unreachable)))
    (call $set_output (i32.const 8192) (local.get $n))
    (i32.const 0)`,
}

func TestServiceGatedByCapability(t *testing.T) {
	t.Parallel()
	h := newTestHost(t, testLimits())
	wasm := wat2wasm(t, serviceGuest.source())
	svc := map[string]Service{ServiceLLMComplete: func(_ context.Context, req []byte) ([]byte, error) {
		return []byte(`{"text":"echo ` + string(req) + `"}`), nil
	}}
	for _, tc := range []struct {
		name, caps string
		services   map[string]Service
		want       string
	}{
		{"granted", "[capabilities]\nrequires_llm = true\n", svc, `{"text":"echo llm.complete"}`},
		{"not in the manifest", "", svc, "plugin error"},
		{"not offered by the host", "[capabilities]\nrequires_llm = true\n", nil, "plugin error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := h.New(context.Background(), testManifest(t, "svc", tc.caps), wasm)
			if err != nil {
				t.Fatal(err)
			}
			out, err := p.Call(context.Background(), []byte(`{}`), tc.services)
			got := string(out)
			if err != nil {
				got = "plugin error: " + err.Error()
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
