// Package cachetest is the conformance suite every cache.Cache backend
// passes, plus the Redis test-server helper.
package cachetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/cache"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Backend is how the suite drives one backend.
type Backend struct {
	// Open returns a fresh, empty cache with these TTLs; the suite closes it.
	Open func(t *testing.T, ttl cache.TTLs) cache.Cache
	// Corrupt stores bytes that are not an entry under key in c, behind
	// its back.
	Corrupt func(t *testing.T, c cache.Cache, key string)
}

// ShortTTL is the lifetime of the entries the suite watches expire.
const ShortTTL = 400 * time.Millisecond

// Run runs the conformance suite.
func Run(t *testing.T, b Backend) {
	tests := []struct {
		name string
		fn   func(t *testing.T, b Backend)
	}{
		{"RoundTrip", testRoundTrip},
		{"Miss", testMiss},
		{"Overwrite", testOverwrite},
		{"TTLPerKind", testTTLPerKind},
		{"Corrupt", testCorrupt},
		{"ConcurrentPuts", testConcurrentPuts},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, b)
		})
	}
}

func open(t *testing.T, b Backend, ttl cache.TTLs) cache.Cache {
	t.Helper()
	c := b.Open(t, ttl)
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return c
}

// key returns a real cache key, as the call policy makes them.
func key(t *testing.T, i int) string {
	t.Helper()
	req := provider.Request{Model: "m", Messages: []bench.Message{{Role: "user", Content: fmt.Sprintf("question %d", i)}}}
	k, err := cache.Key("openai:m", "https://api.example.com/v1", &req, 0)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func entry(kind cache.Kind, text string) *cache.Entry {
	return &cache.Entry{
		Kind: kind, Text: text, Model: "m-2026", FinishReason: "stop", RawFinishReason: "end_turn",
		Usage:    bench.Usage{Prompt: 12, Completion: 3, Cached: 4, Reasoning: 1, Total: 15, CacheWrite: 6, CacheWrite1h: 2},
		Logprobs: []float64{-0.25, -1.5}, LatencyMs: 812.5, TTFTMs: 120.25,
	}
}

func mustPut(t *testing.T, c cache.Cache, key string, e *cache.Entry) {
	t.Helper()
	if err := c.Put(t.Context(), key, e); err != nil {
		t.Fatalf("Put: %v", err)
	}
}

func testRoundTrip(t *testing.T, b Backend) {
	c := open(t, b, cache.TTLs{Default: time.Hour})
	before := time.Now()
	for i, kind := range append([]cache.Kind{""}, cache.Kinds...) {
		t.Run(string(kind), func(t *testing.T) {
			k := key(t, i)
			put := entry(kind, "Paris ✓ \"quoted\"\n")
			mustPut(t, c, k, put)
			if put.StoredAt.Before(before.Add(-time.Second)) || put.StoredAt.After(time.Now().Add(time.Second)) {
				t.Errorf("StoredAt stamped %v, want about now", put.StoredAt)
			}
			got, ok := c.Get(t.Context(), k)
			if !ok {
				t.Fatal("entry not found")
			}
			if d := cmp.Diff(put, got); d != "" {
				t.Errorf("entry (-put +got):\n%s", d)
			}
		})
	}
	stamped := entry(cache.KindJudge, "kept")
	stamped.StoredAt = time.Now().Add(-time.Minute).UTC().Round(0)
	mustPut(t, c, key(t, 99), stamped)
	if got, ok := c.Get(t.Context(), key(t, 99)); !ok || !got.StoredAt.Equal(stamped.StoredAt) {
		t.Errorf("a StoredAt given by the caller is not kept: %v, %v", got, ok)
	}
}

func testMiss(t *testing.T, b Backend) {
	c := open(t, b, cache.TTLs{})
	if e, ok := c.Get(t.Context(), key(t, 1)); ok {
		t.Errorf("Get(absent) = %+v", e)
	}
	for _, bad := range []string{"", "../../etc/passwd", "ABCDEF", "a", "zz00"} {
		if err := c.Put(t.Context(), bad, entry("", "x")); err == nil {
			t.Errorf("Put(%q) accepted a key that is not a hash", bad)
		}
		if _, ok := c.Get(t.Context(), bad); ok {
			t.Errorf("Get(%q) hit", bad)
		}
	}
	if err := c.Put(t.Context(), key(t, 2), entry("verdict", "x")); err == nil {
		t.Error("Put accepted an unknown kind")
	}
}

func testOverwrite(t *testing.T, b Backend) {
	c := open(t, b, cache.TTLs{})
	k := key(t, 1)
	mustPut(t, c, k, entry("", "first"))
	mustPut(t, c, k, entry("", "second"))
	if got, ok := c.Get(t.Context(), k); !ok || got.Text != "second" {
		t.Errorf("after two puts: %v, %v; want the second", got, ok)
	}
}

// testTTLPerKind stores one entry of each kind under TTLs where judge
// verdicts live ShortTTL, responses the default (an hour) and embeddings
// for good, then watches only the judge verdict expire.
func testTTLPerKind(t *testing.T, b Backend) {
	c := open(t, b, cache.TTLs{Default: time.Hour, Kinds: map[cache.Kind]time.Duration{cache.KindJudge: ShortTTL, cache.KindEmbedding: 0}})
	resp, judge, emb := key(t, 1), key(t, 2), key(t, 3)
	start := time.Now()
	mustPut(t, c, resp, entry(cache.KindResponse, "r"))
	mustPut(t, c, judge, entry(cache.KindJudge, "j"))
	mustPut(t, c, emb, entry(cache.KindEmbedding, "e"))
	if _, ok := c.Get(t.Context(), judge); !ok && time.Since(start) < ShortTTL/2 {
		t.Fatal("judge verdict missing before its TTL")
	}
	time.Sleep(time.Until(start.Add(ShortTTL + 200*time.Millisecond)))
	if _, ok := c.Get(t.Context(), judge); ok {
		t.Errorf("judge verdict still there %v after it was stored with a TTL of %v", time.Since(start), ShortTTL)
	}
	if _, ok := c.Get(t.Context(), resp); !ok {
		t.Error("response expired with the judge's TTL")
	}
	if _, ok := c.Get(t.Context(), emb); !ok {
		t.Error("embedding with TTL 0 (never) expired")
	}

	// An entry older than its TTL is a miss even if the backend kept it.
	old := entry(cache.KindResponse, "old")
	old.StoredAt = time.Now().Add(-2 * time.Hour)
	mustPut(t, c, key(t, 4), old)
	if _, ok := c.Get(t.Context(), key(t, 4)); ok {
		t.Error("entry stored two hours ago returned under a one-hour TTL")
	}
}

func testCorrupt(t *testing.T, b Backend) {
	c := open(t, b, cache.TTLs{})
	k := key(t, 1)
	b.Corrupt(t, c, k)
	if e, ok := c.Get(t.Context(), k); ok {
		t.Errorf("corrupt entry returned: %+v", e)
	}
	mustPut(t, c, k, entry("", "repaired"))
	if got, ok := c.Get(t.Context(), k); !ok || got.Text != "repaired" {
		t.Errorf("Put over a corrupt entry: %v, %v", got, ok)
	}
}

// testConcurrentPuts has writers race on one shared key and on keys of
// their own: every Put succeeds, and every read finds a whole entry.
func testConcurrentPuts(t *testing.T, b Backend) {
	c := open(t, b, cache.TTLs{})
	const writers, each = 8, 10
	shared := key(t, -1)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, writers*each*2)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if err := c.Put(ctx, shared, entry("", fmt.Sprintf("writer %d", w))); err != nil {
					errs <- err
				}
				if err := c.Put(ctx, key(t, 1000+w*each+i), entry("", fmt.Sprintf("%d/%d", w, i))); err != nil {
					errs <- err
				}
				if e, ok := c.Get(ctx, shared); ok && e.Model != "m-2026" {
					errs <- fmt.Errorf("torn read of the shared key: %+v", e)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, ok := c.Get(ctx, shared)
	if !ok || len(got.Text) < len("writer 0") || got.Text[:7] != "writer " {
		t.Errorf("shared key after the race: %+v, %v", got, ok)
	}
	for w := range writers {
		for i := range each {
			if e, ok := c.Get(ctx, key(t, 1000+w*each+i)); !ok || e.Text != fmt.Sprintf("%d/%d", w, i) {
				t.Errorf("entry %d/%d: %+v, %v", w, i, e, ok)
			}
		}
	}
}
