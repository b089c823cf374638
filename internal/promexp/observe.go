package promexp

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// runState is what the watcher of one run remembers between its events.
type runState struct {
	started time.Time
	active  bool
	dropped uint64
}

// observe maps one event of a run to the metric families.
func (e *Engine) observe(st *runState, ev event.Event) {
	switch ev.Type {
	case event.TypeRunStarted:
		if !st.active {
			st.active, st.started = true, ev.Time
			e.activeBenchmarks.Inc()
		}
	case event.TypeRunFinished:
		if ev.Finished != nil {
			e.benchmarks.WithLabelValues(string(ev.Status)).Inc()
		}
		if st.active {
			e.benchmarkDuration.Observe(ev.Time.Sub(st.started).Seconds())
			st.active = false
			e.activeBenchmarks.Dec()
		}
	case event.TypeAttempt:
		if a := ev.Attempt; a != nil && a.Error != "" {
			e.retries.WithLabelValues(e.targets.label(a.Provider), ErrorType(a.Error, StatusUnknown)).Inc()
		}
	case event.TypeResult:
		if ev.ResultReady != nil && ev.Result != nil {
			e.observeResult(ev.Result)
		}
	case event.TypeBudgetReached:
		e.budgetReached.Inc()
	}
}

// end closes a run's stream: a run that never said it finished (it
// failed to start, or its last event was dropped) is no longer active.
func (e *Engine) end(st *runState) {
	if st.active {
		st.active = false
		e.activeBenchmarks.Dec()
	}
}

// observeResult counts one result: its status, the call behind it (unless
// skipped or served from the cache), its error, its scores and the judge
// calls behind them.
func (e *Engine) observeResult(r *bench.Result) {
	s := e.seriesFor(r.Provider, r.Model)
	s.tests[testStatus(r)].Inc()
	if r.Status == bench.StatusSkipped {
		return
	}
	if r.Cached {
		s.cacheHits.Inc()
	} else {
		s.requests.Inc()
		s.duration.Observe(r.LatencyMs / 1000)
		if r.Status == bench.StatusSuccess {
			s.latency.Observe(r.LatencyMs / 1000)
			if r.TTFTMs > 0 {
				s.ttft.Observe(r.TTFTMs / 1000)
			}
		}
		e.spend(s, r.Tokens, r.Cost.Total)
	}
	switch {
	case r.Error != nil:
		e.errors.WithLabelValues(e.targets.label(r.Provider), ErrorType(r.Error.Kind, r.Error.Status)).Inc()
	case r.FinishReason == provider.FinishContentFilter:
		e.errors.WithLabelValues(e.targets.label(r.Provider), ErrContentFilter).Inc()
	}
	for name, sc := range r.Scores {
		if !sc.Unscored {
			e.score.WithLabelValues(e.evaluator(name)).Observe(sc.Score)
		}
		if j := sc.Judge; j != nil {
			e.judged(j)
		}
	}
}

// judged counts a verdict's judge calls: the cached ones as cache hits,
// the others as provider requests with their tokens and cost.
func (e *Engine) judged(j *bench.JudgeInfo) {
	e.evalCacheHits.Add(float64(j.Cached))
	sent := j.Calls - j.Cached
	if sent <= 0 {
		return
	}
	e.evalCacheMisses.Add(float64(sent))
	s := e.seriesFor(j.Provider, j.Model)
	s.requests.Add(float64(sent))
	e.spend(s, j.Tokens, j.CostUSD)
}

// spend adds tokens and cost; negative amounts (never expected) are
// ignored, as a counter cannot go down.
func (e *Engine) spend(s *series, u bench.Usage, usd float64) {
	if u.Prompt > 0 {
		s.prompt.Add(float64(u.Prompt))
	}
	if u.Completion > 0 {
		s.completion.Add(float64(u.Completion))
	}
	if usd > 0 {
		s.cost.Add(usd)
	}
}

// evaluator is the evaluator label of a score's name: the assertion type
// ("contains", "not-llm-rubric") when the name is one, else the suite's
// own metric name, bounded (beyond the limit, "other").
func (e *Engine) evaluator(name string) string {
	name = trimDup(name)
	base, _ := strings.CutPrefix(name, "not-")
	if _, known := slices.BinarySearch(knownTypes(), base); known {
		return name
	}
	return e.evaluators.label(name)
}

// knownTypes are the registered assertion types, sorted; evaluators
// register at init, so the list is read once.
var knownTypes = sync.OnceValue(eval.Types)

// trimDup strips the "#N" eval appends to a repeated assertion's name.
func trimDup(name string) string {
	i := strings.LastIndexByte(name, '#')
	if i < 0 || i == len(name)-1 {
		return name
	}
	for _, c := range name[i+1:] {
		if c < '0' || c > '9' {
			return name
		}
	}
	return name[:i]
}
