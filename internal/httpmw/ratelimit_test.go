package httpmw

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/cache/cachetest"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/ratelimit"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeAuth stands for the authentication middleware: X-Test-User names
// the user, X-Test-Key an API key.
func fakeAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u := r.Header.Get("X-Test-User"); u != "" {
			p := &auth.Principal{UserID: u, Username: "name-" + u, KeyID: r.Header.Get("X-Test-Key")}
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}

var ok200 = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })

type limited struct {
	h   http.Handler
	c   *clock
	log *bytes.Buffer
}

// newLimited is the server's order: request id, authentication, then the
// rate limit keyed by principal, with the seed's policies.
func newLimited(t *testing.T, trusted []string) *limited {
	t.Helper()
	ps, err := ratelimit.FromConfig(config.Default().Server.RateLimit)
	if err != nil {
		t.Fatal(err)
	}
	ips, err := NewClientIP(trusted)
	if err != nil {
		t.Fatal(err)
	}
	c := newClock()
	var buf bytes.Buffer
	mw := RateLimit(RateLimitOptions{
		Limiter:  ratelimit.NewMemory(ratelimit.MemoryOptions{Now: c.Now}),
		Policies: ps,
		ClientIP: ips,
		Logger:   slog.New(slog.NewJSONHandler(&syncWriter{w: &buf}, nil)),
	})
	return &limited{h: RequestID(fakeAuth(mw(ok200))), c: c, log: &buf}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (l *limited) do(path, remote string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.RemoteAddr = remote
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Add(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	l.h.ServeHTTP(w, r)
	return w
}

// SECURITY_TESTS 28: a burst of 21 with burst 20 → exactly 20 pass, then
// 429 with Retry-After and RateLimit/RateLimit-Policy; after Retry-After a
// request passes; A's exhaustion does not affect B.
func TestRateLimitBurstRetryAndIsolation(t *testing.T) {
	t.Parallel()
	l := newLimited(t, nil)
	const path = "/api/v1/results"
	passed := 0
	var last *httptest.ResponseRecorder
	for range 21 {
		last = l.do(path, "198.51.100.7:4000", "X-Test-User", "A", "Authorization", "Bearer sekrit-token-value")
		if last.Code == http.StatusOK {
			passed++
		}
	}
	if passed != 20 || last.Code != http.StatusTooManyRequests {
		t.Fatalf("%d of 21 passed and the last got %d; want exactly 20, then 429", passed, last.Code)
	}
	retry, err := strconv.Atoi(last.Header().Get("Retry-After"))
	if err != nil || retry < 1 {
		t.Fatalf("Retry-After = %q, want whole seconds >= 1", last.Header().Get("Retry-After"))
	}
	if got, want := last.Header().Get("RateLimit-Policy"), `"global";q=100;w=60`; got != want {
		t.Errorf("RateLimit-Policy = %q, want %q", got, want)
	}
	if got, want := last.Header().Get("RateLimit"), fmt.Sprintf(`"global";r=0;t=%d`, retry); got != want {
		t.Errorf("RateLimit = %q, want %q (t never later than Retry-After)", got, want)
	}
	var body map[string]any
	if err := json.Unmarshal(last.Body.Bytes(), &body); err != nil || last.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("429 body %q (%s), want problem+json", last.Body, last.Header().Get("Content-Type"))
	}
	if body["status"] != float64(429) || body["type"] != QuotaExceededType || body["request_id"] == "" {
		t.Errorf("429 body = %v", body)
	}

	if w := l.do(path, "198.51.100.7:4000", "X-Test-User", "B"); w.Code != http.StatusOK {
		t.Fatalf("B refused (%d) because A is exhausted", w.Code)
	}
	if w := l.do(path, "198.51.100.7:4000", "X-Test-User", "A", "X-Test-Key", "k1"); w.Code != http.StatusOK {
		t.Fatalf("A's API key has a bucket of its own, yet was refused (%d)", w.Code)
	}

	l.c.Advance(500 * time.Millisecond) // a token takes 600ms to come back
	if w := l.do(path, "198.51.100.7:4000", "X-Test-User", "A"); w.Code != http.StatusTooManyRequests {
		t.Fatalf("passed before a token came back: %d", w.Code)
	}
	l.c.Advance(time.Duration(retry)*time.Second - 500*time.Millisecond)
	w := l.do(path, "198.51.100.7:4000", "X-Test-User", "A")
	if w.Code != http.StatusOK {
		t.Fatalf("refused after Retry-After: %d", w.Code)
	}
	if got := w.Header().Get("RateLimit"); !strings.HasPrefix(got, `"global";r=0;t=`) {
		t.Errorf("RateLimit on a passing request = %q", got)
	}

	logged := l.log.String()
	for _, want := range []string{`"msg":"rate limited"`, `"caller":"user:A"`, `"request_id":"`, `"policies":"global"`} {
		if !strings.Contains(logged, want) {
			t.Errorf("log lacks %s:\n%s", want, logged)
		}
	}
	if strings.Contains(logged, "sekrit") {
		t.Errorf("the log holds the bearer token:\n%s", logged)
	}
	if n := strings.Count(logged, `"msg":"rate limited"`); n != 2 {
		t.Errorf("%d rate-limit log lines, want one per refusal (2)", n)
	}
}

// SECURITY_TESTS 28: X-Forwarded-For changes nothing unless trusted
// proxies are configured.
func TestRateLimitForwardedFor(t *testing.T) {
	t.Parallel()
	untrusted := newLimited(t, nil)
	for i := range 25 {
		w := untrusted.do("/api/v1/results", "203.0.113.9:5555",
			"X-Forwarded-For", fmt.Sprintf("10.1.0.%d", i), "X-Real-IP", fmt.Sprintf("10.2.0.%d", i))
		if want := http.StatusOK; i >= 20 {
			if w.Code != http.StatusTooManyRequests {
				t.Fatalf("request %d with a fresh X-Forwarded-For passed: forged headers dodge the limit", i+1)
			}
		} else if w.Code != want {
			t.Fatalf("request %d: %d", i+1, w.Code)
		}
	}

	trusted := newLimited(t, []string{"203.0.113.0/24"})
	for i := range 25 {
		w := trusted.do("/api/v1/results", "203.0.113.9:5555", "X-Forwarded-For", fmt.Sprintf("10.1.0.%d", i))
		if w.Code != http.StatusOK {
			t.Fatalf("behind a trusted proxy, client %d is limited with the others: %d", i, w.Code)
		}
	}
	// From an address that is not a trusted proxy the header is ignored,
	// even when trusted proxies exist.
	for i := range 21 {
		w := trusted.do("/api/v1/results", "198.51.100.1:1", "X-Forwarded-For", fmt.Sprintf("10.3.0.%d", i))
		if i == 20 && w.Code != http.StatusTooManyRequests {
			t.Fatal("an untrusted peer's X-Forwarded-For was believed")
		}
	}
}

func TestRateLimitEndpointAndGlobal(t *testing.T) {
	t.Parallel()
	l := newLimited(t, nil)
	w := l.do("/api/v1/benchmarks", "192.0.2.1:1", "X-Test-User", "A")
	if got, want := w.Header().Get("RateLimit-Policy"), `"global";q=100;w=60, "benchmarks";q=10;w=60`; got != want {
		t.Errorf("RateLimit-Policy = %q, want %q", got, want)
	}
	if got, want := w.Header().Get("RateLimit"), `"global";r=19;t=1, "benchmarks";r=9;t=6`; got != want {
		t.Errorf("RateLimit = %q, want %q", got, want)
	}
	for range 9 {
		l.do("/api/v1/benchmarks/x1", "192.0.2.1:1", "X-Test-User", "A")
	}
	w = l.do("/api/v1/benchmarks", "192.0.2.1:1", "X-Test-User", "A")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "6" {
		t.Fatalf("11th benchmarks request: %d, Retry-After %q; want 429 after 6s", w.Code, w.Header().Get("Retry-After"))
	}
	if got := w.Header().Get("RateLimit"); got != `"global";r=10;t=6, "benchmarks";r=0;t=6` {
		t.Errorf("RateLimit = %q: the global bucket must not be charged for a refused request", got)
	}
	// The global bucket still has room for other routes.
	if w := l.do("/api/v1/results", "192.0.2.1:1", "X-Test-User", "A"); w.Code != http.StatusOK {
		t.Fatalf("other routes refused after the benchmarks limit: %d", w.Code)
	}
}

// The login limiter is keyed by address only, whatever the request claims.
func TestRateLimitLoginByIP(t *testing.T) {
	t.Parallel()
	mw := RateLimit(RateLimitOptions{
		Limiter:  ratelimit.NewMemory(ratelimit.MemoryOptions{}),
		Policies: ratelimit.Policies{Global: &ratelimit.Policy{Name: "login", Quota: 20, Window: time.Minute, Burst: 5}},
		Key:      IPKey(nil),
	})
	h := fakeAuth(mw(ok200))
	codes := ""
	for i := range 6 {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", nil)
		r.RemoteAddr = "[2001:db8::" + strconv.Itoa(i+1) + "]:443" // one /64
		r.Header.Set("X-Test-User", strconv.Itoa(i))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		codes += strconv.Itoa(w.Code) + " "
	}
	if codes != "200 200 200 200 200 429 " {
		t.Fatalf("codes %s; want 5 passes then 429 for one IPv6 /64", codes)
	}
}

type failingLimiter struct{}

func (failingLimiter) Allow(context.Context, string, ratelimit.Policy) (ratelimit.Decision, error) {
	return ratelimit.Decision{}, errors.New("redis: connection refused")
}

func (failingLimiter) AllowAll(context.Context, string, []ratelimit.Policy) ([]ratelimit.Decision, error) {
	return nil, errors.New("redis: connection refused")
}

func TestRateLimitLimiterDown(t *testing.T) {
	t.Parallel()
	ps := ratelimit.Policies{Global: &ratelimit.Policy{Name: "global", Quota: 1, Window: time.Minute, Burst: 1}}
	for _, tc := range []struct {
		failOpen bool
		want     int
	}{{false, http.StatusServiceUnavailable}, {true, http.StatusOK}} {
		h := RateLimit(RateLimitOptions{Limiter: failingLimiter{}, Policies: ps, FailOpen: tc.failOpen})(ok200)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/x", nil))
		if w.Code != tc.want {
			t.Errorf("fail open %v: %d, want %d", tc.failOpen, w.Code, tc.want)
		}
	}
}

// Two server replicas sharing Redis share the caller's bucket.
func TestRateLimitReplicasOverRedis(t *testing.T) {
	t.Parallel()
	url, prefix := cachetest.Redis(t)
	c := newClock()
	ps := ratelimit.Policies{Global: &ratelimit.Policy{Name: "global", Quota: 100, Window: time.Minute, Burst: 20}}
	var replicas []http.Handler
	for range 2 {
		l, err := ratelimit.OpenRedis(context.Background(), url, ratelimit.RedisOptions{Prefix: prefix, Now: c.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = l.Close() })
		replicas = append(replicas, fakeAuth(RateLimit(RateLimitOptions{Limiter: l, Policies: ps})(ok200)))
	}
	passed := 0
	for i := range 21 {
		r := httptest.NewRequest(http.MethodGet, "/api/v1/results", nil)
		r.Header.Set("X-Test-User", "A")
		w := httptest.NewRecorder()
		replicas[i%2].ServeHTTP(w, r)
		if w.Code == http.StatusOK {
			passed++
		}
	}
	if passed != 20 {
		t.Fatalf("%d of 21 passed over two replicas, want 20", passed)
	}
}

func TestHeaderFormatting(t *testing.T) {
	t.Parallel()
	ps := []ratelimit.Policy{{Name: `we"ird\` + "\n", Quota: 5, Window: 90 * time.Second, Burst: 1}}
	if got, want := PolicyHeader(ps), `"we\"ird\\";q=5;w=90`; got != want {
		t.Errorf("PolicyHeader = %q, want %q", got, want)
	}
	ds := []ratelimit.Decision{{Allowed: false, RetryAfter: 1500 * time.Millisecond, Reset: 20 * time.Second}}
	if got, want := StateHeader(ps, ds), `"we\"ird\\";r=0;t=2`; got != want {
		t.Errorf("StateHeader = %q, want %q", got, want)
	}
}

func BenchmarkRateLimit(b *testing.B) {
	ps, err := ratelimit.FromConfig(config.RateLimit{RequestsPerMinute: 1 << 30, BurstSize: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	h := RateLimit(RateLimitOptions{Limiter: ratelimit.NewMemory(ratelimit.MemoryOptions{}), Policies: ps})(ok200)
	r := httptest.NewRequest(http.MethodGet, "/api/v1/results", nil)
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
}
