package cachetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultRedisURL is the test server used when LTB_TEST_REDIS_URL is unset.
const DefaultRedisURL = "redis://127.0.0.1:6379/0"

// Redis returns the URL of the test Redis server (LTB_TEST_REDIS_URL or
// DefaultRedisURL) and a key prefix of this test's own, whose keys are
// deleted on cleanup. When the server cannot be reached the test is
// skipped, except with CI=true, where a missing service fails it.
func Redis(t testing.TB) (url, prefix string) {
	t.Helper()
	url = os.Getenv("LTB_TEST_REDIS_URL")
	if url == "" {
		url = DefaultRedisURL
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("LTB_TEST_REDIS_URL: %v", err)
	}
	client := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		if os.Getenv("CI") == "true" {
			t.Fatalf("Redis unreachable on CI: %v", err)
		}
		t.Skipf("Redis unreachable, skipping: %v", err)
	}
	var b [8]byte
	rand.Read(b[:])
	prefix = "ltb-test:" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() {
		defer func() { _ = client.Close() }()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Errorf("clean up redis keys %s*: %v", prefix, err)
		}
	})
	return url, prefix
}
