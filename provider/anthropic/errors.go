package anthropic

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
)

// refineKind applies Anthropic's own error rules on top of the shared
// classification, for HTTP errors and error events alike:
//   - billing_error (402) and "Your credit balance is too low" (a 400) are
//     account problems that retrying cannot fix: auth;
//   - request_too_large (413) is the caller's to fix: bad_request;
//   - "input length and `max_tokens` exceed context limit" is a context
//     overflow like "prompt is too long": context_length.
func refineKind(pe *provider.Error, ve httpcall.VendorError) {
	msg := strings.ToLower(ve.Message)
	switch {
	case ve.Type == "billing_error" || strings.Contains(msg, "credit balance is too low"):
		pe.Kind, pe.RetryAfter = provider.KindAuth, 0
	case ve.Type == "request_too_large":
		pe.Kind, pe.RetryAfter = provider.KindBadRequest, 0
	case strings.Contains(msg, "exceed context limit"):
		pe.Kind, pe.RetryAfter = provider.KindContextLength, 0
	}
}

// refine adjusts the classification of a failed HTTP response. Besides
// refineKind: a 413, whose body may be Cloudflare's HTML rather than JSON,
// is bad_request with a hint at the 32 MB limit; a 429 without retry-after
// waits for the reset of the exhausted anthropic-ratelimit-* quota.
func (c *Client) refine(pe *provider.Error, status int, h http.Header, body []byte) {
	if ve, ok := httpcall.ParseVendorError(body); ok {
		refineKind(pe, ve)
	}
	if status == http.StatusRequestEntityTooLarge {
		pe.Kind, pe.RetryAfter = provider.KindBadRequest, 0
		pe.Err = fmt.Errorf("%w (request too large: the Messages API takes at most 32 MB; send smaller or fewer images)", pe.Err)
	}
	if pe.Kind == provider.KindRateLimited && pe.RetryAfter == 0 {
		pe.RetryAfter = resetWait(h, c.now())
	}
}

// quotas are the anthropic-ratelimit-* header families, requests first.
var quotas = []string{"Requests", "Tokens", "Input-Tokens", "Output-Tokens"}

// quota is one family's remaining count and time to reset; -1 and false
// when absent.
type quota struct {
	remaining int
	reset     time.Duration
	hasReset  bool
}

func readQuota(h http.Header, name string, now time.Time) (q quota, ok bool) {
	q.remaining = -1
	prefix := "Anthropic-Ratelimit-" + name
	if v, err := strconv.Atoi(strings.TrimSpace(h.Get(prefix + "-Remaining"))); err == nil {
		q.remaining, ok = v, true
	}
	if v := strings.TrimSpace(h.Get(prefix + "-Reset")); v != "" {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			q.reset, q.hasReset, ok = max(t.Sub(now), 0), true, true
		}
	}
	return q, ok
}

// parseRateLimits reads Anthropic's anthropic-ratelimit-* headers (reset
// times are RFC 3339 timestamps, turned into waits from now). The token
// figures are those of anthropic-ratelimit-tokens-*, the most restrictive
// token limit in effect; without them, the lower of the input and output
// token quotas.
func parseRateLimits(h http.Header, now time.Time) (provider.RateLimits, bool) {
	rl := provider.RateLimits{RemainingRequests: -1, RemainingTokens: -1}
	seen := false
	if q, ok := readQuota(h, "Requests", now); ok {
		rl.RemainingRequests, rl.ResetRequests, seen = q.remaining, q.reset, true
	}
	if q, ok := readQuota(h, "Tokens", now); ok {
		return withTokens(rl, q), true
	}
	var best quota
	found := false
	for _, name := range quotas[2:] {
		q, ok := readQuota(h, name, now)
		if !ok {
			continue
		}
		if !found || (q.remaining >= 0 && (best.remaining < 0 || q.remaining < best.remaining)) {
			best, found = q, true
		}
	}
	if found {
		return withTokens(rl, best), true
	}
	return rl, seen
}

func withTokens(rl provider.RateLimits, q quota) provider.RateLimits {
	rl.RemainingTokens, rl.ResetTokens = q.remaining, q.reset
	return rl
}

// resetWait is how long a 429 without retry-after should wait: until the
// latest reset among the quotas with nothing remaining, 0 when no header
// says which is exhausted.
func resetWait(h http.Header, now time.Time) time.Duration {
	var wait time.Duration
	for _, name := range quotas {
		if q, ok := readQuota(h, name, now); ok && q.remaining == 0 && q.hasReset {
			wait = max(wait, q.reset)
		}
	}
	return wait
}
