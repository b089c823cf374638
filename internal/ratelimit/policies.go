package ratelimit

import (
	"context"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

// GlobalName is the name of the policy every limited request is charged.
const GlobalName = "global"

// Endpoint limits the requests under one path.
type Endpoint struct {
	// Prefix matches a request path equal to it or below it by whole
	// segments: /api/v1/benchmarks matches /api/v1/benchmarks/ID, not
	// /api/v1/benchmarksX.
	Prefix string
	Policy Policy
}

// Policies are the server's rate limits: one global policy and the
// endpoints' own. A request is charged its endpoint's policy (the longest
// matching prefix) and the global one.
type Policies struct {
	// Global is nil when there is no global limit.
	Global    *Policy
	Endpoints []Endpoint
}

// FromConfig builds the policies of [server.rate_limit]: the global
// requests_per_minute and burst_size (0 requests per minute: no global
// limit), and one policy per endpoint, named after the last segment of its
// path ("benchmarks"), whose burst defaults to the smaller of its rate and
// the global burst.
func FromConfig(rl config.RateLimit) (Policies, error) {
	var ps Policies
	if rl.RequestsPerMinute > 0 {
		ps.Global = &Policy{Name: GlobalName, Quota: rl.RequestsPerMinute, Window: time.Minute, Burst: rl.BurstSize}
		if err := ps.Global.Validate(); err != nil {
			return Policies{}, fmt.Errorf("server.rate_limit: %w", err)
		}
	}
	used := map[string]bool{GlobalName: true}
	for i, e := range rl.Endpoints {
		prefix := path.Clean("/" + e.Path)
		burst := e.BurstSize
		if burst == 0 {
			burst = e.RequestsPerMinute
			if rl.BurstSize > 0 {
				burst = min(burst, rl.BurstSize)
			}
		}
		p := Policy{Name: policyName(prefix, used), Quota: e.RequestsPerMinute, Window: time.Minute, Burst: burst}
		if err := p.Validate(); err != nil {
			return Policies{}, fmt.Errorf("server.rate_limit.endpoints[%d]: %w", i, err)
		}
		for _, o := range ps.Endpoints {
			if o.Prefix == prefix {
				return Policies{}, fmt.Errorf("server.rate_limit.endpoints[%d]: %s has two limits", i, prefix)
			}
		}
		ps.Endpoints = append(ps.Endpoints, Endpoint{Prefix: prefix, Policy: p})
	}
	return ps, nil
}

// policyName names an endpoint's policy after the last segment of its
// path, made unique among used, in the characters a header token and a
// Redis key take without quoting.
func policyName(prefix string, used map[string]bool) string {
	base := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return '_'
	}, path.Base(prefix))
	if base == "" || base == "_" {
		base = "root"
	}
	name := base
	for n := 2; used[name]; n++ {
		name = fmt.Sprintf("%s-%d", base, n)
	}
	used[name] = true
	return name
}

// For returns the policies a request to urlPath is charged: its
// endpoint's first, then the global one. The path is cleaned first, so
// that /api/v1//benchmarks cannot dodge the endpoint's limit.
func (ps Policies) For(urlPath string) []Policy {
	p := path.Clean("/" + urlPath)
	var best *Endpoint
	for i := range ps.Endpoints {
		e := &ps.Endpoints[i]
		if under(p, e.Prefix) && (best == nil || len(e.Prefix) > len(best.Prefix)) {
			best = e
		}
	}
	out := make([]Policy, 0, 2)
	if best != nil {
		out = append(out, best.Policy)
	}
	if ps.Global != nil {
		out = append(out, *ps.Global)
	}
	return out
}

// under reports whether p is prefix or lies below it by whole segments.
func under(p, prefix string) bool {
	if prefix == "/" {
		return true
	}
	return p == prefix || strings.HasPrefix(p, prefix+"/")
}

// Backend is a Limiter holding a resource (a Redis connection).
type Backend interface {
	Limiter
	Close() error
}

// Open returns the limiter [server.rate_limit] asks for: in Redis when
// redis_url is set, else in memory.
func Open(ctx context.Context, rl config.RateLimit) (Backend, error) {
	if rl.RedisURL == "" {
		return NewMemory(MemoryOptions{}), nil
	}
	return OpenRedis(ctx, rl.RedisURL, RedisOptions{})
}
