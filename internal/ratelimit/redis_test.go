package ratelimit

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/llm-test-bench/llm-test-bench/internal/cache/cachetest"
)

// openTestRedis returns a limiter on the test Redis server under a prefix
// of this test's own (deleted afterwards), or skips (fails with CI=true)
// when the server is down.
func openTestRedis(t *testing.T, prefix string, now func() time.Time) *Redis {
	t.Helper()
	url, _ := cachetest.Redis(t)
	r, err := OpenRedis(context.Background(), url, RedisOptions{Prefix: prefix, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

func TestRedisConformance(t *testing.T) {
	t.Parallel()
	conformance(t, func(t *testing.T, c *clock) Limiter {
		_, prefix := cachetest.Redis(t)
		return openTestRedis(t, prefix, c.Now)
	})
}

// Two replicas (two limiters, two connections) share one set of buckets.
func TestRedisReplicasShareBuckets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, prefix := cachetest.Redis(t)
	c := newClock()
	a, b := openTestRedis(t, prefix, c.Now), openTestRedis(t, prefix, c.Now)
	for i := range 10 {
		for _, l := range []*Redis{a, b} {
			if d, err := l.Allow(ctx, "user:shared", global); err != nil || !d.Allowed {
				t.Fatalf("round %d: %+v %v", i, d, err)
			}
		}
	}
	for _, l := range []*Redis{a, b} {
		if d, _ := l.Allow(ctx, "user:shared", global); d.Allowed {
			t.Fatal("each replica let through its own burst; the buckets are not shared")
		}
	}

	// Concurrent requests spread over both replicas: exactly the burst passes.
	var passed atomic.Int32
	var wg sync.WaitGroup
	for i := range 40 {
		l := []*Redis{a, b}[i%2]
		wg.Go(func() {
			ds, err := l.AllowAll(ctx, "user:race", []Policy{route, global})
			if err != nil {
				t.Error(err)
				return
			}
			if ok, _ := Verdict(ds); ok {
				passed.Add(1)
			}
		})
	}
	wg.Wait()
	if got := passed.Load(); got != int32(route.Burst) {
		t.Fatalf("%d of 40 requests over two replicas passed, want %d", got, route.Burst)
	}
}

// With no injected clock the script reads the server's; the bucket's key
// expires once it would be full again, so idle callers cost nothing.
func TestRedisServerClockAndExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url, prefix := cachetest.Redis(t)
	l := openTestRedis(t, prefix, nil)
	for i := range 20 {
		if d, err := l.Allow(ctx, "ip:192.0.2.1", global); err != nil || !d.Allowed {
			t.Fatalf("request %d: %+v %v", i+1, d, err)
		}
	}
	d, err := l.Allow(ctx, "ip:192.0.2.1", global)
	if err != nil || d.Allowed || d.RetryAfter <= 0 || d.RetryAfter > 600*time.Millisecond {
		t.Fatalf("21st: %+v %v, want refused within 600ms", d, err)
	}
	opts, _ := redis.ParseURL(url)
	client := redis.NewClient(opts)
	defer client.Close()
	key := prefix + "{ip:192.0.2.1}:global"
	ttl, err := client.PTTL(ctx, key).Result()
	if err != nil || ttl <= 11*time.Second || ttl > 12*time.Second+10*time.Millisecond {
		t.Fatalf("TTL of %s = %s (%v), want about the 12s a full refill takes", key, ttl, err)
	}
}

func TestRedisKeyNames(t *testing.T) {
	t.Parallel()
	r := NewRedis(nil, RedisOptions{Prefix: "p:"})
	for key, want := range map[string]string{
		"user:0b1c":        "p:{user:0b1c}:global",
		"ip:2001:db8::/64": "p:{ip:2001:db8::/64}:global",
		"key:k_1.a-b@c":    "p:{key:k_1.a-b@c}:global",
	} {
		if got := r.keyOf(key, "global"); got != want {
			t.Errorf("keyOf(%q) = %q, want %q", key, got, want)
		}
	}
	for _, k := range []string{"login:a}b{c", strings.Repeat("x", 300), "x y", ""} {
		if got := r.keyOf(k, "login"); !strings.HasPrefix(got, "p:{=") || len(got) != len("p:{=}:login")+64 {
			t.Errorf("keyOf(%q) = %q, want its hash", k, got)
		}
	}
}

func TestOpenRedisHidesPassword(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := OpenRedis(ctx, "redis://:hunter2-secret@127.0.0.1:1/0", RedisOptions{})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err = %v, want a connection error without the password", err)
	}
	_, err = OpenRedis(ctx, "http://:hunter2-secret@x", RedisOptions{})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err = %v, want a parse error without the password", err)
	}
}
