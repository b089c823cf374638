package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// TestDenyByDefault: every method refuses a caller without the
// permission its action needs (403) and a context without a principal
// (401), before touching the store or the manager (both nil here).
func TestDenyByDefault(t *testing.T) {
	t.Parallel()
	c := New(Deps{})
	calls := map[string]func(ctx context.Context) error{
		PermBenchmarkCreate:        func(ctx context.Context) error { _, err := c.CreateBenchmark(ctx, CreateBenchmark{}); return err },
		PermBenchmarkRead + " get": func(ctx context.Context) error { _, err := c.GetBenchmark(ctx, "x"); return err },
		PermBenchmarkRead + " list": func(ctx context.Context) error {
			_, err := c.ListBenchmarks(ctx, BenchmarkFilter{})
			return err
		},
		PermBenchmarkCancel: func(ctx context.Context) error { _, err := c.CancelBenchmark(ctx, "x"); return err },
		PermResultsRead + " query": func(ctx context.Context) error {
			_, err := c.QueryResults(ctx, store.ResultQuery{})
			return err
		},
		PermResultsRead + " get":       func(ctx context.Context) error { _, err := c.GetResult(ctx, "x"); return err },
		PermResultsExport:              func(ctx context.Context) error { return c.ExportResults(ctx, "x", "csv", io.Discard) },
		PermProviderRead + " list":     func(ctx context.Context) error { _, err := c.Providers(ctx); return err },
		PermProviderRead + " one":      func(ctx context.Context) error { _, err := c.Provider(ctx, "openai"); return err },
		PermProviderRead + " models":   func(ctx context.Context) error { _, err := c.ProviderModels(ctx, "openai"); return err },
		PermProviderHealth:             func(ctx context.Context) error { _, err := c.ProviderHealth(ctx, "openai"); return err },
		PermEvaluateRun + " evaluate":  func(ctx context.Context) error { _, err := c.Evaluate(ctx, EvaluateRequest{}); return err },
		PermEvaluateRun + " compare":   func(ctx context.Context) error { _, err := c.Compare(ctx, CompareRequest{}); return err },
		PermSettingsUpdate + " read":   func(ctx context.Context) error { _, err := c.Settings(ctx); return err },
		PermSettingsUpdate + " update": func(ctx context.Context) error { _, err := c.UpdateSettings(ctx, SettingsInput{}); return err },
		PermWorkerJoin:                 func(ctx context.Context) error { _, err := c.Distributed(ctx); return err },
	}
	// Every permission but the one needed, including wildcards of other
	// resources.
	others := auth.Permissions{"plugin.*", "apikey.manage", "user.admin", "metrics.read"}
	for name, call := range calls {
		for _, tc := range []struct {
			ctx    context.Context
			status int
		}{
			{context.Background(), http.StatusUnauthorized},
			{auth.WithPrincipal(context.Background(), &auth.Principal{UserID: "u", Perms: others}), http.StatusForbidden},
		} {
			var d *problem.Details
			if err := call(tc.ctx); !errors.As(err, &d) || d.Status != tc.status {
				t.Errorf("%s: %v, want %d", name, err, tc.status)
			}
		}
	}
}

// TestDistributed: a worker's key learns the NATS URL of a server that
// runs distributed benchmarks, and a clear 404 from one that does not.
func TestDistributed(t *testing.T) {
	t.Parallel()
	ctx := auth.WithPrincipal(context.Background(), &auth.Principal{UserID: "w", Perms: auth.Permissions{PermWorkerJoin}})
	got, err := New(Deps{NATSURL: "nats://10.0.0.5:4222"}).Distributed(ctx)
	if err != nil || got.NATSURL != "nats://10.0.0.5:4222" {
		t.Errorf("distributed server: %+v, %v", got, err)
	}
	var d *problem.Details
	if _, err := New(Deps{}).Distributed(ctx); !errors.As(err, &d) || d.Status != http.StatusNotFound {
		t.Errorf("local server: %v, want 404", err)
	}
}
