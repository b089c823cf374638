package session_test

import (
	"context"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

// TestJudgeCacheFollowsTheEvaluationSettings: with [cache] off, judge
// answers are still kept in memory for the run when [evaluation]
// enable_caching is on (a repeated case is judged once), and never when
// it is off.
func TestJudgeCacheFollowsTheEvaluationSettings(t *testing.T) {
	t.Parallel()
	const n = 5
	for _, c := range []struct {
		name    string
		caching bool
		calls   int // the judge server's first call fails and is retried
	}{
		{"memory cache", true, n + 1},
		{"no cache", false, 2*n + 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			js := newJudgeServer(t)
			cfg := loadConfig(t, `
[providers.judge]
type = "openai"
base_url = "`+js.URL+`/v1"
api_key_env = "JUDGE_TEST_KEY"
max_retries = 3

[evaluation]
cache_size = 100
enable_caching = `+map[bool]string{true: "true", false: "false"}[c.caching]+`
`, "JUDGE_TEST_KEY=sk-judge-test", "LTB_CACHE__ENABLED=false")
			svc := session.New(cfg, openStore(t), nil)
			cases := writeCases(t, "m", n, `{"type":"`+judgeType+`","provider":"judge:judge-model"}`)
			p, err := svc.Plan(ctx, session.Options{Datasets: []string{cases}, Providers: []string{"echo"}, Repeat: 2, Concurrency: 1}, session.ModeRun)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			r := p.NewRun()
			if err := r.Start(ctx); err != nil {
				t.Fatal(err)
			}
			if res := r.Wait(); res.Err != nil || res.Run.Totals.Passed != 2*n {
				t.Fatalf("run: %v, %d of %d passed", res.Err, res.Run.Totals.Passed, 2*n)
			}
			if got, _ := js.calls(); got != c.calls {
				t.Errorf("judge server saw %d calls, want %d", got, c.calls)
			}
		})
	}
}
