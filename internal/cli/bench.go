package cli

import (
	"cmp"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/alerts"
	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/internal/report"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

type benchFlags struct {
	opts        session.Options
	providers   []string
	outputs     []string
	tags        []string
	resume      string
	retryErrors string
	events      string
	metricsAddr string
	dryRun      bool
	noStream    bool
	baseline    string
	margin      float64
	dist        distFlags
}

// gate is the --baseline check, nil without one.
func (f *benchFlags) gate() *baselineGate {
	if f.baseline == "" {
		return nil
	}
	return &baselineGate{ref: f.baseline, margin: f.margin}
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
	fl.IntVar(&f.opts.Concurrency, "concurrency", 0, "calls in flight per provider; wins over [providers.NAME] concurrency (default from config: 8)")
	fl.IntVar(&f.opts.Repeat, "repeat", 0, "repetitions of every case (default 1)")
	fl.StringArrayVar(&f.outputs, "output", nil, "write results to FILE; format from the extension: .json .jsonl .csv .xml (JUnit) .html .md, or plugin:NAME=FILE for an exporter plugin (repeatable)")
	fl.StringVar(&f.events, "events", "", "write the run's event stream to FILE as JSON lines (- for standard error)")
	fl.StringVar(&f.metricsAddr, "metrics-addr", "", "serve the run's Prometheus metrics at http://ADDR/metrics while it lasts, e.g. 127.0.0.1:9464")
	fl.BoolVar(&f.opts.NoCache, "no-cache", false, "do not read or write the response cache")
	fl.StringVar(&f.resume, "resume", "", "finish an interrupted run without repeating finished calls")
	fl.StringVar(&f.retryErrors, "retry-errors", "", "re-run only the calls of a run that failed")
	fl.Float64Var(&f.opts.MaxCost, "max-cost", 0, "stop making calls once this many USD are spent (exit 6); with --resume, replaces the run's stored cap")
	fl.StringVar(&f.opts.Timeout, "timeout", "", "timeout per call, e.g. 30s (default from config: 60s)")
	fl.StringVar(&f.opts.Name, "name", "", "name of the run")
	fl.StringArrayVar(&f.tags, "tag", nil, "tag the run, k=v (repeatable)")
	fl.StringVar(&f.opts.Filter, "filter", "", "run only cases whose id, category or tag matches this regular expression")
	fl.IntVar(&f.opts.Sample, "sample", 0, "run a random sample of N cases")
	fl.Uint64Var(&f.opts.Seed, "seed", 1, "seed for --sample")
	fl.BoolVar(&f.dryRun, "dry-run", false, "expand the matrix, count tokens and estimate cost; call nothing (no API key needed)")
	fl.BoolVar(&f.noStream, "no-stream", false, "ask for whole answers instead of streams (no time-to-first-token)")
	fl.BoolVar(&f.opts.Simulate, "simulate", false, "send every provider's calls to the built-in simulator, in each vendor's own wire format: try a suite offline, for free")
	fl.BoolVar(&f.opts.AllowExec, "allow-exec", false, "let a suite's own provider list run local commands (exec providers)")
	fl.StringVar(&f.baseline, "baseline", "", "after the run, gate each provider against this RUN or results FILE as `analyze --fail-on-regression` does (exit 2 on a regression)")
	fl.Float64Var(&f.margin, "margin", analysis.DefaultMargin, "with --baseline: the largest tolerated loss of pass rate")
	f.dist.register(fl, "run the jobs on worker processes through NATS JetStream")
	return cmd
}

func (a *app) runBench(cmd *cobra.Command, f *benchFlags) error {
	ctx := cmd.Context()
	if f.resume != "" && f.retryErrors != "" {
		return configErr("--resume and --retry-errors cannot be combined")
	}
	f.outputs = a.outputPaths(f.outputs)
	if err := a.checkOutputs(ctx, f.outputs); err != nil {
		return err
	}
	var watchers []func(*session.Run)
	if !f.dryRun {
		w, stop, err := a.benchMetrics(ctx, f.metricsAddr)
		if err != nil {
			return err
		}
		defer stop()
		watchers = w
	}
	if prev := cmp.Or(f.resume, f.retryErrors); prev != "" {
		var maxCost *float64
		if cmd.Flags().Changed("max-cost") {
			maxCost = &f.opts.MaxCost
		}
		st, err := a.openStore(ctx)
		if err != nil {
			return err
		}
		defer st.Close()
		if err := f.gate().check(cmd, a, st); err != nil {
			return err
		}
		svc := a.session(st)
		svc.Watchers = watchers
		defer func() { _ = svc.Close() }()
		p, err := svc.Continue(ctx, prev, f.retryErrors != "", maxCost)
		if err != nil {
			return a.sessionErr(err)
		}
		defer func() { _ = p.Close() }()
		return a.execute(cmd, p, f, st)
	}
	o := f.opts
	o.Providers = f.providers
	o.Stream = a.cfg.Benchmarks.Stream && !f.noStream
	if o.Simulate {
		// Simulated answers are free and the simulator's port changes each
		// run: caching them would only fill the disk.
		o.NoCache = true
	}
	tags, err := parseTags(f.tags)
	if err != nil {
		return err
	}
	o.Tags = tags
	if f.dryRun {
		p, err := a.session(nil).Plan(ctx, o, session.ModeDryRun)
		if err != nil {
			return a.sessionErr(err)
		}
		defer func() { _ = p.Close() }()
		est, err := p.Estimate(ctx)
		if err != nil {
			return a.sessionErr(err)
		}
		return printEstimate(cmd.OutOrStdout(), est)
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := f.gate().check(cmd, a, st); err != nil {
		return err
	}
	svc := a.session(st)
	svc.Watchers = watchers
	defer func() { _ = svc.Close() }()
	p, err := svc.Plan(ctx, o, session.ModeRun)
	if err != nil {
		return a.sessionErr(err)
	}
	defer func() { _ = p.Close() }()
	return a.execute(cmd, p, f, st)
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

// execute runs a plan to its end: events, progress line, outputs, summary,
// exit code. The alert rules watch the run and keep their alerts in st.
func (a *app) execute(cmd *cobra.Command, p *session.Plan, f *benchFlags, st alerts.Sink) error {
	stopDist, err := a.distribute(cmd.Context(), p, &f.dist, cmd.Flags().Changed("workers"))
	if err != nil {
		return err
	}
	defer stopDist()
	run, res, err := a.runPlan(cmd, p, f.events, st)
	if err != nil {
		return err
	}
	return a.finish(cmd, run, res, p.Options(), f.outputs, f.gate())
}

// runPlan starts a run of the plan and waits for it, with its events
// written to events ("" for none), the progress line drawn meanwhile and,
// when sink is not nil, the alert rules evaluated over it; each prepare
// function sees the run before it starts.
func (a *app) runPlan(cmd *cobra.Command, p *session.Plan, events string, sink alerts.Sink, prepare ...func(*session.Run)) (*session.Run, session.Result, error) {
	run := p.NewRun()
	for _, f := range prepare {
		f(run)
	}
	var mon *alerts.Monitor
	if sink != nil {
		var err error
		if mon, err = a.startAlerts(run.ID(), sink); err != nil {
			return nil, session.Result{}, err
		}
		defer stopAlerts(mon)
	}
	stopEvents, err := a.writeEvents(run, events)
	if err != nil {
		return nil, session.Result{}, err
	}
	if mon != nil {
		mon.Feed(run.Subscribe(event.WatchBuffer).Events())
	}
	stopProgress := a.showProgress(run)
	defer stopEvents()
	defer stopProgress()
	if err := run.Start(cmd.Context()); err != nil {
		return nil, session.Result{}, a.sessionErr(err)
	}
	return run, run.Wait(), nil
}

// outputPaths places relative output paths under [benchmarks] output_dir
// when it is set.
func (a *app) outputPaths(outputs []string) []string {
	dir := a.cfg.Benchmarks.OutputDir
	if dir == "" {
		return outputs
	}
	out := make([]string, len(outputs))
	for i, o := range outputs {
		out[i] = o
		scheme, name, path, named := report.SplitOutput(o)
		switch {
		case named && path != "" && !filepath.IsAbs(path):
			out[i] = scheme + ":" + name + "=" + filepath.Join(dir, path)
		case !named && !filepath.IsAbs(o):
			out[i] = filepath.Join(dir, o)
		}
	}
	return out
}
