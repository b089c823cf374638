package httpmw

import (
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
	"github.com/llm-test-bench/llm-test-bench/internal/ratelimit"
)

// QuotaExceededType is the problem type of 429 answers
// (draft-ietf-httpapi-ratelimit-headers).
const QuotaExceededType = "https://iana.org/assignments/http-problem-types#quota-exceeded"

// RateLimitOptions configures RateLimit.
type RateLimitOptions struct {
	Limiter  ratelimit.Limiter
	Policies ratelimit.Policies
	// Key names the caller's buckets; nil means PrincipalKey(ClientIP).
	Key func(*http.Request) string
	// ClientIP finds the client address for the default Key; nil trusts
	// no forwarding header.
	ClientIP *ClientIP
	// Logger receives a warning per refused request; nil discards.
	Logger *slog.Logger
	// FailOpen lets requests through when the limiter fails (Redis down);
	// false answers 503. Either way the failure is logged.
	FailOpen bool
}

// PrincipalKey keys a request by its authenticated principal ("key:ID"
// for an API key, "user:ID" for an access token), else by its client
// address (AddrKey). Apply the middleware after authentication.
func PrincipalKey(ips *ClientIP) func(*http.Request) string {
	return func(r *http.Request) string {
		if p := auth.FromContext(r.Context()); p != nil {
			switch {
			case p.KeyID != "":
				return "key:" + p.KeyID
			case p.UserID != "":
				return "user:" + p.UserID
			}
		}
		return AddrKey(ips.Addr(r))
	}
}

// IPKey keys a request by its client address only, as for login, where
// nobody is authenticated yet.
func IPKey(ips *ClientIP) func(*http.Request) string {
	return func(r *http.Request) string { return AddrKey(ips.Addr(r)) }
}

// RateLimit charges each request to its policies' buckets (its endpoint's
// and the global one, all or nothing) and describes them in
// RateLimit-Policy and RateLimit headers. A refused request gets 429 with
// Retry-After (whole seconds, never before the RateLimit reset), a
// problem+json body and a log line; the handler is not called. Requests
// no policy covers pass untouched.
func RateLimit(o RateLimitOptions) func(http.Handler) http.Handler {
	key := o.Key
	if key == nil {
		key = PrincipalKey(o.ClientIP)
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "ratelimit")
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			NotePrincipal(r)
			ps := o.Policies.For(r.URL.Path)
			if len(ps) == 0 {
				next.ServeHTTP(w, r)
				return
			}
			caller := key(r)
			ds, err := o.Limiter.AllowAll(r.Context(), caller, ps)
			if err != nil {
				log.LogAttrs(r.Context(), slog.LevelError, "rate limiter failed",
					slog.String("request_id", RequestIDFrom(r.Context())), slog.Bool("fail_open", o.FailOpen), slog.String("error", err.Error()))
				if o.FailOpen {
					next.ServeHTTP(w, r)
					return
				}
				problem.Error(w, http.StatusServiceUnavailable, "the rate limiter is unavailable; try again shortly")
				return
			}
			h := w.Header()
			h.Set("RateLimit-Policy", PolicyHeader(ps))
			h.Set("RateLimit", StateHeader(ps, ds))
			allowed, retry := ratelimit.Verdict(ds)
			if allowed {
				next.ServeHTTP(w, r)
				return
			}
			secs := ceilSeconds(retry)
			h.Set("Retry-After", strconv.Itoa(secs))
			refused := refusedNames(ps, ds)
			log.LogAttrs(r.Context(), slog.LevelWarn, "rate limited",
				slog.String("request_id", RequestIDFrom(r.Context())),
				slog.String("caller", caller),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("policies", strings.Join(refused, ",")),
				slog.Int("retry_after_s", secs))
			d := problem.New(http.StatusTooManyRequests,
				fmt.Sprintf("rate limit %s exceeded; retry after %d seconds", strings.Join(refused, ", "), secs))
			d.Type = QuotaExceededType
			problem.Write(w, d)
		})
	}
}

// PolicyHeader is the RateLimit-Policy field for ps: the global policy
// first, then the others, as `"global";q=100;w=60, "benchmarks";q=10;w=60`.
func PolicyHeader(ps []ratelimit.Policy) string {
	items := make([]string, 0, len(ps))
	for _, i := range globalFirst(ps) {
		p := ps[i]
		items = append(items, fmt.Sprintf("%s;q=%d;w=%d", sfString(p.Name), p.Quota, ceilSeconds(p.Window)))
	}
	return strings.Join(items, ", ")
}

// StateHeader is the RateLimit field for ps and their decisions, as
// `"global";r=19;t=1`: r is the remaining quota, t the seconds until the
// bucket is full again, or, for a bucket that refused, until it lets a
// request through (what Retry-After says).
func StateHeader(ps []ratelimit.Policy, ds []ratelimit.Decision) string {
	items := make([]string, 0, len(ps))
	for _, i := range globalFirst(ps) {
		d := ds[i]
		t := ceilSeconds(d.Reset)
		if !d.Allowed {
			t = ceilSeconds(d.RetryAfter)
		}
		items = append(items, fmt.Sprintf("%s;r=%d;t=%d", sfString(ps[i].Name), d.Remaining, t))
	}
	return strings.Join(items, ", ")
}

// globalFirst returns the indexes of ps with the global policy first.
func globalFirst(ps []ratelimit.Policy) []int {
	out := make([]int, 0, len(ps))
	for i, p := range ps {
		if p.Name == ratelimit.GlobalName {
			out = append(out, i)
		}
	}
	for i, p := range ps {
		if p.Name != ratelimit.GlobalName {
			out = append(out, i)
		}
	}
	return out
}

func refusedNames(ps []ratelimit.Policy, ds []ratelimit.Decision) []string {
	var out []string
	for i, d := range ds {
		if !d.Allowed {
			out = append(out, ps[i].Name)
		}
	}
	return out
}

// sfString writes s as a structured-field string (RFC 8941 §3.3.3):
// quoted, with '"' and '\' escaped and other characters outside printable
// ASCII dropped.
func sfString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := range len(s) {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// ceilSeconds rounds d up to whole seconds (Retry-After and the RateLimit
// fields count seconds; rounding down would invite a too-early retry).
func ceilSeconds(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int(math.Ceil(d.Seconds()))
}
