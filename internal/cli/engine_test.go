package cli_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
)

// peakServer serves the simulator and records the most requests it had
// in flight at once.
type peakServer struct {
	*httptest.Server
	inFlight, peak, total atomic.Int64
}

func newPeakServer(t *testing.T, cfg simulator.Config) *peakServer {
	t.Helper()
	sim, err := simulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ps := &peakServer{}
	h := sim.Handler()
	ps.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			ps.total.Add(1)
			n := ps.inFlight.Add(1)
			defer ps.inFlight.Add(-1)
			for p := ps.peak.Load(); n > p && !ps.peak.CompareAndSwap(p, n); p = ps.peak.Load() {
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { ps.Close(); sim.Close() })
	return ps
}

// TestEngineConcurrencyFlagWinsOverProviderConfig: flags win over the
// configuration, so --concurrency caps the calls in flight even when the
// provider's own section asks for more; without the flag the provider's
// setting applies.
func TestEngineConcurrencyFlagWinsOverProviderConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		flags    []string
		min, max int64
	}{
		{"flag wins", []string{"--concurrency", "2"}, 2, 2},
		{"provider config without the flag", nil, 3, 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newPeakServer(t, simulator.Config{Policy: simulator.PolicyEcho, Latency: simulator.Fixed(15 * time.Millisecond)})
			e := newEnv(t, "LOCAL_TEST_KEY=sk-local-test")
			cfg := e.write("conc.toml", "[providers.local]\ntype = \"openai\"\nbase_url = \""+srv.URL+"/v1\"\napi_key_env = \"LOCAL_TEST_KEY\"\nconcurrency = 8\n")
			cases := filepath.Join(e.dir, "cases.jsonl")
			writeCases(t, cases, 48, 0)
			args := append([]string{"--config", cfg, "bench", "--dataset", cases, "--providers", "local:gpt-4o-mini", "--no-cache", "--no-stream"}, tc.flags...)
			code, stdout, stderr := e.run(context.Background(), args...)
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
			}
			if got := srv.total.Load(); got != 48 {
				t.Errorf("server saw %d calls, want 48", got)
			}
			if p := srv.peak.Load(); p < tc.min || p > tc.max {
				t.Errorf("peak calls in flight %d, want %d..%d", p, tc.min, tc.max)
			}
		})
	}
}
