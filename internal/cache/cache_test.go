package cache

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

func TestKeyDependsOnEverythingThatShapesAnAnswer(t *testing.T) {
	t.Parallel()
	base := provider.Request{Model: "m", Messages: []bench.Message{{Role: "user", Content: "hi"}}}
	k0, _ := Key("openai:m", "http://a", &base, 0)
	temp := 0.5
	changed := base
	changed.Sampling.Temperature = &temp
	other := base
	other.Messages = []bench.Message{{Role: "user", Content: "ho"}}
	tests := []struct {
		name string
		id   string
		url  string
		req  provider.Request
		rep  int
	}{
		{"provider", "openai:n", "http://a", base, 0},
		{"base url", "openai:m", "http://b", base, 0},
		{"sampling", "openai:m", "http://a", changed, 0},
		{"messages", "openai:m", "http://a", other, 0},
		{"repetition", "openai:m", "http://a", base, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			k, err := Key(tc.id, tc.url, &tc.req, tc.rep)
			if err != nil {
				t.Fatal(err)
			}
			if k == k0 {
				t.Errorf("key did not change when %s changed", tc.name)
			}
		})
	}
	again, _ := Key("openai:m", "http://a", &base, 0)
	if again != k0 {
		t.Error("same request gave a different key")
	}
}

func TestDiskRoundTripTTLAndCorruption(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	d, err := Open(dir, time.Hour, 16)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d.now = func() time.Time { return now }
	key := "ab" + "cdef0123456789"
	want := &Entry{Text: "Paris", Model: "m", FinishReason: "stop", Usage: bench.Usage{Prompt: 3, Completion: 1, Total: 4}, LatencyMs: 12.5}
	if err := d.Put(ctx, key, want); err != nil {
		t.Fatal(err)
	}
	// A second cache on the same directory reads it from disk.
	d2, _ := Open(dir, time.Hour, 16)
	d2.now = d.now
	got, ok := d2.Get(ctx, key)
	if !ok {
		t.Fatal("entry not found on disk")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entry (-want +got):\n%s", diff)
	}
	now = now.Add(2 * time.Hour)
	if _, ok := d.Get(ctx, key); ok {
		t.Error("expired entry returned from memory")
	}
	if _, ok := d2.Get(ctx, key); ok {
		t.Error("expired entry returned")
	}
	bad := "ff" + "corrupt"
	os.MkdirAll(filepath.Join(dir, "ff"), 0o755)
	os.WriteFile(filepath.Join(dir, "ff", bad+".json"), []byte("{not json"), 0o644)
	if _, ok := d2.Get(ctx, bad); ok {
		t.Error("corrupt entry returned")
	}
	if err := d.Clear(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "ab")); !os.IsNotExist(err) {
		t.Errorf("clear left files: %v", err)
	}
}
