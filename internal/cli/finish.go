package cli

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/internal/report"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/backend"
)

// finish writes the outputs, prints the summary and chooses the exit code.
// An output that cannot be written does not stop the others, the summary
// or the run id from being printed.
func (a *app) finish(cmd *cobra.Command, run *session.Run, res session.Result, o session.Options, outputs []string, gate *baselineGate) error {
	if res.Summary == nil {
		return res.Err
	}
	// Outputs are written even after Ctrl-C, in one pass over the results.
	ctx := context.WithoutCancel(cmd.Context())
	outErr := a.writeOutputs(ctx, outputs, res)
	w := cmd.OutOrStdout()
	s := res.Summary
	if err := report.WriteTable(w, s, a.color()); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nRun %s %s: %d results, %d passed, %d failed, %d errors, %s\n", res.Run.ID, res.Run.Status, s.Total, s.Passed, s.Failed-s.Errored, s.Errored, report.FormatCost(s.CostUSD, s.Unpriced))
	failed := report.Failed(outErr)
	for _, out := range outputs {
		if !failed[out] {
			fmt.Fprintf(w, "Wrote %s\n", out)
		}
	}
	regressed := false
	if gate != nil && res.Err == nil && res.Run.Status == bench.RunCompleted {
		var err error
		if regressed, err = gate.regressed(ctx, cmd, a, s); err != nil {
			return errors.Join(err, outErr)
		}
	}
	return errors.Join(a.exitFor(&res.Run, s, res.Err, o, regressed), outErr)
}

// writeOutputs writes every report in one pass over the stored results; a
// report that fails does not stop the others.
func (a *app) writeOutputs(ctx context.Context, outputs []string, res session.Result) error {
	if len(outputs) == 0 {
		return nil
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return report.WriteAll(ctx, outputs, res.Run, res.Summary, st.Results(ctx, res.Run.ID, store.ResultFilter{}))
}

// exitFor chooses the exit code of a finished run (the README's "Exit codes").
// When several apply, the first wins: an error, a cancel, the cost limit,
// no call succeeding, a regression against --baseline, failed cases.
func (a *app) exitFor(run *bench.Run, s *report.Summary, runErr error, o session.Options, regressed bool) error {
	switch {
	case runErr != nil:
		return runErr
	case run.Status == bench.RunCancelled:
		return fmt.Errorf("run cancelled; finished results are kept: continue it with `%s`", a.resumeHint(run.ID, ""))
	case run.Status == bench.RunCostLimit:
		return withCode(ExitCostLimit, fmt.Errorf("cost limit of $%.4f reached; the resumed run keeps that cap unless you give a higher one: `%s`", o.MaxCost, a.resumeHint(run.ID, "--max-cost N")))
	case s.Total > 0 && s.Succeeded == 0:
		return withCode(ExitProvider, fmt.Errorf("no provider call succeeded (%s)", firstErrors(s)))
	case regressed:
		return withCode(ExitRegression, fmt.Errorf("regression against the baseline (see above)"))
	case s.Failed > 0:
		// Errored cases count as not passed: a gate must not stay green
		// while calls fail.
		return silentExit(ExitCasesFailed)
	}
	return nil
}

// resumeHint is the command that continues a run, with the --db and
// --config it was run with.
func (a *app) resumeHint(id, extra string) string {
	cmd := a.resumeCommand(id)
	if a.cfgFile != "" {
		cmd += " --config " + shellQuote(a.cfgFile)
	}
	if extra != "" {
		cmd += " " + extra
	}
	return cmd
}

func firstErrors(s *report.Summary) string {
	for _, p := range s.Providers {
		for kind, n := range p.ErrorsByKind {
			return fmt.Sprintf("%s: %d %s errors; see `llm-test-bench runs show %s`", p.Provider, n, kind, s.Run.ID)
		}
	}
	return "see `llm-test-bench runs show " + s.Run.ID + "`"
}

// checkOutputs tells before the run whether each output can be written.
// An exporter plugin's output (plugin:NAME=PATH) loads the plugins first.
func (a *app) checkOutputs(ctx context.Context, outputs []string) error {
	for _, o := range outputs {
		if _, _, _, named := report.SplitOutput(o); named {
			if err := a.session(nil).LoadPlugins(ctx); err != nil {
				return a.sessionErr(err)
			}
			break
		}
	}
	for _, o := range outputs {
		if err := report.Check(o); err != nil {
			return configErr("--output %s: %v", o, err)
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

func (a *app) color() bool {
	if a.noColor || !a.io.IsTerminal {
		return false
	}
	_, no := a.cfg.Env("NO_COLOR")
	return !no
}

// showProgress draws a live progress line on a terminal and nothing in
// pipes or CI logs. It subscribes to the run's events (call it before the
// run starts): batch_saved events carry the running totals. It returns a
// function that waits for the run's stream to end and clears the line.
func (a *app) showProgress(run interface{ Subscribe(int) *event.Subscription }) func() {
	if !a.io.IsTerminal || a.quiet {
		return func() {}
	}
	if v, _ := a.cfg.Env("CI"); v != "" {
		return func() {}
	}
	sub := run.Subscribe(256)
	stopped := make(chan struct{})
	w := a.io.Stderr
	go func() {
		defer close(stopped)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		var p event.Progress
		start := time.Now()
		for {
			select {
			case e, ok := <-sub.Events():
				if !ok {
					fmt.Fprint(w, "\r\033[K")
					return
				}
				if st := e.Started; st != nil {
					p.Total, start = st.Total, e.Time
				}
				if b := e.BatchSaved; b != nil {
					p = b.Progress
				}
			case <-t.C:
				fmt.Fprint(w, "\r\033[K"+progressLine(snapshot(p, time.Since(start))))
			}
		}
	}()
	return func() { <-stopped }
}

// snapshot derives rate and ETA from running totals and the time elapsed.
func snapshot(p event.Progress, elapsed time.Duration) runner.Snapshot {
	s := runner.Snapshot{Total: p.Total, Done: p.Done, Skipped: p.Skipped, Errors: p.Errors, Failed: p.Failed, CostUSD: p.CostUSD, Elapsed: elapsed, ETA: -1}
	if secs := elapsed.Seconds(); secs > 0 {
		s.Rate = float64(p.Done) / secs
	}
	if s.Rate > 0 && s.Total > s.Done {
		s.ETA = time.Duration(math.Round(float64(s.Total-s.Done)/s.Rate)) * time.Second
	}
	return s
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
	return fmt.Sprintf("%d/%d (%.0f%%)  %.1f/s  ETA %s  errors %d  failed %d  %s", s.Done, s.Total, pct, s.Rate, eta, s.Errors, s.Failed, report.FormatUSD(s.CostUSD))
}
