package cache

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// The conformance suite lives in package cachetest, which imports this
// package; the disk backend's run of it is in disk_conformance_test.go
// (package cache_test).

func TestDiskReopenExpiryAndClear(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	d, err := OpenDisk(dir, TTLs{Default: time.Hour}, 16)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d.now = func() time.Time { return now }
	key := "abcdef0123456789"
	want := &Entry{Text: "Paris", Model: "m", FinishReason: "stop", Usage: bench.Usage{Prompt: 3, Completion: 1, Total: 4}, LatencyMs: 12.5}
	if err := d.Put(ctx, key, want); err != nil {
		t.Fatal(err)
	}
	// A second cache on the same directory reads it from disk.
	d2, _ := OpenDisk(dir, TTLs{Default: time.Hour}, 16)
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
	if err := d.Clear(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "ab")); !os.IsNotExist(err) {
		t.Errorf("clear left files: %v", err)
	}
}

// TestDiskReadsEntriesWithoutKind: entries written before kinds existed
// are responses.
func TestDiskReadsEntriesWithoutKind(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d, err := OpenDisk(dir, TTLs{Default: time.Hour, Kinds: map[Kind]time.Duration{KindResponse: time.Minute}}, 16)
	if err != nil {
		t.Fatal(err)
	}
	key := "ab01"
	os.MkdirAll(filepath.Join(dir, "ab"), 0o755)
	old := `{"text":"hi","stored_at":"` + time.Now().Add(-10*time.Minute).UTC().Format(time.RFC3339Nano) + `"}`
	if err := os.WriteFile(d.path(key), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := d.Get(t.Context(), key); ok {
		t.Error("an old entry without a kind escaped the response TTL")
	}
}
