package cache_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/llm-test-bench/llm-test-bench/internal/cache"
	"github.com/llm-test-bench/llm-test-bench/internal/cache/cachetest"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

const testKey = "00112233445566778899aabbccddeeff"

func TestOpenDisk(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "c")
	c, err := cache.Open(t.Context(), config.Cache{Enabled: true, Backend: "disk", Dir: dir, TTL: time.Hour}, cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := c.(*cache.Disk); !ok {
		t.Fatalf("Open(disk) = %T", c)
	}
	if err := c.Put(t.Context(), testKey, &cache.Entry{Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "00", testKey+".json")); err != nil {
		t.Errorf("entry not in the configured directory: %v", err)
	}
}

func TestOpenDisabled(t *testing.T) {
	t.Parallel()
	c, err := cache.Open(t.Context(), config.Cache{Enabled: false, Backend: "redis"}, cache.Options{})
	if c != nil || err != nil {
		t.Errorf("Open(disabled) = %v, %v; want nil, nil", c, err)
	}
}

// TestOpenRedis checks what the configuration reaches: the key prefix and
// the per-kind TTL, read back from the server itself.
func TestOpenRedis(t *testing.T) {
	t.Parallel()
	url, prefix := cachetest.Redis(t)
	cfg := config.Cache{Enabled: true, Backend: "redis", RedisURL: url, KeyPrefix: prefix, TTL: 24 * time.Hour,
		KindTTL: map[string]time.Duration{"judge": time.Hour, "embedding": 0}}
	c, err := cache.Open(t.Context(), cfg, cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	opts, _ := redis.ParseURL(url)
	raw := redis.NewClient(opts)
	defer raw.Close()
	tests := []struct {
		kind cache.Kind
		key  string
		want time.Duration // -1: no expiry
	}{
		{cache.KindResponse, "aa01", 24 * time.Hour},
		{cache.KindJudge, "aa02", time.Hour},
		{cache.KindEmbedding, "aa03", -1},
	}
	for _, tc := range tests {
		if err := c.Put(t.Context(), tc.key, &cache.Entry{Kind: tc.kind, Text: "x"}); err != nil {
			t.Fatal(err)
		}
		ttl, err := raw.PTTL(t.Context(), prefix+tc.key).Result()
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case tc.want < 0 && ttl != -1:
			t.Errorf("%s: PTTL %v, want no expiry", tc.kind, ttl)
		case tc.want > 0 && (ttl > tc.want || ttl < tc.want-time.Minute):
			t.Errorf("%s: PTTL %v, want about %v", tc.kind, ttl, tc.want)
		}
	}
	if err := c.(*cache.Redis).Clear(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n, _ := raw.Exists(t.Context(), prefix+"aa01", prefix+"aa02", prefix+"aa03").Result(); n != 0 {
		t.Errorf("%d keys left after Clear", n)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  config.Cache
		want string
	}{
		{"unknown backend", config.Cache{Backend: "memcached"}, `cache.backend: "memcached" unknown`},
		{"redis without url", config.Cache{Backend: "redis"}, "cache.redis_url: required"},
		{"bad redis url", config.Cache{Backend: "redis", RedisURL: "redis://:hunter2@host:notaport/x"}, "invalid cache.redis_url"},
		{"unreachable redis", config.Cache{Backend: "redis", RedisURL: "redis://ltb:hunter2@127.0.0.1:1/0"}, "cannot reach Redis at 127.0.0.1:1"},
		{"unknown kind", config.Cache{Backend: "disk", KindTTL: map[string]time.Duration{"verdict": time.Hour}}, "cache.kind_ttl.verdict: unknown kind; want one of response, embedding, judge"},
		{"negative kind ttl", config.Cache{Backend: "disk", KindTTL: map[string]time.Duration{"judge": -time.Hour}}, "cache.kind_ttl.judge: must not be negative"},
		{"negative ttl", config.Cache{Backend: "disk", TTL: -time.Second}, "cache.ttl: must not be negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.cfg.Enabled = true
			c, err := cache.Open(t.Context(), tc.cfg, cache.Options{})
			if err == nil {
				c.Close()
				t.Fatalf("Open succeeded, want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
}

// TestConfigReachesTTLs loads [cache] from a file and the environment, as
// a run does, and checks the TTLs Open would use.
func TestConfigReachesTTLs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "c.toml")
	body := "[cache]\nbackend = \"redis\"\nttl = \"48h\"\nkey_prefix = \"team-a:\"\n\n[cache.kind_ttl]\njudge = \"720h\"\nembedding = \"0s\"\n"
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{File: file, WorkDir: dir, HomeConfigDir: dir,
		Environ: []string{"LTB_CACHE__KIND_TTL__RESPONSE=2h"}})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Cache.KeyPrefix != "team-a:" {
		t.Errorf("key_prefix = %q", cfg.Cache.KeyPrefix)
	}
	got, err := cache.TTLsFrom(cfg.Cache)
	if err != nil {
		t.Fatal(err)
	}
	want := cache.TTLs{Default: 48 * time.Hour, Kinds: map[cache.Kind]time.Duration{
		cache.KindJudge: 720 * time.Hour, cache.KindEmbedding: 0, cache.KindResponse: 2 * time.Hour}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("TTLs (-want +got):\n%s", d)
	}
	if got.For(cache.KindJudge) != 720*time.Hour || got.For("") != 2*time.Hour {
		t.Errorf("For: judge %v, unkinded %v", got.For(cache.KindJudge), got.For(""))
	}
}
