package session

import (
	"context"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/policy"
)

// sharedLimitsTimeout bounds connecting to the shared limits' Redis.
const sharedLimitsTimeout = 10 * time.Second

// limiter is t's requests_per_minute and tokens_per_minute limit, nil
// when it has none: held in Redis, shared by every process using it, when
// [distributed] redis_url is set, or within this process otherwise.
func (s *Service) limiter(t *target) (policy.Limiter, error) {
	rpm, tpm := t.RequestsPerMinute, t.TokensPerMinute
	if s.cfg.Distributed.RedisURL == "" {
		if l := policy.NewLocal(rpm, tpm); l != nil {
			return l, nil
		}
		return nil, nil
	}
	if rpm <= 0 && tpm <= 0 {
		return nil, nil
	}
	shared, err := s.sharedLimits()
	if err != nil {
		return nil, err
	}
	return shared.For(policy.Identity{Vendor: t.Vendor, BaseURL: t.BaseURL, Model: t.Model, Credential: t.credential}, rpm, tpm), nil
}

// sharedLimits connects to [distributed] redis_url once per service. A
// server that cannot be reached is an error: a run never falls back to a
// limit of its own process when it was told to share one.
func (s *Service) sharedLimits() (*policy.SharedLimits, error) {
	s.sharedOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), sharedLimitsTimeout)
		defer cancel()
		s.shared, s.sharedErr = policy.OpenSharedLimits(ctx, s.cfg.Distributed.RedisURL)
		if s.sharedErr != nil {
			s.sharedErr = configErr("%v", s.sharedErr)
		}
	})
	return s.shared, s.sharedErr
}
