package ratelimit

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/redisconn"

	"github.com/redis/go-redis/v9"
)

var _ Limiter = (*Redis)(nil)

// DefaultRedisPrefix starts every bucket's key when no prefix is set.
const DefaultRedisPrefix = "llm-test-bench:ratelimit:"

//go:embed gcra.lua
var gcraSource string

var gcra = redis.NewScript(gcraSource)

// Redis keeps buckets in a Redis server, so that every replica of the
// server charges the same buckets. One Lua script decides and charges all
// of a request's buckets atomically (GCRA: a bucket is one key holding its
// theoretical arrival time, expiring once the bucket is full again, so
// Redis holds only active callers).
type Redis struct {
	client redis.Scripter
	closer func() error
	prefix string
	now    func() time.Time
}

// RedisOptions configures NewRedis and OpenRedis.
type RedisOptions struct {
	// Prefix starts every key; "" means DefaultRedisPrefix.
	Prefix string
	// Now is the clock; nil means the Redis server's clock, which every
	// replica shares. Tests inject one.
	Now func() time.Time
}

// NewRedis returns a limiter using client; closing the limiter leaves the
// client open.
func NewRedis(client redis.Scripter, o RedisOptions) *Redis {
	prefix := o.Prefix
	if prefix == "" {
		prefix = DefaultRedisPrefix
	}
	return &Redis{client: client, prefix: prefix, now: o.Now, closer: func() error { return nil }}
}

// OpenRedis connects to the server at url (redis://[user:password@]host:port/db,
// rediss:// for TLS) and checks that it answers. Errors never include the
// password.
func OpenRedis(ctx context.Context, url string, o RedisOptions) (*Redis, error) {
	client, err := redisconn.Open(ctx, url, "rate limiter", "server.rate_limit.redis_url")
	if err != nil {
		return nil, err
	}
	r := NewRedis(client, o)
	r.closer = client.Close
	return r, nil
}

// Close closes the connection OpenRedis made.
func (r *Redis) Close() error { return r.closer() }

// Allow charges one request to key's bucket of p.
func (r *Redis) Allow(ctx context.Context, key string, p Policy) (Decision, error) {
	ds, err := r.AllowAll(ctx, key, []Policy{p})
	if err != nil {
		return Decision{}, err
	}
	return ds[0], nil
}

// AllowAll charges one request to key's bucket of every policy, all or
// nothing, in one round trip.
func (r *Redis) AllowAll(ctx context.Context, key string, ps []Policy) ([]Decision, error) {
	if err := validateAll(ps); err != nil {
		return nil, err
	}
	keys := make([]string, len(ps))
	args := make([]any, 0, 1+2*len(ps))
	if r.now != nil {
		args = append(args, strconv.FormatInt(r.now().UnixMicro(), 10))
	} else {
		args = append(args, "")
	}
	for i, p := range ps {
		keys[i] = r.keyOf(key, p.Name)
		interval := p.Window.Seconds() * 1e6 / float64(p.Quota)
		args = append(args, strconv.FormatFloat(interval, 'f', 3, 64), strconv.Itoa(p.Burst))
	}
	res, err := gcra.Run(ctx, r.client, keys, args...).Int64Slice()
	if err != nil {
		return nil, fmt.Errorf("rate limit in redis: %w", err)
	}
	if len(res) != 4*len(ps) {
		return nil, fmt.Errorf("rate limit in redis: script answered %d numbers for %d buckets", len(res), len(ps))
	}
	out := make([]Decision, len(ps))
	for i := range ps {
		v := res[4*i : 4*i+4]
		out[i] = Decision{
			Allowed:    v[0] == 1,
			Remaining:  int(v[1]),
			RetryAfter: time.Duration(v[2]) * time.Microsecond,
			Reset:      time.Duration(v[3]) * time.Microsecond,
		}
	}
	return out, nil
}

// keyOf names key's bucket of policy. The caller part sits in a hash tag,
// so that all of a caller's buckets live on one Redis Cluster node (a
// script may only touch keys of one slot); a caller key with characters
// that could break the tag, or a long one, is replaced by its SHA-256
// ("=" never starts a key kept as is).
func (r *Redis) keyOf(key, policy string) string {
	if !safeKey(key) {
		sum := sha256.Sum256([]byte(key))
		key = "=" + hex.EncodeToString(sum[:])
	}
	return r.prefix + "{" + key + "}:" + policy
}

// safeKey reports whether key can be used as is inside a hash tag.
func safeKey(key string) bool {
	if key == "" || len(key) > 200 {
		return false
	}
	for _, c := range key {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.ContainsRune(":._-@/", c):
		default:
			return false
		}
	}
	return true
}
