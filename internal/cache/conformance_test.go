package cache_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/cache"
	"github.com/llm-test-bench/llm-test-bench/internal/cache/cachetest"
)

func TestDiskConformance(t *testing.T) {
	t.Parallel()
	var dirs sync.Map // cache.Cache -> its directory
	cachetest.Run(t, cachetest.Backend{
		Open: func(t *testing.T, ttl cache.TTLs) cache.Cache {
			dir := t.TempDir()
			d, err := cache.OpenDisk(dir, ttl, 64)
			if err != nil {
				t.Fatal(err)
			}
			dirs.Store(cache.Cache(d), dir)
			return d
		},
		Corrupt: func(t *testing.T, c cache.Cache, key string) {
			dir, _ := dirs.Load(c)
			p := filepath.Join(dir.(string), key[:2], key+".json")
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(`{"text": "cut off`), 0o644); err != nil {
				t.Fatal(err)
			}
		},
	})
}

func TestRedisConformance(t *testing.T) {
	t.Parallel()
	cachetest.Run(t, cachetest.Backend{
		Open: func(t *testing.T, ttl cache.TTLs) cache.Cache {
			url, prefix := cachetest.Redis(t)
			r, err := cache.OpenRedis(t.Context(), url, cache.RedisOptions{Prefix: prefix, TTL: ttl})
			if err != nil {
				t.Fatal(err)
			}
			return r
		},
		Corrupt: func(t *testing.T, c cache.Cache, key string) {
			if err := cache.SetRaw(t.Context(), c.(*cache.Redis), key, []byte("\x00not json")); err != nil {
				t.Fatal(err)
			}
		},
	})
}
