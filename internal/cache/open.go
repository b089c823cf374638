package cache

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

// Options are what Open needs beyond the [cache] settings.
type Options struct {
	// Logger receives the backend's warnings; nil discards them.
	Logger *slog.Logger
}

// Open builds the cache that cfg ([cache]) asks for: nil (and no error)
// when it is disabled, else a Disk (backend "disk", in cfg.Dir or the
// user's cache directory) or a Redis (backend "redis", at cfg.RedisURL
// under cfg.KeyPrefix), with cfg.TTL as the default TTL and cfg.KindTTL
// overriding it per kind. The caller closes what it gets.
func Open(ctx context.Context, cfg config.Cache, o Options) (Cache, error) {
	if !cfg.Enabled {
		return nil, nil
	}
	ttl, err := TTLsFrom(cfg)
	if err != nil {
		return nil, err
	}
	switch cfg.Backend {
	case "", "disk":
		dir := cfg.Dir
		if dir == "" {
			base, err := os.UserCacheDir()
			if err != nil {
				return nil, fmt.Errorf("no cache directory: %w; set [cache] dir or pass --no-cache", err)
			}
			dir = filepath.Join(base, "llm-test-bench", "responses")
		}
		return OpenDisk(dir, ttl, cfg.MaxMemoryEntries)
	case "redis":
		if cfg.RedisURL == "" {
			return nil, fmt.Errorf("cache.redis_url: required with cache.backend = \"redis\" (redis://host:6379/0)")
		}
		return OpenRedis(ctx, cfg.RedisURL, RedisOptions{Prefix: cfg.KeyPrefix, TTL: ttl, Logger: o.Logger})
	default:
		return nil, fmt.Errorf("cache.backend: %q unknown; want \"disk\" or \"redis\"", cfg.Backend)
	}
}

// TTLsFrom reads [cache] ttl and the [cache.kind_ttl] overrides, naming the
// key of anything wrong.
func TTLsFrom(cfg config.Cache) (TTLs, error) {
	if cfg.TTL < 0 {
		return TTLs{}, fmt.Errorf("cache.ttl: must not be negative, got %s", cfg.TTL)
	}
	t := TTLs{Default: cfg.TTL}
	for name, d := range cfg.KindTTL {
		k := Kind(name)
		if name == "" || !k.valid() {
			names := make([]string, len(Kinds))
			for i, k := range Kinds {
				names[i] = string(k)
			}
			return TTLs{}, fmt.Errorf("cache.kind_ttl.%s: unknown kind; want one of %s", name, strings.Join(names, ", "))
		}
		if d < 0 {
			return TTLs{}, fmt.Errorf("cache.kind_ttl.%s: must not be negative, got %s", name, d)
		}
		if t.Kinds == nil {
			t.Kinds = map[Kind]time.Duration{}
		}
		t.Kinds[k] = d
	}
	return t, nil
}
