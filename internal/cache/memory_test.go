package cache

import (
	"context"
	"testing"
	"time"
)

func TestMemoryKeepsEntriesForTheirKindsTTL(t *testing.T) {
	t.Parallel()
	m, err := NewMemory(2, TTLs{Default: time.Hour, Kinds: map[Kind]time.Duration{KindJudge: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	m.now = func() time.Time { return now }
	ctx := context.Background()
	if err := m.Put(ctx, "aa", &Entry{Kind: KindJudge, Text: "verdict"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Put(ctx, "bb", &Entry{Text: "answer"}); err != nil {
		t.Fatal(err)
	}
	if e, ok := m.Get(ctx, "aa"); !ok || e.Text != "verdict" {
		t.Fatalf("Get = %v, %v", e, ok)
	}
	now = now.Add(2 * time.Minute)
	if _, ok := m.Get(ctx, "aa"); ok {
		t.Error("a judge entry outlived its one-minute TTL")
	}
	if _, ok := m.Get(ctx, "bb"); !ok {
		t.Error("a response entry expired before its hour")
	}
	if err := m.Put(ctx, "not-hex", &Entry{}); err == nil {
		t.Error("Put took a key that is not a digest")
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := m.Get(ctx, "bb"); ok {
		t.Error("Close kept the entries")
	}
}
