package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/report"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

type benchFlags struct {
	opts        benchOptions
	providers   []string
	outputs     []string
	tags        []string
	resume      string
	retryErrors string
	dryRun      bool
	noStream    bool
}

func (a *app) benchCommand() *cobra.Command {
	f := &benchFlags{}
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Run a suite: cases x prompts x providers x repetitions, scored and stored",
		Example: `  llm-test-bench bench --dataset builtin:reasoning --providers simulator:fast --output report.html
  llm-test-bench bench --dataset suite.yaml --providers openai:gpt-4o-mini --concurrency 16 --output out.jsonl
  llm-test-bench bench --dataset suite.yaml --providers anthropic:claude-haiku-4-5,gemini:gemini-2.5-flash --simulate
  llm-test-bench bench --resume 0b6f3a`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runBench(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.opts.Datasets, "dataset", nil, "suite or dataset file, or a built-in name (repeatable)")
	fl.StringSliceVar(&f.providers, "providers", nil, "providers to run, vendor:model,... (default: the suite's)")
	fl.IntVar(&f.opts.Concurrency, "concurrency", 0, "calls in flight per provider (default from config: 8)")
	fl.IntVar(&f.opts.Repeat, "repeat", 0, "repetitions of every case (default 1)")
	fl.StringArrayVar(&f.outputs, "output", nil, "write results to FILE; format from the extension: .json .jsonl .csv .xml (JUnit) .html .md (repeatable)")
	fl.BoolVar(&f.opts.NoCache, "no-cache", false, "do not read or write the response cache")
	fl.StringVar(&f.resume, "resume", "", "finish an interrupted run without repeating finished calls")
	fl.StringVar(&f.retryErrors, "retry-errors", "", "re-run only the calls of a run that failed")
	fl.Float64Var(&f.opts.MaxCost, "max-cost", 0, "stop making calls once this many USD are spent (exit 6)")
	fl.StringVar(&f.opts.Timeout, "timeout", "", "timeout per call, e.g. 30s (default from config: 60s)")
	fl.StringVar(&f.opts.Name, "name", "", "name of the run")
	fl.StringArrayVar(&f.tags, "tag", nil, "tag the run, k=v (repeatable)")
	fl.StringVar(&f.opts.Filter, "filter", "", "run only cases whose id, category or tag matches this regular expression")
	fl.IntVar(&f.opts.Sample, "sample", 0, "run a random sample of N cases")
	fl.Uint64Var(&f.opts.Seed, "seed", 1, "seed for --sample")
	fl.BoolVar(&f.dryRun, "dry-run", false, "expand the matrix, count tokens and estimate cost; call nothing")
	fl.BoolVar(&f.noStream, "no-stream", false, "ask for whole answers instead of streams (no time-to-first-token)")
	fl.BoolVar(&f.opts.Simulate, "simulate", false, "send every provider's calls to the built-in simulator, in each vendor's own wire format: try a suite offline, for free")
	return cmd
}

func (a *app) runBench(cmd *cobra.Command, f *benchFlags) error {
	ctx := cmd.Context()
	if f.resume != "" && f.retryErrors != "" {
		return configErr("--resume and --retry-errors cannot be combined")
	}
	if prev := firstOf(f.resume, f.retryErrors); prev != "" {
		return a.continueRun(cmd, prev, f.retryErrors != "", f.outputs)
	}
	o := f.opts
	o.Providers = f.providers
	o.Datasets = absPaths(o.Datasets)
	o.Stream = a.cfg.Benchmarks.Stream && !f.noStream
	if o.Simulate {
		// Simulated answers are free and the simulator's port changes each
		// run: caching them would only fill the disk.
		o.NoCache = true
	}
	if o.Concurrency == 0 {
		o.Concurrency = a.cfg.Benchmarks.Concurrency
	}
	if o.Repeat == 0 {
		o.Repeat = a.cfg.Benchmarks.Repeat
	}
	if o.Concurrency < 1 || o.Repeat < 1 || o.MaxCost < 0 {
		return configErr("--concurrency and --repeat must be at least 1 and --max-cost not negative")
	}
	tags, err := parseTags(f.tags)
	if err != nil {
		return err
	}
	o.Tags = tags
	if err := checkOutputs(f.outputs); err != nil {
		return err
	}
	if _, err := parseTimeout(o.Timeout, a.cfg.Benchmarks.Timeout); err != nil {
		return err
	}
	if f.dryRun {
		p, err := loadPlan(ctx, &o, a.mediaLimits())
		if err != nil {
			return err
		}
		specs, err := providerSpecs(o.Providers, p)
		if err != nil {
			return err
		}
		ts, err := a.buildTargets(ctx, specs, p, &o)
		if err != nil {
			return err
		}
		defer ts.Close()
		return a.dryRun(ctx, cmd.OutOrStdout(), p, ts.targets, &o)
	}
	run := &bench.Run{
		ID: uuid.Must(uuid.NewV7()).String(), Name: o.Name, Status: bench.RunRunning, Tags: o.Tags,
		CreatedAt: store.Now(),
	}
	return a.execute(cmd, run, &o, nil, f.outputs, true)
}

// continueRun resumes a run (skipping every finished call) or re-runs its
// failed calls, with the options it was started with.
func (a *app) continueRun(cmd *cobra.Command, id string, onlyErrors bool, outputs []string) error {
	ctx := cmd.Context()
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	run, err := st.GetRun(ctx, id)
	st.Close()
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return inputErr(fmt.Errorf("run %q not found; see `llm-test-bench runs list`", id))
		}
		return err
	}
	var o benchOptions
	raw, _ := json.Marshal(run.Config["bench"])
	if err := json.Unmarshal(raw, &o); err != nil || len(o.Datasets) == 0 {
		return inputErr(fmt.Errorf("run %s has no saved bench options to resume from", run.ID))
	}
	if err := checkOutputs(outputs); err != nil {
		return err
	}
	skip := []bench.Status{bench.StatusSuccess, bench.StatusError, bench.StatusTimeout}
	if onlyErrors {
		skip = []bench.Status{bench.StatusSuccess}
	}
	return a.execute(cmd, run, &o, skip, outputs, false)
}

func parseTags(kvs []string) (map[string]string, error) {
	tags := map[string]string{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, configErr("--tag %q: want key=value", kv)
		}
		tags[k] = v
	}
	return tags, nil
}

// execute runs (or continues) a run end to end: plan, targets, store,
// runner, outputs, summary, exit code.
func (a *app) execute(cmd *cobra.Command, run *bench.Run, o *benchOptions, skipStatuses []bench.Status, outputs []string, create bool) error {
	ctx := cmd.Context()
	p, err := loadPlan(ctx, o, a.mediaLimits())
	if err != nil {
		return err
	}
	specs, err := providerSpecs(o.Providers, p)
	if err != nil {
		return err
	}
	timeout, err := parseTimeout(o.Timeout, a.cfg.Benchmarks.Timeout)
	if err != nil {
		return err
	}
	ts, err := a.buildTargets(ctx, specs, p, o)
	if err != nil {
		return err
	}
	defer ts.Close()
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()

	total := 0
	for _, s := range p.suites {
		n, err := p.count(s)
		if err != nil {
			return inputErr(err)
		}
		total += n * len(s.PromptList()) * len(ts.targets) * max(o.Repeat, 1)
	}
	if run.Name == "" {
		names := make([]string, len(p.suites))
		for i, s := range p.suites {
			names[i] = suiteKey(s)
		}
		run.Name = strings.Join(names, " + ")
	}
	run.Config = map[string]any{"bench": o}
	run.Total = total
	run.Status = bench.RunRunning
	run.UpdatedAt = store.Now()
	if create {
		err = st.CreateRun(ctx, run)
	} else {
		err = st.UpdateRun(ctx, run)
	}
	if err != nil {
		return fmt.Errorf("save run: %w", err)
	}
	skip, err := a.skipSet(ctx, st, run.ID, skipStatuses)
	if err != nil {
		return err
	}
	progress := &runner.Progress{}
	progress.SetTotal(total)
	// A new run's summary is aggregated as results are saved; a continued
	// run's must include earlier results, so finish re-reads the store.
	var live *report.Aggregator
	var saved func([]bench.Result)
	if create {
		live = report.NewAggregator(*run)
		saved = func(batch []bench.Result) {
			for i := range batch {
				live.Add(&batch[i])
			}
		}
	}
	stopProgress := a.showProgress(progress)
	sum, runErr := a.runSuites(ctx, run.ID, p, ts, o, timeout, skip, progress, st, saved)
	stopProgress()
	return a.finish(cmd, st, run, sum, runErr, outputs, live)
}

// skipSet loads the keys of results that must not be redone.
func (a *app) skipSet(ctx context.Context, st store.Store, runID string, statuses []bench.Status) (func(bench.Key) bool, error) {
	if len(statuses) == 0 {
		return nil, nil
	}
	done := map[bench.Key]struct{}{}
	for k, err := range st.Keys(ctx, runID, statuses...) {
		if err != nil {
			return nil, fmt.Errorf("read finished results: %w", err)
		}
		done[k] = struct{}{}
	}
	return func(k bench.Key) bool { _, ok := done[k]; return ok }, nil
}

// runSuites runs each suite in turn under the same run id.
func (a *app) runSuites(ctx context.Context, runID string, p *plan, ts *targetSet, o *benchOptions, timeout time.Duration, skip func(bench.Key) bool, progress *runner.Progress, st store.Store, saved func([]bench.Result)) (runner.Summary, error) {
	var total runner.Summary
	c, err := a.openCache(o.NoCache)
	if err != nil {
		return total, err
	}
	for _, s := range p.suites {
		r := &runner.Runner{
			Targets: ts.targets, Prompts: promptIDs(s), Render: renderer(s),
			Concurrency: o.Concurrency, Repeat: o.Repeat, Timeout: timeout,
			MaxRetries: a.cfg.Benchmarks.MaxRetries, Stream: o.Stream, Cost: a.costFunc(),
			MaxCost: max(o.MaxCost-total.CostUSD, 0), Skip: skip, Logger: a.log, Progress: progress, Saved: saved,
		}
		if o.MaxCost > 0 && r.MaxCost == 0 {
			total.StoppedBy = runner.StopMaxCost
			break
		}
		if c != nil {
			r.Cache = c
		}
		sum, err := r.Run(ctx, runID, p.cases(s), st)
		total = addSummary(total, sum)
		if err != nil {
			return total, err
		}
		if sum.StoppedBy != "" {
			total.StoppedBy = sum.StoppedBy
			break
		}
	}
	return total, nil
}

func addSummary(a, b runner.Summary) runner.Summary {
	a.Results += b.Results
	a.Succeeded += b.Succeeded
	a.Errored += b.Errored
	a.Passed += b.Passed
	a.Failed += b.Failed
	a.CostUSD += b.CostUSD
	return a
}

// absPaths makes file paths absolute so a resumed run finds its datasets
// from any directory; built-in names are kept.
func absPaths(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = p
		if _, err := os.Stat(p); err == nil {
			if abs, err := filepath.Abs(p); err == nil {
				out[i] = abs
			}
		}
	}
	return out
}
