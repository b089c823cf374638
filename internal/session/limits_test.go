package session_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/cache/cachetest"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
)

// vendorServer is an OpenAI-compatible vendor that records when each
// call arrived.
type vendorServer struct {
	*httptest.Server
	mu    sync.Mutex
	times []time.Time
}

func newVendorServer(t *testing.T) *vendorServer {
	t.Helper()
	sim, err := simulator.New(simulator.Config{Policy: simulator.PolicyScripted, DefaultAnswer: "ok", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	vs := &vendorServer{}
	h := sim.Handler()
	vs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			vs.mu.Lock()
			vs.times = append(vs.times, time.Now())
			vs.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { vs.Close(); sim.Close() })
	return vs
}

// limitedConfig is a provider "vendor" at vs, 600 requests a minute (a
// burst of 10, then one call every 100 ms), with extra settings.
func limitedConfig(t *testing.T, vs *vendorServer, extra string) string {
	t.Helper()
	return `
[providers.vendor]
type = "openai"
base_url = "` + vs.URL + `/v1"
api_key_env = "VENDOR_TEST_KEY"
requests_per_minute = 600
` + extra
}

// TestSharedLimitsHoldAcrossRuns: two services (as two processes would
// be) run 10 cases each at once against one vendor and key with
// [distributed] redis_url set. Each alone may burst its 10 calls; shared,
// the second 10 wait for the bucket, one every 100 ms.
func TestSharedLimitsHoldAcrossRuns(t *testing.T) {
	t.Parallel()
	url, _ := cachetest.Redis(t)
	vs := newVendorServer(t)
	body := limitedConfig(t, vs, "\n[distributed]\nredis_url = \""+url+"\"\n")
	cases := writeCases(t, "l", 10, "")
	var wg sync.WaitGroup
	for range 2 {
		svc := session.New(loadConfig(t, body, "VENDOR_TEST_KEY=sk-vendor-test"), openStore(t), nil)
		t.Cleanup(func() { _ = svc.Close() })
		p, err := svc.Plan(context.Background(), session.Options{Datasets: []string{cases}, Providers: []string{"vendor:m"}, Concurrency: 10, NoCache: true}, session.ModeRun)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		r := p.NewRun()
		wg.Go(func() {
			if err := r.Start(context.Background()); err != nil {
				t.Error(err)
				return
			}
			if res := r.Wait(); res.Err != nil || res.Run.Totals.Passed+res.Run.Totals.Failed != 10 {
				t.Errorf("run: %v, totals %+v", res.Err, res.Run.Totals)
			}
		})
	}
	wg.Wait()
	vs.mu.Lock()
	defer vs.mu.Unlock()
	if len(vs.times) != 20 {
		t.Fatalf("vendor saw %d calls, want 20", len(vs.times))
	}
	first, last := vs.times[0], vs.times[0]
	for _, at := range vs.times {
		if at.Before(first) {
			first = at
		}
		if at.After(last) {
			last = at
		}
	}
	// Shared, the last 10 calls come 100 ms apart: at least 1 s after the
	// first (0.6 s allows for the clocks); separate, all 20 at once.
	if span := last.Sub(first); span < 600*time.Millisecond {
		t.Errorf("20 calls within %v: the runs did not share requests_per_minute", span)
	}
}

// TestSharedLimitsUnreachableFailsTheRun: a run told to share its limits
// through a Redis it cannot reach fails at start, never falling back to a
// limit of its own.
func TestSharedLimitsUnreachableFailsTheRun(t *testing.T) {
	t.Parallel()
	vs := newVendorServer(t)
	body := limitedConfig(t, vs, "\n[distributed]\nredis_url = \"redis://:redis-pw-secret@127.0.0.1:1/0\"\n")
	svc := session.New(loadConfig(t, body, "VENDOR_TEST_KEY=sk-vendor-test"), openStore(t), nil)
	t.Cleanup(func() { _ = svc.Close() })
	p, err := svc.Plan(context.Background(), session.Options{Datasets: []string{writeCases(t, "u", 2, "")}, Providers: []string{"vendor:m"}, NoCache: true}, session.ModeRun)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	r := p.NewRun()
	err = r.Start(context.Background())
	if err == nil {
		err = r.Wait().Err
	}
	if err == nil || !strings.Contains(err.Error(), "cannot reach Redis") || strings.Contains(err.Error(), "redis-pw-secret") {
		t.Errorf("run error %v; want one saying Redis cannot be reached, without its password", err)
	}
	if n := len(vs.times); n != 0 {
		t.Errorf("vendor saw %d calls; want none", n)
	}
}
