package apiload

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite/seed"
)

// TestRunSmall runs the benchmark end to end in a tiny form (10,000
// results, 2 s at 50 requests/s) so that its setup (seed, copy, users,
// login, API key, crawl) and its checks cannot rot. It does not gate on
// latency: the race detector and a shared machine make that meaningless
// here; `make bench` does, on a million results.
func TestRunSmall(t *testing.T) {
	t.Parallel()
	o := DefaultOptions()
	o.Size = seed.Size{Runs: 10, PerRun: 1000}
	o.CacheDir = t.TempDir()
	o.Rate, o.Duration, o.Depth, o.TextShare = 50, 2*time.Second, 9, 0.1
	rep, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	all := rep.Rec.Summarize(func(string) bool { return true })
	if all.Count != 100 || all.Errors != 0 {
		t.Fatalf("%d requests, %d failed (first: %v); want 100, none failed", all.Count, all.Errors, all.FirstErr)
	}
	for _, who := range []string{"admin/", "owner/"} {
		n := rep.Rec.Summarize(func(c string) bool { return strings.HasPrefix(c, who) }).Count
		if n != 50 {
			t.Errorf("%s sent %d requests, want every other one (50)", who, n)
		}
	}
	if rep.Rec.Summarize(isText).Count == 0 || rep.Rec.Summarize(isPage).Count == 0 {
		t.Errorf("cases %v: want pages and text queries", rep.Rec.Cases())
	}
	var out strings.Builder
	if err := rep.Write(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"PAGE MIX", "text queries", "rate limit raised", "load average", "owner/deep"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	t.Log("\n" + out.String())
}

// TestOwnerSeesOnlyTheirs: the owner's pages hold its own runs' results
// only, and another user's benchmark is not found, so the owner's figures
// are those of a filtered query, not of the admin's.
func TestOwnerSeesOnlyTheirs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	size := seed.Size{Runs: 4, PerRun: 60}
	path, _, err := seed.Cached(ctx, t.TempDir(), size)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := serverConfig(t.TempDir(), 60000, 1000)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := startServer(ctx, t.TempDir(), path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := tg.stop(); err != nil {
			t.Error(err)
		}
	}()
	tests := []struct {
		name, auth string
		q          map[string][]string
		items      int
		status     string
	}{
		{"admin sees all", tg.admin, map[string][]string{"limit": {"1000"}}, 240, ""},
		{"owner sees run 3", tg.owner, map[string][]string{"limit": {"1000"}}, 60, ""},
		{"owner's benchmark", tg.owner, map[string][]string{"benchmark_id": {seed.RunID(OwnerRun)}}, 50, ""},
		{"another's benchmark", tg.owner, map[string][]string{"benchmark_id": {seed.RunID(1)}}, 0, "status 404"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pg, err := tg.page(ctx, tc.auth, tc.q, true)
			if tc.status != "" {
				if err == nil || !strings.Contains(err.Error(), tc.status) {
					t.Errorf("err %v, want %s", err, tc.status)
				}
				return
			}
			if err != nil || len(pg.Items) != tc.items {
				t.Errorf("%d items (%v), want %d", len(pg.Items), err, tc.items)
			}
		})
	}
}
