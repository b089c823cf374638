package session

// Re-scoring (`eval`): answers already given, by a stored run or by a model
// outside this tool, scored with the suites' current assertions into a new
// run. No model under test is called; model-graded assertions call their
// judges as a run does (session.Judges: call policy, cache, metering).
//
// Memory is bounded by the cases, not the results: the suites' cases are
// held in a map by id, the answers stream through. Side-by-side assertions
// need every provider's answer to one case, prompt and repetition, so the
// answers of such cases wait in a group until it holds one answer per
// provider (the providers are found by a first pass over the keys). A run
// stores its results roughly case by case, so only the groups of the cases
// in flight when it ran are held at once; groups a stopped run left
// incomplete are scored at the end with the answers they have.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/internal/dataset"
	"github.com/llm-test-bench/llm-test-bench/internal/report"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// EvalOptions configure a re-scoring.
type EvalOptions struct {
	// Datasets are the suites whose assertions score the answers. For
	// Rescore they replace the run's saved datasets (moved or changed
	// files); for ScoreOutputs they are required. With several suites,
	// case ids are prefixed with the suite's name, as in a run.
	Datasets []string
	// Provider names the answers of ScoreOutputs lines without their own;
	// "" means DefaultOutputsProvider.
	Provider string
	// Name and Tags label the new run; Name "" means "eval of #N".
	Name string
	Tags map[string]string
	// NoCache skips the judge cache.
	NoCache bool
	// Simulate points every judge at the built-in simulator. Rescore
	// sets it when the run was simulated, so its judges stay simulated.
	Simulate bool
}

// DefaultOutputsProvider names answers produced outside this tool.
const DefaultOutputsProvider = "external"

// Metadata keys a re-scored result carries.
const (
	// MetaRescoredFrom is the id of the result a re-scored one was made from.
	MetaRescoredFrom = "rescored_from"
	// MetaOutputsLine is the file:line of a ScoreOutputs answer.
	MetaOutputsLine = "outputs_line"
	// MetaNoCase marks a result copied as it was: no case has its id.
	MetaNoCase = "rescore_no_case"
)

// TagRescoredFrom is the tag of a run made by Rescore: the source run's id.
const TagRescoredFrom = "rescored_from"

// EvalResult is the new run and what happened to the answers.
type EvalResult struct {
	Run     bench.Run
	Summary *report.Summary
	// Scored answers were scored again; Errored ones (their call had
	// failed) were copied unscored; NoCase ones have no case in the
	// datasets and were copied with their old verdict.
	Scored, Errored, NoCase int
}

// Rescore scores the answers of the stored run ref again with its suites'
// current assertions (o.Datasets, else the run's saved datasets) into a
// new run tagged rescored_from=ref's id. The old run is not changed.
func (s *Service) Rescore(ctx context.Context, ref string, o EvalOptions) (EvalResult, error) {
	if s.store == nil {
		return EvalResult{}, errors.New("rescore a run: no store")
	}
	old, err := s.store.GetRun(ctx, ref)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return EvalResult{}, &Error{Kind: KindNotFound, Err: fmt.Errorf("run %q not found; see `llm-test-bench runs list`", ref)}
		}
		return EvalResult{}, err
	}
	saved := savedOptions(old)
	if len(o.Datasets) == 0 {
		o.Datasets = saved.Datasets
	}
	o.Simulate = o.Simulate || saved.Simulate
	if len(o.Datasets) == 0 {
		return EvalResult{}, configErr("run %s has no saved datasets: pass --dataset FILE", old.ID)
	}
	idx, err := s.indexCases(ctx, o.Datasets)
	if err != nil {
		return EvalResult{}, err
	}
	width := 0
	if idx.comparers {
		if width, err = s.providerCount(ctx, old.ID); err != nil {
			return EvalResult{}, err
		}
	}
	run := s.evalRun(o, fmt.Sprintf("eval of #%d", old.Seq), map[string]any{"from_run": old.ID})
	run.Tags[TagRescoredFrom] = old.ID
	run.Total = old.Totals.Results
	src := s.store.Results(ctx, old.ID, store.ResultFilter{})
	return s.rescore(ctx, run, idx, width, o, src)
}

// ScoreOutputs scores the answers of a JSON-lines file (OutputLine per
// line) against o.Datasets' cases into a new run. Every line is checked
// before anything is scored or stored: a bad line is an input error naming
// its file:line.
func (s *Service) ScoreOutputs(ctx context.Context, path string, o EvalOptions) (EvalResult, error) {
	if s.store == nil {
		return EvalResult{}, errors.New("score outputs: no store")
	}
	if len(o.Datasets) == 0 {
		return EvalResult{}, configErr("--outputs needs the suite its answers answer: pass --dataset FILE")
	}
	if o.Provider == "" {
		o.Provider = DefaultOutputsProvider
	}
	idx, err := s.indexCases(ctx, o.Datasets)
	if err != nil {
		return EvalResult{}, err
	}
	lines, providers, err := checkOutputs(path, idx, o.Provider)
	if err != nil {
		return EvalResult{}, err
	}
	abs, _ := filepath.Abs(path)
	run := s.evalRun(o, "eval of "+filepath.Base(path), map[string]any{"outputs": abs})
	run.Total = lines
	return s.rescore(ctx, run, idx, providers, o, outputResults(path, idx, o.Provider))
}

// OutputLine is one answer produced outside this tool.
type OutputLine struct {
	CaseID     string  `json:"case_id"`
	Output     *string `json:"output"`
	PromptID   string  `json:"prompt_id,omitempty"`
	Provider   string  `json:"provider,omitempty"`
	Repetition int     `json:"repetition,omitempty"`
	LatencyMs  float64 `json:"latency_ms,omitempty"`
}

// TotalsOf is a run's totals from its summary.
func TotalsOf(s *report.Summary) bench.Totals {
	return bench.Totals{
		Results: s.Total, Succeeded: s.Succeeded, Errored: s.Errored, Passed: s.Passed, Failed: s.Failed, CostUSD: s.CostUSD,
		Tokens: s.Tokens, JudgeCalls: s.JudgeCalls, JudgeCached: s.JudgeCached, JudgeCostUSD: s.JudgeCostUSD, Unscored: s.Unscored,
	}
}

// saveSummary ends a run's aggregation: its totals and update time are
// saved with the run, and the summary carries the run and the pricing
// table's date. The run is saved even when err is not nil.
func (s *Service) saveSummary(ctx context.Context, run *bench.Run, agg *report.Aggregator) (*report.Summary, error) {
	sum := agg.Summary()
	run.Totals = TotalsOf(sum)
	run.UpdatedAt = store.Now()
	err := s.store.UpdateRun(ctx, run)
	if err != nil {
		err = fmt.Errorf("save run: %w", err)
	}
	sum.Run = *run
	if pr, perr := s.pricer(); perr == nil {
		sum.PricesAsOf = pr.AsOf()
	}
	return sum, err
}

// evalSnapshot is what Rescore reads of a run's saved options.
type evalSnapshot struct {
	Datasets []string `json:"datasets"`
	Simulate bool     `json:"simulate"`
}

// savedOptions are the datasets a run was made with, and whether it was
// simulated: a bench run's options, or an eval run's own.
func savedOptions(run *bench.Run) evalSnapshot {
	for _, key := range []string{"bench", "eval"} {
		var o evalSnapshot
		raw, _ := json.Marshal(run.Config[key])
		if json.Unmarshal(raw, &o) == nil && len(o.Datasets) > 0 {
			return o
		}
	}
	return evalSnapshot{}
}

// evalRun is the new run, not yet stored.
func (s *Service) evalRun(o EvalOptions, name string, snapshot map[string]any) *bench.Run {
	if o.Name != "" {
		name = o.Name
	}
	tags := map[string]string{}
	for k, v := range o.Tags {
		tags[k] = v
	}
	snapshot["datasets"] = absPaths(o.Datasets)
	if o.Provider != "" {
		snapshot["provider"] = o.Provider
	}
	if o.Simulate {
		snapshot["simulate"] = true
	}
	return &bench.Run{
		ID: uuid.Must(uuid.NewV7()).String(), Name: name, Tags: tags, CreatedAt: store.Now(),
		Config: map[string]any{"eval": snapshot},
	}
}

// indexed is one case and the suite it comes from.
type indexed struct {
	c     bench.Case
	suite *dataset.Suite
}

// caseIndex is the suites' cases by the id a run gives them.
type caseIndex struct {
	cases     map[string]*indexed
	comparers bool // some case has a side-by-side assertion
}

// indexCases loads and validates the suites and indexes their cases.
func (s *Service) indexCases(ctx context.Context, datasets []string) (*caseIndex, error) {
	p, err := s.loadSuites(ctx, &Options{Datasets: absPaths(datasets)})
	if err != nil {
		return nil, err
	}
	idx := &caseIndex{cases: map[string]*indexed{}}
	for _, su := range p.suites {
		for c, err := range p.cases(su) {
			if err != nil {
				return nil, inputErr(fmt.Errorf("read cases: %w", err))
			}
			idx.cases[c.ID] = &indexed{c: c, suite: su}
			idx.comparers = idx.comparers || eval.HasComparer(c.Assert)
		}
	}
	return idx, nil
}

// providerCount is how many providers answered in a run: the size of a
// complete side-by-side group.
func (s *Service) providerCount(ctx context.Context, runID string) (int, error) {
	seen := map[string]struct{}{}
	for k, err := range s.store.Keys(ctx, runID) {
		if err != nil {
			return 0, fmt.Errorf("read result keys: %w", err)
		}
		seen[k.Provider] = struct{}{}
	}
	return len(seen), nil
}

// unit is what one worker scores: one answer, or a side-by-side group.
type unit struct {
	c       *bench.Case
	members []*bench.Result
}

// rescore stores run, scores src's answers into it and finishes it.
func (s *Service) rescore(ctx context.Context, run *bench.Run, idx *caseIndex, width int, o EvalOptions, src iter.Seq2[bench.Result, error]) (EvalResult, error) {
	run.Status = bench.RunRunning
	run.UpdatedAt = store.Now()
	if err := s.store.CreateRun(ctx, run); err != nil {
		return EvalResult{}, fmt.Errorf("save run: %w", err)
	}
	beat := &Run{svc: s, run: run}
	stop := beat.heartbeat(ctx)
	judges := s.Judges(JudgeOptions{NoCache: o.NoCache, Simulate: o.Simulate})
	res := EvalResult{}
	agg := report.NewAggregator(*run)
	err := s.scoreAll(ctx, run.ID, idx, width, judges, src, agg, &res)
	stop()
	err = errors.Join(err, judges.Close())
	switch {
	case ctx.Err() != nil:
		run.Status = bench.RunCancelled
	case err != nil:
		run.Status = bench.RunFailed
	default:
		run.Status = bench.RunCompleted
	}
	sum, uerr := s.saveSummary(context.WithoutCancel(ctx), run, agg)
	err = errors.Join(err, uerr)
	res.Run, res.Summary = *run, sum
	return res, err
}

// scoreAll runs the pipeline: one reader (grouping), [evaluation]
// parallel_evaluations scorers, one writer storing batches.
func (s *Service) scoreAll(ctx context.Context, runID string, idx *caseIndex, width int, judges *Judges, src iter.Seq2[bench.Result, error], agg *report.Aggregator, res *EvalResult) error {
	g, gctx := errgroup.WithContext(ctx)
	n := max(s.cfg.Evaluation.ParallelEvaluations)
	units := make(chan unit, 2*n)
	done := make(chan *bench.Result, storeBatch)
	g.Go(func() error {
		defer close(units)
		return readUnits(gctx, runID, idx, width, src, units, res)
	})
	var workers sync.WaitGroup
	for range n {
		workers.Go(func() {
			for u := range units {
				scoreUnit(gctx, judges, u)
				for _, r := range u.members {
					done <- r
				}
			}
		})
	}
	go func() { workers.Wait(); close(done) }()
	g.Go(func() error { return s.writeAll(gctx, done, agg) })
	return g.Wait()
}

// readUnits streams src into units: answers to score alone at once,
// side-by-side groups once complete, the incomplete ones at the end.
func readUnits(ctx context.Context, runID string, idx *caseIndex, width int, src iter.Seq2[bench.Result, error], units chan<- unit, res *EvalResult) error {
	groups := map[groupKey]*unit{}
	send := func(u unit) error {
		select {
		case units <- u:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for old, err := range src {
		if err != nil {
			return fmt.Errorf("read results: %w", err)
		}
		r := fresh(&old, runID)
		ic, ok := idx.cases[old.CaseID]
		switch {
		case !ok:
			res.NoCase++
			r.Metadata[MetaNoCase] = true
		case old.Status != bench.StatusSuccess:
			res.Errored++
			r.Scores, r.Score, r.Passed = nil, 0, false
		default:
			res.Scored++
		}
		if !ok || !eval.HasComparer(ic.c.Assert) {
			u := unit{members: []*bench.Result{r}}
			if ok && old.Status == bench.StatusSuccess {
				u.c = &ic.c
			}
			if err := send(u); err != nil {
				return err
			}
			continue
		}
		k := groupKey{old.CaseID, old.PromptID, old.Repetition}
		gr := groups[k]
		if gr == nil {
			gr = &unit{c: &ic.c}
			groups[k] = gr
		}
		gr.members = append(gr.members, r)
		if len(gr.members) >= width {
			delete(groups, k)
			if err := send(*gr); err != nil {
				return err
			}
		}
	}
	for _, gr := range groups {
		if err := send(*gr); err != nil {
			return err
		}
	}
	return nil
}

// groupKey names the answers side-by-side assertions compare.
type groupKey struct {
	caseID, promptID string
	rep              int
}

// fresh is old as a result of the new run: a new id, no model cost (no
// model was called), the old judges' usage dropped, the old id recorded.
func fresh(old *bench.Result, runID string) *bench.Result {
	r := *old
	r.ID, r.RunID, r.CreatedAt = uuid.Must(uuid.NewV7()).String(), runID, store.Now()
	r.Cost = bench.Cost{Currency: old.Cost.Currency}
	md := make(map[string]any, len(old.Metadata)+1)
	for k, v := range old.Metadata {
		if !strings.HasPrefix(k, "judge_") {
			md[k] = v
		}
	}
	if old.ID != "" {
		md[MetaRescoredFrom] = old.ID
	}
	r.Metadata = md
	return &r
}

// scoreUnit scores a unit's successful answers; a unit without a case
// (failed call, unknown case) is left as it is.
func scoreUnit(ctx context.Context, judges *Judges, u unit) {
	if u.c == nil {
		return
	}
	as := u.c.Assert
	var ins []*eval.Input
	var parts []eval.Partial
	var ok []*bench.Result
	for _, r := range u.members {
		if r.Status != bench.StatusSuccess {
			continue
		}
		m := judges.For(r.CaseID)
		in := inputOf(u.c, r, m)
		if !eval.HasComparer(as) {
			o := eval.Check(ctx, as, u.c.Threshold, in)
			r.Scores, r.Score, r.Passed = o.Scores, o.Score, o.Passed
			runner.AddJudgeCost(r, m.Usage())
			continue
		}
		parts = append(parts, eval.ScoreEach(ctx, as, in))
		runner.AddJudgeCost(r, m.Usage())
		ins, ok = append(ins, in), append(ok, r)
	}
	if len(ok) == 0 {
		return
	}
	m := judges.For(u.c.ID)
	for _, in := range ins {
		in.Judges = m
	}
	eval.CompareGroup(ctx, as, ins, parts)
	shared := m.Usage()
	for i, r := range ok {
		o := eval.Combine(as, u.c.Threshold, parts[i])
		r.Scores, r.Score, r.Passed = o.Scores, o.Score, o.Passed
		runner.AddJudgeCost(r, shared.Share(i, len(ok)))
	}
}

func inputOf(c *bench.Case, r *bench.Result, m *runner.Meter) *eval.Input {
	return &eval.Input{
		Case: c, Provider: r.Provider, Prompt: r.Prompt, Output: r.Response, FinishReason: r.FinishReason,
		LatencyMs: r.LatencyMs, TTFTMs: r.TTFTMs, Usage: r.Tokens, Judges: m,
		ToolCalls: r.ToolCalls,
	}
}

// writeAll stores the scored results in batches and aggregates them.
func (s *Service) writeAll(ctx context.Context, done <-chan *bench.Result, agg *report.Aggregator) error {
	batch := make([]bench.Result, 0, storeBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := s.store.WriteResults(ctx, batch); err != nil {
			return fmt.Errorf("store results: %w", err)
		}
		for i := range batch {
			agg.Add(&batch[i])
		}
		batch = batch[:0]
		return nil
	}
	for r := range done {
		batch = append(batch, *r)
		if len(batch) == storeBatch {
			if err := flush(); err != nil {
				go drain(done)
				return err
			}
		}
	}
	return flush()
}

// drain empties ch so its senders can finish after the writer failed.
func drain[T any](ch <-chan T) {
	for range ch {
	}
}

// checkOutputs reads every line of an outputs file before anything is
// scored: it returns the number of answers and of providers, or an input
// error listing the bad lines (file:line).
func checkOutputs(path string, idx *caseIndex, provider string) (lines, providers int, err error) {
	var problems []string
	seen := map[bench.Key]int{}
	provs := map[string]struct{}{}
	for ln, err := range outputLines(path, idx, provider) {
		if err != nil {
			problems = append(problems, err.Error())
			if len(problems) == 20 {
				problems = append(problems, "(more lines not checked)")
				break
			}
			continue
		}
		k := ln.res.Key()
		if first, dup := seen[k]; dup {
			problems = append(problems, fmt.Sprintf("%s:%d: the same case, prompt, provider and repetition as line %d", path, ln.line, first))
			continue
		}
		seen[k] = ln.line
		provs[k.Provider] = struct{}{}
		lines++
	}
	if len(problems) > 0 {
		return 0, 0, inputErr(errors.New(strings.Join(problems, "\n")))
	}
	if lines == 0 {
		return 0, 0, inputErr(fmt.Errorf("%s holds no answer", path))
	}
	return lines, len(provs), nil
}

// outputResults streams an outputs file, already checked, as results.
func outputResults(path string, idx *caseIndex, provider string) iter.Seq2[bench.Result, error] {
	return func(yield func(bench.Result, error) bool) {
		for ln, err := range outputLines(path, idx, provider) {
			if err != nil {
				yield(bench.Result{}, err)
				return
			}
			if !yield(ln.res, nil) {
				return
			}
		}
	}
}

// outputLine is one parsed line and where it was.
type outputLine struct {
	res  bench.Result
	line int
}

// outputLines parses an outputs file line by line: a bad line yields an
// error naming it and the reading goes on; an unreadable file ends it.
func outputLines(path string, idx *caseIndex, provider string) iter.Seq2[outputLine, error] {
	return func(yield func(outputLine, error) bool) {
		f, err := os.Open(path)
		if err != nil {
			yield(outputLine{}, inputErr(fmt.Errorf("read outputs: %w", err)))
			return
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 64<<20)
		for n := 1; sc.Scan(); n++ {
			if len(strings.TrimSpace(sc.Text())) == 0 {
				continue
			}
			r, err := parseOutput(sc.Bytes(), idx, provider)
			if err != nil {
				err = fmt.Errorf("%s:%d: %w", path, n, err)
			} else {
				r.Metadata = map[string]any{MetaOutputsLine: fmt.Sprintf("%s:%d", filepath.Base(path), n)}
			}
			if !yield(outputLine{res: r, line: n}, err) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(outputLine{}, fmt.Errorf("read %s: %w", path, err))
		}
	}
}

// parseOutput makes one line a successful result of its case.
func parseOutput(b []byte, idx *caseIndex, provider string) (bench.Result, error) {
	var ln OutputLine
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ln); err != nil {
		return bench.Result{}, fmt.Errorf("not an answer line: %w", err)
	}
	switch {
	case ln.CaseID == "":
		return bench.Result{}, errors.New(`no "case_id"`)
	case ln.Output == nil:
		return bench.Result{}, errors.New(`no "output"`)
	case ln.Repetition < 0 || ln.LatencyMs < 0:
		return bench.Result{}, errors.New(`"repetition" and "latency_ms" must not be negative`)
	}
	ic, ok := idx.cases[ln.CaseID]
	if !ok {
		return bench.Result{}, fmt.Errorf("case %q is not in the datasets", ln.CaseID)
	}
	if ln.PromptID == "" {
		ln.PromptID = ic.suite.PromptList()[0].ID
	}
	_, prompt, err := renderer(ic.suite)(ln.PromptID, &ic.c)
	if err != nil {
		return bench.Result{}, fmt.Errorf("case %q: %w", ln.CaseID, err)
	}
	if ln.Provider == "" {
		ln.Provider = provider
	}
	return bench.Result{
		CaseID: ln.CaseID, PromptID: ln.PromptID, Provider: ln.Provider, Repetition: ln.Repetition,
		Status: bench.StatusSuccess, Prompt: prompt, Response: *ln.Output, LatencyMs: ln.LatencyMs,
	}, nil
}
