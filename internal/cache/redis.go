package cache

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/redisconn"

	"github.com/redis/go-redis/v9"
)

var _ Cache = (*Redis)(nil)

// DefaultKeyPrefix starts every Redis key when no prefix is configured.
const DefaultKeyPrefix = "llm-test-bench:"

// Redis is a cache in a Redis server, shared by every process (on any
// machine) that uses the same server and key prefix. An entry is one
// string key, PREFIX+KEY, holding the entry's JSON and expiring with the
// TTL of its kind; Get checks the age again, so a TTL shortened in the
// configuration applies to entries stored before.
type Redis struct {
	client *redis.Client
	prefix string
	ttl    TTLs
	log    *slog.Logger
	now    func() time.Time
	// failing is set while reads fail, so that a server that went away is
	// reported once, not on every call.
	failing atomic.Bool
}

// RedisOptions configures OpenRedis.
type RedisOptions struct {
	// Prefix starts every key; "" means DefaultKeyPrefix.
	Prefix string
	TTL    TTLs
	// Logger receives a warning when the server stops answering reads
	// (reads then miss); nil discards it.
	Logger *slog.Logger
}

// OpenRedis connects to the server at url (redis://[user:password@]host:port/db,
// rediss:// for TLS, unix://path) and checks that it answers. Errors never
// include the password.
func OpenRedis(ctx context.Context, url string, o RedisOptions) (*Redis, error) {
	client, err := redisconn.Open(ctx, url, "redis cache", "cache.redis_url")
	if err != nil {
		return nil, err
	}
	prefix := o.Prefix
	if prefix == "" {
		prefix = DefaultKeyPrefix
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Redis{client: client, prefix: prefix, ttl: o.TTL, log: log.With("component", "cache"), now: time.Now}, nil
}

// Get returns the fresh entry for key, or false. An unreadable value is a
// miss, and so is a read that fails (logged once until reads work again).
func (r *Redis) Get(ctx context.Context, key string) (*Entry, bool) {
	if !validKey(key) {
		return nil, false
	}
	b, err := r.client.Get(ctx, r.prefix+key).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		r.failing.Store(false)
		return nil, false
	case err != nil:
		if !r.failing.Swap(true) && ctx.Err() == nil {
			r.log.Warn("redis cache read failed; calls are made uncached until it answers", "error", err)
		}
		return nil, false
	}
	r.failing.Store(false)
	var e Entry
	if json.Unmarshal(b, &e) != nil || !e.Kind.valid() || !r.ttl.fresh(&e, r.now()) {
		return nil, false
	}
	return &e, true
}

// Put stores e under key, expiring after the TTL of its kind.
func (r *Redis) Put(ctx context.Context, key string, e *Entry) error {
	if err := checkPut(key, e, r.now()); err != nil {
		return err
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("cache put: %w", err)
	}
	ttl := r.ttl.For(e.Kind)
	if ttl < 0 {
		ttl = 0 // go-redis: 0 is "no expiry", negative values mean KEEPTTL
	}
	if err := r.client.Set(ctx, r.prefix+key, b, ttl).Err(); err != nil {
		return fmt.Errorf("cache put: redis: %w", err)
	}
	return nil
}

// Clear removes every entry under the prefix (and nothing else).
func (r *Redis) Clear(ctx context.Context) error {
	iter := r.client.Scan(ctx, 0, globEscape(r.prefix)+"*", 1000).Iterator()
	batch := make([]string, 0, 1000)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := r.client.Unlink(ctx, batch...).Err()
		batch = batch[:0]
		return err
	}
	for iter.Next(ctx) {
		if batch = append(batch, iter.Val()); len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return fmt.Errorf("clear redis cache: %w", err)
			}
		}
	}
	if err := errors.Join(iter.Err(), flush()); err != nil {
		return fmt.Errorf("clear redis cache: %w", err)
	}
	return nil
}

// globEscape quotes the characters SCAN MATCH treats as a pattern.
func globEscape(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(`*?[]\`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Close closes the connection pool.
func (r *Redis) Close() error {
	if err := r.client.Close(); err != nil {
		return fmt.Errorf("close redis cache: %w", err)
	}
	return nil
}
