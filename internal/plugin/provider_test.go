package plugin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/policy"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// TestExampleProvider builds the Go example inhouse-llm and calls it as
// the provider plugin:inhouse-llm:MODEL, behind the call policy, against
// a local in-house endpoint: the key reaches the endpoint without the
// plugin seeing it, a 429 is retried, and usage and finish reason come
// back.
func TestExampleProvider(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/generate" || r.Header.Get("Authorization") != "Bearer sekrit" {
			http.Error(w, "who are you", http.StatusUnauthorized)
			return
		}
		if calls.Add(1) == 1 {
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		var req struct {
			Model, Prompt string
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		_ = json.NewEncoder(w).Encode(map[string]any{"output": "echo " + req.Model + " " + strings.TrimSpace(req.Prompt), "tokens_in": 5, "tokens_out": 3, "stop_reason": "max_tokens"})
	}))
	t.Cleanup(srv.Close)
	l := DefaultLimits()
	l.Timeout = 20 * time.Second
	h, err := NewHost(context.Background(), Options{Limits: l, CacheDir: goCacheDir(), Grant: func(plugin, capability string) bool { return plugin == "inhouse-llm" }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close(context.Background()) })
	p := loadVariant(t, h, "examples/plugins/inhouse-llm", "inhouse-llm", `allowed_hosts = ["llm.internal.example"]`, `allowed_hosts = ["`+strings.TrimPrefix(srv.URL, "http://")+`"]`)
	if _, err := Activate([]*Plugin{p}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := provider.ParseID("plugin:inhouse-llm:m1"); err != nil {
		t.Fatal(err)
	}
	prov, err := provider.New(provider.Config{ID: "plugin:inhouse-llm:m1", Vendor: VendorPlugin, Model: "inhouse-llm:m1", BaseURL: srv.URL, APIKey: "sekrit"})
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := policy.Wrap(prov, policy.Options{ID: "plugin:inhouse-llm:m1", Settings: policy.Settings{MaxRetries: 2, BackoffBase: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	req := provider.Request{Messages: []bench.Message{{Role: "user", Content: "hi"}}}
	out := wrapped.Do(context.Background(), &req, policy.Call{CaseID: "c"})
	if out.Err != nil {
		t.Fatal(out.Err)
	}
	r := out.Response
	if r.Text != "echo m1 user: hi" || r.FinishReason != provider.FinishLength || r.Usage.Prompt != 5 || r.Usage.Completion != 3 || out.Attempts != 2 {
		t.Errorf("response %+v after %d attempts", r, out.Attempts)
	}

	// Without the key the endpoint refuses: an auth error, not retried.
	prov, err = provider.New(provider.Config{ID: "plugin:inhouse-llm", Vendor: VendorPlugin, Model: "inhouse-llm", BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = prov.Generate(context.Background(), req, func(provider.Chunk) error { return nil })
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindAuth || !strings.Contains(err.Error(), `plugin "inhouse-llm"`) {
		t.Errorf("no key: %v", err)
	}
	for model, want := range map[string]string{"not-loaded": "is not loaded", "keyword-coverage": "has type evaluator, not provider"} {
		if model == "keyword-coverage" {
			kc, err := newGoHost(t).Load(context.Background(), installGoGuest(t, examplePkg))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Activate([]*Plugin{kc}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := provider.New(provider.Config{Vendor: VendorPlugin, Model: model}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("provider %s: %v, want %q", model, err, want)
		}
	}
}

// TestProviderPluginWAT: a provider written in WebAssembly text answers
// through the provider contract, and an upstream error it reports keeps
// its kind, so the call policy retries what is retryable.
func TestProviderPluginWAT(t *testing.T) {
	t.Parallel()
	h := newTestHost(t, testLimits())
	for _, tc := range []struct {
		name, data string
		check      func(provider.Response, error) bool
	}{
		{"answer", `{"text":"wat answer","finish_reason":"stop","usage":{"prompt_tokens":2,"completion_tokens":2}}`, func(r provider.Response, err error) bool {
			return err == nil && r.Text == "wat answer" && r.Usage.Total == 4 && r.FinishReason == "stop"
		}},
		{"overloaded", `{"error":{"kind":"overloaded","message":"busy","status":529,"retry_after_ms":1500}}`, func(_ provider.Response, err error) bool {
			pe := provider.AsError(err)
			return pe != nil && pe.Kind == provider.KindOverloaded && pe.StatusCode == 529 && pe.RetryAfter == 1500*time.Millisecond
		}},
		{"garbage", `{"text":`, func(_ provider.Response, err error) bool {
			pe := provider.AsError(err)
			return pe != nil && pe.Kind == provider.KindBadRequest && strings.Contains(err.Error(), "not the provider's JSON")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			name := "wat-prov-" + tc.name
			m, err := ParseManifest([]byte("[package]\nname = \"" + name + "\"\nversion = \"1\"\n[plugin]\ntype = \"provider\"\nentry_point = \"main.wasm\"\n"))
			if err != nil {
				t.Fatal(err)
			}
			p, err := h.New(context.Background(), m, wat2wasm(t, watGuest{data: tc.data, body: okBody}.source()))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Activate([]*Plugin{p}); err != nil {
				t.Fatal(err)
			}
			prov, err := provider.New(provider.Config{Vendor: VendorPlugin, Model: name})
			if err != nil {
				t.Fatal(err)
			}
			r, err := prov.Generate(context.Background(), provider.Request{Messages: []bench.Message{{Role: "user", Content: "q"}}}, func(provider.Chunk) error { return nil })
			if !tc.check(r, err) {
				t.Errorf("Generate = %+v, %v", r, err)
			}
		})
	}
}
