package cli

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/cache"
	"github.com/llm-test-bench/llm-test-bench/internal/report"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/backend"
)

// finish records the run's outcome, writes the outputs from the store,
// prints the summary and chooses the exit code.
func (a *app) finish(cmd *cobra.Command, st store.Store, run *bench.Run, sum runner.Summary, runErr error, outputs []string, live *report.Aggregator) error {
	// Outputs and the final status are written even after Ctrl-C.
	ctx := context.WithoutCancel(cmd.Context())
	switch {
	case runErr != nil:
		run.Status = bench.RunFailed
	case sum.StoppedBy == runner.StopCancelled:
		run.Status = bench.RunCancelled
	case sum.StoppedBy == runner.StopMaxCost:
		run.Status = bench.RunCostLimit
	default:
		run.Status = bench.RunCompleted
	}
	results := resultsOf(ctx, st, run.ID)
	agg := live
	if agg == nil {
		agg = report.NewAggregator(*run)
		for r, err := range results() {
			if err != nil {
				return errors.Join(runErr, fmt.Errorf("read results: %w", err))
			}
			agg.Add(&r)
		}
	}
	s := agg.Summary()
	run.Totals = bench.Totals{
		Results: s.Total, Succeeded: s.Succeeded, Errored: s.Errored, Passed: s.Passed, Failed: s.Failed, CostUSD: s.CostUSD,
	}
	for _, p := range s.Providers {
		run.Totals.Tokens += p.TokensTotal
	}
	run.UpdatedAt = store.Now()
	if err := st.UpdateRun(ctx, run); err != nil {
		return errors.Join(runErr, fmt.Errorf("save run: %w", err))
	}
	s.Run = *run
	for _, out := range outputs {
		if err := report.WriteFile(ctx, out, *run, results); err != nil {
			return errors.Join(runErr, fmt.Errorf("write %s: %w", out, err))
		}
	}
	w := cmd.OutOrStdout()
	if err := report.WriteTable(w, s, a.color()); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nRun %s %s: %d results, %d passed, %d failed, %d errors, $%.4f\n", run.ID, run.Status, s.Total, s.Passed, s.Failed-s.Errored, s.Errored, s.CostUSD)
	for _, out := range outputs {
		fmt.Fprintf(w, "Wrote %s\n", out)
	}
	return a.exitFor(run, s, runErr)
}

// exitFor chooses the exit code of a finished run (SPEC §3).
func (a *app) exitFor(run *bench.Run, s *report.Summary, runErr error) error {
	switch {
	case runErr != nil:
		return runErr
	case run.Status == bench.RunCancelled:
		return fmt.Errorf("run cancelled; finished results are kept: continue it with `llm-test-bench bench --resume %s`", run.ID)
	case run.Status == bench.RunCostLimit:
		return withCode(ExitCostLimit, fmt.Errorf("cost limit reached; continue with a higher --max-cost: `llm-test-bench bench --resume %s`", run.ID))
	case s.Total > 0 && s.Succeeded == 0:
		return withCode(ExitProvider, fmt.Errorf("no provider call succeeded (%s)", firstErrors(s)))
	case s.Failed > 0:
		return silentExit(ExitCasesFailed)
	}
	return nil
}

func firstErrors(s *report.Summary) string {
	for _, p := range s.Providers {
		for kind, n := range p.ErrorsByKind {
			return fmt.Sprintf("%s: %d %s errors; see `llm-test-bench runs show %s`", p.Provider, n, kind, s.Run.ID)
		}
	}
	return "see `llm-test-bench runs show " + s.Run.ID + "`"
}

// resultsOf is a re-iterable stream of a run's results from the store.
func resultsOf(ctx context.Context, st store.Store, runID string) report.Results {
	return func() iter.Seq2[bench.Result, error] {
		return st.Results(ctx, runID, store.ResultFilter{})
	}
}

func checkOutputs(outputs []string) error {
	for _, o := range outputs {
		if _, err := report.FormatFromPath(o); err != nil {
			return configErr("--output %s: %v", o, err)
		}
		if dir := filepath.Dir(o); dir != "." {
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				return configErr("--output %s: directory %s does not exist", o, dir)
			}
		}
	}
	return nil
}

// openStore opens the configured store: --db, [storage] database_url, or
// the default SQLite file.
func (a *app) openStore(ctx context.Context) (store.Store, error) {
	url := a.cfg.Storage.DatabaseURL
	if url == "" {
		p, err := backend.DefaultSQLitePath()
		if err != nil {
			return nil, configErr("no database: %v; pass --db sqlite:PATH", err)
		}
		url = "sqlite:" + p
	}
	if _, err := backend.Parse(url); err != nil {
		return nil, withCode(ExitConfig, err)
	}
	return backend.Open(ctx, url, backend.OptionsFrom(a.cfg.Storage))
}

// openCache opens the response cache unless it is disabled.
func (a *app) openCache(disabled bool) (*cache.Disk, error) {
	c := a.cfg.Cache
	if disabled || !c.Enabled {
		return nil, nil
	}
	if c.Backend != "disk" {
		return nil, configErr("cache.backend %q is not available in this version; use \"disk\"", c.Backend)
	}
	dir := c.Dir
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, configErr("no cache directory: %v; set [cache] dir or pass --no-cache", err)
		}
		dir = filepath.Join(base, "llm-test-bench", "responses")
	}
	return cache.OpenDisk(dir, cache.TTLs{Default: c.TTL}, c.MaxMemoryEntries)
}

func (a *app) color() bool {
	if a.noColor || !a.io.IsTerminal {
		return false
	}
	_, no := a.cfg.Env("NO_COLOR")
	return !no
}

// showProgress draws a live progress line on a terminal and nothing in
// pipes or CI logs. It returns a function that stops and clears it.
func (a *app) showProgress(p *runner.Progress) func() {
	if !a.io.IsTerminal || a.quiet {
		return func() {}
	}
	if v, _ := a.cfg.Env("CI"); v != "" {
		return func() {}
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	w := a.io.Stderr
	go func() {
		defer close(stopped)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-t.C:
				fmt.Fprint(w, "\r\033[K"+progressLine(p.Snapshot()))
			}
		}
	}()
	return func() { close(done); <-stopped }
}

func progressLine(s runner.Snapshot) string {
	pct := 0.0
	if s.Total > 0 {
		pct = 100 * float64(s.Done) / float64(s.Total)
	}
	eta := "--"
	if s.ETA >= 0 {
		eta = s.ETA.String()
	}
	return fmt.Sprintf("%d/%d (%.0f%%)  %.1f/s  ETA %s  errors %d  failed %d  $%.4f", s.Done, s.Total, pct, s.Rate, eta, s.Errors, s.Failed, s.CostUSD)
}
