package policy

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/cache/cachetest"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// openShared opens the test Redis server as a worker process would: a
// connection of its own, keys under the test's prefix, on clock now (nil:
// the server's).
func openShared(t *testing.T, url, prefix string, now func() time.Time) *SharedLimits {
	t.Helper()
	s, err := OpenSharedLimits(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	s.prefix, s.now = prefix, now
	return s
}

var sharedID = Identity{Vendor: "openai", BaseURL: "https://api.example/v1", Model: "m", Credential: Credential("sk-test-key", nil)}

// TestSharedWorkersShareLimit: three workers, each with its own connection
// and limiter, make 100 calls each at once against 120 requests a minute.
// The clock stands still, so each call's due time is now plus its delay:
// at most the burst plus a minute's rate may fall in the first minute,
// not 3x that.
func TestSharedWorkersShareLimit(t *testing.T) {
	t.Parallel()
	url, prefix := cachetest.Redis(t)
	c := newClock(false)
	const workers, calls, rpm = 3, 100, 120
	var mu sync.Mutex
	var due []time.Duration
	var wg sync.WaitGroup
	for range workers {
		l := openShared(t, url, prefix, c.now).For(sharedID, rpm, 0)
		l.sleep = func(context.Context, time.Duration) error { return nil }
		wg.Go(func() {
			for range calls {
				d, err := l.Wait(context.Background(), 0)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				due = append(due, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	inFirstMinute := 0
	for _, d := range due {
		if d < time.Minute {
			inFirstMinute++
		}
	}
	if limit := rpm + rpm/60; inFirstMinute > limit || inFirstMinute < rpm {
		t.Errorf("%d of %d calls due in the first minute; want between %d and %d", inFirstMinute, len(due), rpm, limit)
	}
}

// TestSharedTokens: the token bucket is shared too, a call's tokens are
// capped at the bucket's size, and Charge pushes every process's next call
// back.
func TestSharedTokens(t *testing.T) {
	t.Parallel()
	url, prefix := cachetest.Redis(t)
	c := newClock(false)
	a := openShared(t, url, prefix, c.now).For(sharedID, 0, 600)
	b := openShared(t, url, prefix, c.now).For(sharedID, 0, 600)
	for _, l := range []*Shared{a, b} {
		l.sleep = c.sleep
	}
	ctx := context.Background()
	steps := []struct {
		name string
		do   func() (time.Duration, error)
		want time.Duration
	}{
		{"a full bucket's worth", func() (time.Duration, error) { return a.Wait(ctx, 600) }, 0},
		{"another process waits for the tokens", func() (time.Duration, error) { return b.Wait(ctx, 60) }, 6 * time.Second},
		{"more than a bucket waits for a full one", func() (time.Duration, error) { return a.Wait(ctx, 5000) }, 66 * time.Second},
		{"after a charge of 600", func() (time.Duration, error) {
			if err := b.Charge(ctx, 600); err != nil {
				return 0, err
			}
			return a.Wait(ctx, 1)
		}, 126*time.Second + 100*time.Millisecond},
	}
	for _, s := range steps {
		got, err := s.do()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got != s.want {
			t.Errorf("%s: waited %v, want %v", s.name, got, s.want)
		}
	}
}

// TestSharedCredentialIsolation: targets differing only in credential, base
// URL, model or rate draw on different buckets.
func TestSharedCredentialIsolation(t *testing.T) {
	t.Parallel()
	url, prefix := cachetest.Redis(t)
	c := newClock(false)
	s := openShared(t, url, prefix, c.now)
	other := func(f func(*Identity)) Identity { id := sharedID; f(&id); return id }
	tests := []struct {
		name string
		id   Identity
		rpm  float64
		want time.Duration
	}{
		{"same target", sharedID, 60, time.Second},
		{"other key", other(func(id *Identity) { id.Credential = Credential("sk-other", nil) }), 60, 0},
		{"other header", other(func(id *Identity) { id.Credential = Credential("sk-test-key", map[string]string{"X-Org": "b"}) }), 60, 0},
		{"other base URL", other(func(id *Identity) { id.BaseURL = "https://eu.api.example/v1" }), 60, 0},
		{"other model", other(func(id *Identity) { id.Model = "m2" }), 60, 0},
		{"other rate", sharedID, 30, 0},
	}
	if _, err := s.For(sharedID, 60, 0).Wait(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := s.For(tt.id, tt.rpm, 0)
			l.sleep = c.sleep
			got, err := l.Wait(context.Background(), 0)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("waited %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSharedKeysHideCredential: Redis's key names hold neither the API key
// nor the base URL, and an unreachable server's error has no password.
func TestSharedKeysHideCredential(t *testing.T) {
	t.Parallel()
	url, prefix := cachetest.Redis(t)
	const secret = "sk-live-very-secret-123"
	id := Identity{Vendor: "openai", BaseURL: "https://api.example/v1?key=" + secret, Model: "m", Credential: Credential(secret, map[string]string{"Authorization": "Bearer " + secret})}
	s := openShared(t, url, prefix, nil)
	l := s.For(id, 600, 6000)
	if _, err := l.Wait(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	opts, _ := redis.ParseURL(url)
	client := redis.NewClient(opts)
	defer func() { _ = client.Close() }()
	keys, err := client.Keys(context.Background(), prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 {
		t.Errorf("keys %q; want a request and a token bucket", keys)
	}
	for _, k := range keys {
		if strings.Contains(k, secret) || strings.Contains(k, "api.example") {
			t.Errorf("key %q names the credential or base URL", k)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, bad := range []string{"redis://:" + secret + "@127.0.0.1:1/0", "http://:" + secret + "@x"} {
		_, err := OpenSharedLimits(ctx, bad)
		if err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("OpenSharedLimits: error %v; want one without the password", err)
		}
	}
}

// TestSharedWaitHonoursContext: a call waiting for the bucket returns when
// its context ends, and a limiter whose Redis has gone fails the call
// rather than making it unlimited.
func TestSharedWaitHonoursContext(t *testing.T) {
	t.Parallel()
	url, prefix := cachetest.Redis(t)
	s := openShared(t, url, prefix, nil)
	l := s.For(sharedID, 1, 0) // one call a minute
	if d, err := l.Wait(context.Background(), 0); err != nil || d != 0 {
		t.Fatalf("first call: waited %v, %v", d, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	d, err := l.Wait(ctx, 0)
	if !errors.Is(err, context.Canceled) || d < 50*time.Second {
		t.Errorf("second call: waited %v, %v; want about a minute's wait cut short by the cancel", d, err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("cancelled wait took %v", took)
	}
	_ = s.Close()
	if _, err := l.Wait(context.Background(), 0); err == nil {
		t.Error("Wait with Redis closed: no error; want the call to fail")
	}
}

// TestDoSettlesSharedTokens: a call that used more tokens than its
// estimate charges the difference to the shared bucket, so another
// process's next call waits for them.
func TestDoSettlesSharedTokens(t *testing.T) {
	t.Parallel()
	url, prefix := cachetest.Redis(t)
	c := newClock(false)
	l := openShared(t, url, prefix, c.now).For(sharedID, 0, 600)
	l.sleep = c.sleep
	inner := &fakeProvider{GenerateFn: func(context.Context, int, provider.Request, func(provider.Chunk) error) (provider.Response, error) {
		return provider.Response{Text: "a", Usage: bench.Usage{Prompt: 100, Completion: 1100, Total: 1200}}, nil
	}}
	p, _ := wrap(t, inner, Options{Limiter: l})
	if out := p.Do(context.Background(), request("q"), Call{CaseID: "c"}); out.Err != nil {
		t.Fatal(out.Err)
	}
	other := openShared(t, url, prefix, c.now).For(sharedID, 0, 600)
	other.sleep = c.sleep
	// 1200 tokens used at 10 a second, a bucket of 600: the next token is
	// due after 60 s and a tenth.
	got, err := other.Wait(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := 60*time.Second + 100*time.Millisecond; got != want {
		t.Errorf("next call waited %v, want %v", got, want)
	}
}
