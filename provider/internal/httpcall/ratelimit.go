package httpcall

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

// ParseRateLimits reads OpenAI-style x-ratelimit-remaining-* and
// x-ratelimit-reset-* headers (also sent by Azure, Groq and others). ok is
// false when none is present.
func ParseRateLimits(h http.Header) (rl provider.RateLimits, ok bool) {
	rl = provider.RateLimits{RemainingRequests: -1, RemainingTokens: -1}
	if v, err := strconv.Atoi(strings.TrimSpace(h.Get("X-Ratelimit-Remaining-Requests"))); err == nil {
		rl.RemainingRequests, ok = v, true
	}
	if v, err := strconv.Atoi(strings.TrimSpace(h.Get("X-Ratelimit-Remaining-Tokens"))); err == nil {
		rl.RemainingTokens, ok = v, true
	}
	if d, found := resetDuration(h.Get("X-Ratelimit-Reset-Requests")); found {
		rl.ResetRequests, ok = d, true
	}
	if d, found := resetDuration(h.Get("X-Ratelimit-Reset-Tokens")); found {
		rl.ResetTokens, ok = d, true
	}
	return rl, ok
}

// resetDuration parses a reset header: a Go-style duration ("1s", "6m0s",
// "20ms", "2m59.56s") or a bare number of seconds.
func resetDuration(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return d, true
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 && s < 1e9 {
		return time.Duration(s * float64(time.Second)), true
	}
	return 0, false
}

// RetryAfter returns how long the vendor asks the caller to wait, 0 when it
// does not say. In order of preference: retry-after-ms, Retry-After (seconds
// or an HTTP date, relative to now) and, for a 429 without either, OpenAI's
// x-ratelimit-reset-* of the exhausted quota.
func RetryAfter(status int, h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 && ms < 1e12 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 && s < 1e9 {
			return time.Duration(s * float64(time.Second))
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	if status != http.StatusTooManyRequests {
		return 0
	}
	return resetWait(h)
}

// resetWait picks the reset time of whichever quota is exhausted; when the
// headers do not say which, the longer reset.
func resetWait(h http.Header) time.Duration {
	rl, ok := ParseRateLimits(h)
	if !ok {
		return 0
	}
	var wait time.Duration
	if rl.RemainingRequests == 0 {
		wait = max(wait, rl.ResetRequests)
	}
	if rl.RemainingTokens == 0 {
		wait = max(wait, rl.ResetTokens)
	}
	if wait == 0 {
		wait = max(rl.ResetRequests, rl.ResetTokens)
	}
	return wait
}

// retryHint matches "try again in 1.4s" (OpenAI) and "retry after 6 seconds" (Azure).
var retryHint = regexp.MustCompile(`(?i)(?:try again in|retry after) ([0-9]+(?:\.[0-9]+)?) ?(ms|s|seconds?)\b`)

// messageRetryAfter reads a wait from a rate-limit message, 0 when absent.
func messageRetryAfter(msg string) time.Duration {
	m := retryHint.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil || v > 1e6 {
		return 0
	}
	if m[2] == "ms" {
		return time.Duration(v * float64(time.Millisecond))
	}
	return time.Duration(v * float64(time.Second))
}
