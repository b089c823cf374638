package runner

import (
	"context"
	"sync"

	"go.opentelemetry.io/otel/trace"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/internal/tracing"
)

// The evaluation stage scores the answers of cases whose assertions call
// models (judges, embeddings) or compare answers side by side, on a pool
// of its own ([evaluation] parallel_evaluations): a slow judge never holds
// a slot of the provider being judged. Side-by-side assertions wait in a
// group until every target's answer to the same case, prompt and
// repetition is in. Jobs arrive case by case, so only the groups of the
// cases in flight are held: memory stays bounded by concurrency.

// pending is an answer waiting for the evaluation stage.
type pending struct {
	job      Job
	res      bench.Result
	logprobs []float64
	in       *eval.Input
	part     eval.Partial
	// span is the case's, ended when the answer is finished.
	span trace.Span
}

// end finishes the answer's case span (also when the answer is dropped
// by a cancel).
func (p *pending) end() { tracing.EndCase(p.span, &p.res) }

// groupKey names the answers that side-by-side assertions compare.
type groupKey struct {
	caseID, promptID string
	rep              int
}

func groupOf(k bench.Key) groupKey {
	return groupKey{caseID: k.CaseID, promptID: k.PromptID, rep: k.Repetition}
}

// group collects the answers of one groupKey.
type group struct {
	members []*pending
	skipped int // answers stored before a resume; they will not arrive
}

// stage is the evaluation stage of one run.
type stage struct {
	r      *Runner
	ctx    context.Context
	finish func(*bench.Result)
	queue  chan *pending
	wg     sync.WaitGroup

	mu     sync.Mutex
	groups map[groupKey]*group
	size   int // answers per group: one per target
}

func newStage(ctx context.Context, r *Runner, finish func(*bench.Result)) *stage {
	n := max(r.ParallelEvaluations, 1)
	s := &stage{r: r, ctx: ctx, finish: finish, queue: make(chan *pending, 2*n), groups: map[groupKey]*group{}, size: len(r.Targets)}
	for range n {
		s.wg.Go(func() {
			for p := range s.queue {
				s.evaluate(p)
			}
		})
	}
	return s
}

// submit hands an answer to the stage; it blocks while the stage is full.
func (s *stage) submit(p *pending) { s.queue <- p }

// skipped notes that the answer of key was stored before a resume, so its
// group does not wait for it.
func (s *stage) skipped(k bench.Key) {
	s.mu.Lock()
	g := s.groupLocked(groupOf(k))
	g.skipped++
	done := s.completeLocked(groupOf(k), g)
	s.mu.Unlock()
	if done {
		s.compare(g)
	}
}

// close waits for the queued answers, then scores the groups that never
// filled (a cancelled or stopped run) with the answers they have.
func (s *stage) close() {
	close(s.queue)
	s.wg.Wait()
	s.mu.Lock()
	rest := s.groups
	s.groups = nil
	s.mu.Unlock()
	for _, g := range rest {
		if len(g.members) > 0 {
			s.compare(g)
		}
	}
}

// evaluate scores one answer's own assertions, then either finishes it or
// parks it in its group.
func (s *stage) evaluate(p *pending) {
	as := p.job.Case.Assert
	var es trace.Span
	if p.res.Status == bench.StatusSuccess {
		var m *Meter
		var ctx context.Context
		ctx, es = tracing.StartEvaluation(tracing.WithSpan(s.ctx, p.span), len(as))
		p.in, m = s.r.input(&p.job, &p.res, p.logprobs)
		p.part = eval.ScoreEach(ctx, as, p.in)
		AddJudgeCost(&p.res, m.Usage())
	}
	if s.ctx.Err() != nil {
		// Cancelled: the judges were cut off, so the verdicts are not
		// the answer's. It is not stored, and a resume judges it again.
		endSpan(es)
		p.end()
		return
	}
	if !eval.HasComparer(as) {
		if p.part != nil {
			s.r.combine(&p.job, &p.res, p.part)
		}
		if es != nil {
			tracing.EndEvaluation(es, len(as), &p.res)
		}
		s.finish(&p.res)
		p.end()
		return
	}
	endSpan(es)
	key := groupOf(p.job.Key)
	s.mu.Lock()
	g := s.groupLocked(key)
	g.members = append(g.members, p)
	done := s.completeLocked(key, g)
	s.mu.Unlock()
	if done {
		s.compare(g)
	}
}

func (s *stage) groupLocked(k groupKey) *group {
	g := s.groups[k]
	if g == nil {
		g = &group{}
		s.groups[k] = g
	}
	return g
}

// completeLocked removes a group once all its answers are accounted for.
func (s *stage) completeLocked(k groupKey, g *group) bool {
	if len(g.members)+g.skipped < s.size {
		return false
	}
	delete(s.groups, k)
	return true
}

// compare scores the side-by-side assertions over a group's successful
// answers, then finishes every member. The group's judge calls are shared
// out evenly among the answers compared.
func (s *stage) compare(g *group) {
	if s.ctx.Err() != nil {
		endAll(g) // cancelled: as in evaluate, the group is judged on resume
		return
	}
	var ins []*eval.Input
	var parts []eval.Partial
	var ok []*pending
	for _, p := range g.members {
		if p.part != nil {
			ins, parts, ok = append(ins, p.in), append(parts, p.part), append(ok, p)
		}
	}
	if len(ok) > 0 {
		j := ok[0].job
		m := s.r.newMeter(j.Key.CaseID)
		for _, in := range ins {
			in.Judges = judgesOf(m)
		}
		// The comparison is traced under the first answer's case.
		ctx, es := tracing.StartEvaluation(tracing.WithSpan(s.ctx, ok[0].span), len(j.Case.Assert))
		eval.CompareGroup(ctx, j.Case.Assert, ins, parts)
		es.End()
		if s.ctx.Err() != nil {
			endAll(g)
			return
		}
		t := m.Usage()
		for i, p := range ok {
			AddJudgeCost(&p.res, t.Share(i, len(ok)))
			s.r.combine(&p.job, &p.res, parts[i])
		}
	}
	for _, p := range g.members {
		s.finish(&p.res)
		p.end()
	}
}

// endAll ends the case spans of a group dropped by a cancel.
func endAll(g *group) {
	for _, p := range g.members {
		p.end()
	}
}

// endSpan ends an evaluation span, if one was started.
func endSpan(s trace.Span) {
	if s != nil {
		s.End()
	}
}

// input is what the evaluators of one answer see, with a meter of its own
// when the run offers judges.
func (r *Runner) input(j *Job, res *bench.Result, logprobs []float64) (*eval.Input, *Meter) {
	in := &eval.Input{
		Case: j.Case, Provider: res.Provider, Prompt: res.Prompt, Output: res.Response, FinishReason: res.FinishReason,
		LatencyMs: res.LatencyMs, TTFTMs: res.TTFTMs, Usage: res.Tokens, Cost: res.Cost,
		Logprobs: logprobs, ToolCalls: res.ToolCalls,
	}
	m := r.newMeter(j.Key.CaseID)
	in.Judges = judgesOf(m)
	return in, m
}

// judgesOf is m as eval.Judges, nil when the run offers no judges (so
// evaluators see a nil interface, not a nil pointer).
func judgesOf(m *Meter) eval.Judges {
	if m == nil {
		return nil
	}
	return m
}

func (r *Runner) newMeter(caseID string) *Meter {
	if r.Judges == nil {
		return nil
	}
	return &Meter{src: r.Judges, caseID: caseID}
}

// combine makes the answer's verdict from its assertion verdicts.
func (r *Runner) combine(j *Job, res *bench.Result, p eval.Partial) {
	o := eval.Combine(j.Case.Assert, j.Case.Threshold, p)
	res.Scores, res.Score, res.Passed = o.Scores, o.Score, o.Passed
}

// scoreInline scores an answer whose assertions declare no model calls,
// in the worker that made the call. An evaluator that calls a judge
// without declaring it (eval.ModelUser) still gets one, metered, but holds
// the target's slot meanwhile.
//
// It makes no evaluation span: checks that call no model take
// microseconds, a span would cost more than they do, and their verdict is
// on the case's span.
func (r *Runner) scoreInline(ctx context.Context, j *Job, res *bench.Result, logprobs []float64) {
	in, m := r.input(j, res, logprobs)
	o := eval.Check(ctx, j.Case.Assert, j.Case.Threshold, in)
	res.Scores, res.Score, res.Passed = o.Scores, o.Score, o.Passed
	AddJudgeCost(res, m.Usage())
}

// JudgeUsage is what the judge calls for one answer used.
type JudgeUsage struct {
	calls, cached, tokens int
	cost                  float64
}

// Share is answer i's part of totals shared by n answers: the cost and
// tokens evenly, the calls counted once, on the first answer.
func (t JudgeUsage) Share(i, n int) JudgeUsage {
	s := JudgeUsage{cost: t.cost / float64(n), tokens: t.tokens / n}
	if i == 0 {
		s.calls, s.cached = t.calls, t.cached
		s.tokens += t.tokens % n
	}
	return s
}

// AddJudgeCost adds the judges' cost to the answer's and records the
// calls in its metadata; nothing when no judge was called.
func AddJudgeCost(res *bench.Result, t JudgeUsage) {
	if t.calls == 0 && t.cost == 0 && t.tokens == 0 {
		return
	}
	res.Cost.Total += t.cost
	// A group's share adds to what the answer's own judges used.
	md := res.Metadata
	calls, cached, tokens := t.calls+metaInt(md, "judge_calls"), t.cached+metaInt(md, "judge_cached"), t.tokens+metaInt(md, "judge_tokens")
	prev, _ := md["judge_cost_usd"].(float64)
	cost := t.cost + prev
	res.Metadata = withMeta(md, "judge_calls", calls)
	res.Metadata["judge_cost_usd"] = cost
	res.Metadata["judge_tokens"] = tokens
	res.Metadata["judge_cached"] = cached
}

func metaInt(md map[string]any, k string) int {
	v, _ := md[k].(int)
	return v
}
