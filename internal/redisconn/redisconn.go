// Package redisconn opens the Redis connections of the response cache,
// the server's rate limiter and the shared provider limits in one way:
// the URL parsed, the server pinged, and no error ever quoting the URL or
// the password.
package redisconn

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Open connects to the Redis server at url (redis://[user:password@]
// host:port/db, rediss:// for TLS, unix://path) and checks that it
// answers. what names the user in errors ("redis cache"), setting the
// configuration key the URL came from ("cache.redis_url").
func Open(ctx context.Context, url, what, setting string) (*redis.Client, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		// The parser's errors may quote the URL; keep only our own words.
		return nil, fmt.Errorf("open %s: invalid %s; want redis://[user:password@]host:port/db, rediss:// for TLS, or unix://path", what, setting)
	}
	client := redis.NewClient(opts)
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close() // the ping error is the one worth reporting
		return nil, fmt.Errorf("open %s: cannot reach Redis at %s: %w", what, opts.Addr, Redact(err, opts.Password))
	}
	return client, nil
}

// Redact replaces every occurrence of password in err's text.
func Redact(err error, password string) error {
	if password == "" || !strings.Contains(err.Error(), password) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), password, "xxxxx"))
}
