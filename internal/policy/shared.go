package policy

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/redisconn"

	"github.com/redis/go-redis/v9"
)

// DefaultSharedPrefix starts every shared limiter's key when no prefix is set.
const DefaultSharedPrefix = "llm-test-bench:limits:"

//go:embed reserve.lua
var reserveSource string

var reserve = redis.NewScript(reserveSource)

// Identity names the vendor limit a target draws on: calls with the same
// vendor, base URL, model and credential share one bucket in Redis,
// whichever process, run or coordinator makes them. Credential is a
// SHA-256 (see Credential), never the key itself.
type Identity struct {
	Vendor, BaseURL, Model string
	Credential             [32]byte
}

// Credential hashes what authenticates a target's calls (its API key and
// headers, which may carry a token) for an Identity.
func Credential(apiKey string, headers map[string]string) [32]byte {
	h := sha256.New()
	h.Write([]byte(apiKey))
	for _, k := range slices.Sorted(maps.Keys(headers)) {
		fmt.Fprintf(h, "\x00%s\x00%s", strings.ToLower(k), headers[k])
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// key is the Redis hash tag of the identity: a SHA-256 over its parts, so
// that neither the credential's hash nor a base URL's query shows in Redis.
func (id Identity) key() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", id.Vendor, id.BaseURL, id.Model)
	h.Write(id.Credential[:])
	return hex.EncodeToString(h.Sum(nil))
}

// SharedLimits is a connection to the Redis server that holds the shared
// limiters; For makes one per target.
type SharedLimits struct {
	client redis.Scripter
	closer func() error
	prefix string
	// now is the clock; nil means the Redis server's, which every process
	// shares. Tests inject one.
	now func() time.Time
}

// OpenSharedLimits connects to the Redis server at url
// (redis://[user:password@]host:port/db, rediss:// for TLS) and checks
// that it answers: a limit that cannot be shared is an error at start,
// never a silent fallback to a limit of this process alone. Errors never
// include the password.
func OpenSharedLimits(ctx context.Context, url string) (*SharedLimits, error) {
	client, err := redisconn.Open(ctx, url, "shared limits", "distributed.redis_url")
	if err != nil {
		return nil, err
	}
	return &SharedLimits{client: client, closer: client.Close, prefix: DefaultSharedPrefix}, nil
}

// NewSharedLimits uses client, with keys under prefix ("" means
// DefaultSharedPrefix) and the clock now (nil: the Redis server's).
// Closing it leaves the client open.
func NewSharedLimits(client redis.Scripter, prefix string, now func() time.Time) *SharedLimits {
	if prefix == "" {
		prefix = DefaultSharedPrefix
	}
	return &SharedLimits{client: client, closer: func() error { return nil }, prefix: prefix, now: now}
}

// Close closes the connection OpenSharedLimits made.
func (s *SharedLimits) Close() error { return s.closer() }

// For returns the limiter of id at rpm requests and tpm tokens per minute,
// or nil when both are 0. Its buckets have the sizes of Local's.
func (s *SharedLimits) For(id Identity, rpm, tpm float64) *Shared {
	if rpm <= 0 && tpm <= 0 {
		return nil
	}
	tag := s.prefix + "{" + id.key() + "}:"
	l := &Shared{s: s, sleep: sleep}
	if rpm > 0 {
		l.req = &bucket{key: tag + "req:" + rateName(rpm), interval: 60e6 / rpm, burst: max(1, int(rpm/60))}
	}
	if tpm > 0 {
		l.tok = &bucket{key: tag + "tok:" + rateName(tpm), interval: 60e6 / tpm, burst: max(1, int(tpm))}
	}
	return l
}

// rateName puts the rate in a bucket's key, so that processes configured
// with different rates do not read each other's arrival times as their own.
func rateName(perMinute float64) string {
	return strconv.FormatFloat(perMinute, 'g', -1, 64)
}

// bucket is one GCRA bucket in Redis: interval is microseconds per unit.
type bucket struct {
	key      string
	interval float64
	burst    int
}

// Shared limits requests and tokens per minute across every process using
// the same Redis server, with Local's reserve-then-sleep semantics: Wait
// charges the buckets at once and sleeps until the charge is due. When
// Redis fails mid-run, Wait returns the error and the call fails (never
// made without the limit).
type Shared struct {
	s        *SharedLimits
	req, tok *bucket
	sleep    func(ctx context.Context, d time.Duration) error
}

var _ Limiter = (*Shared)(nil)

// Wait reserves one request and about tokens tokens (at most the token
// bucket's size, as Local does), then sleeps for the longer of the two
// delays.
func (l *Shared) Wait(ctx context.Context, tokens int) (time.Duration, error) {
	var bs []*bucket
	var costs []int
	if l.req != nil {
		bs, costs = append(bs, l.req), append(costs, 1)
	}
	if l.tok != nil {
		bs, costs = append(bs, l.tok), append(costs, max(min(tokens, l.tok.burst), 1))
	}
	d, err := l.s.reserve(ctx, bs, costs)
	if err != nil {
		return 0, err
	}
	if d <= 0 {
		return 0, nil
	}
	return d, l.sleep(ctx, d)
}

// Charge takes tokens from the shared token bucket without waiting, for
// tokens counted after the fact: the next Wait of any process sleeps until
// the bucket has paid them back. It does nothing without a token limit.
func (l *Shared) Charge(ctx context.Context, tokens int) error {
	if l == nil || l.tok == nil || tokens <= 0 {
		return nil
	}
	_, err := l.s.reserve(ctx, []*bucket{l.tok}, []int{tokens})
	return err
}

// Settle charges the tokens a call used beyond what its Wait reserved
// (reserved capped at the bucket's size, as Wait does), so that answers
// longer than their estimate still count against every process's limit.
func (l *Shared) Settle(ctx context.Context, reserved, used int) error {
	if l == nil || l.tok == nil {
		return nil
	}
	return l.Charge(ctx, used-max(min(reserved, l.tok.burst), 1))
}

// reserve charges costs[i] units to bs[i], all in one script, and returns
// the longest delay.
func (s *SharedLimits) reserve(ctx context.Context, bs []*bucket, costs []int) (time.Duration, error) {
	keys := make([]string, len(bs))
	args := make([]any, 0, 1+3*len(bs))
	if s.now != nil {
		args = append(args, strconv.FormatInt(s.now().UnixMicro(), 10))
	} else {
		args = append(args, "")
	}
	for i, b := range bs {
		keys[i] = b.key
		args = append(args, strconv.FormatFloat(b.interval, 'f', 3, 64), strconv.Itoa(b.burst), strconv.Itoa(costs[i]))
	}
	res, err := reserve.Run(ctx, s.client, keys, args...).Int64Slice()
	if err != nil {
		return 0, fmt.Errorf("shared rate limit in redis: %w", err)
	}
	if len(res) != len(bs) {
		return 0, fmt.Errorf("shared rate limit in redis: script answered %d numbers for %d buckets", len(res), len(bs))
	}
	return time.Duration(slices.Max(res)) * time.Microsecond, nil
}
