package report

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/stats"
)

// MinGenerationMs is the shortest generation window, in milliseconds, that
// counts towards throughput. A shorter window (an echo, a cached or
// in-process answer) measures the tool rather than a model, and would
// report millions of tokens per second.
const MinGenerationMs = 10.0

// DefaultMatrixLimit is the number of distinct cases the pass/fail matrix
// keeps before it is truncated.
const DefaultMatrixLimit = 2000

// Percentiles summarises a latency distribution in milliseconds.
type Percentiles struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	Mean float64 `json:"mean"`
	Max  float64 `json:"max"`
	// Count is the number of values the percentiles were computed from.
	Count int64 `json:"count"`
	// P50CI and P95CI are the 95% bootstrap intervals of P50 and P95 (see
	// quantileCI), absent below two values.
	P50CI *[2]float64 `json:"p50_ci,omitempty"`
	P95CI *[2]float64 `json:"p95_ci,omitempty"`
}

// PercentilesOf reads the report percentiles from a sketch; they are within
// the sketch's precision (0.1%) of the exact values.
func PercentilesOf(s *stats.Sketch) Percentiles {
	return Percentiles{
		P50: s.Quantile(0.50), P90: s.Quantile(0.90), P95: s.Quantile(0.95), P99: s.Quantile(0.99),
		Mean: s.Mean(), Max: s.Max(), Count: s.Count(),
		P50CI: quantileCI(s, 0.50), P95CI: quantileCI(s, 0.95),
	}
}

// ProviderSummary aggregates one provider's results.
//
// A result counts as Succeeded when its status is success, otherwise as
// Errored. Passed follows the record's verdict, which is false for a call
// that did not succeed, and Failed is every result that did not pass, errors
// included: Results = Passed + Failed = Succeeded + Errored, and
// Failed - Errored is the number of assertion failures (unscored gating
// verdicts included, see Grading). Latency, TTFT, TokensPerSec and
// MeanScore are computed over succeeded results; cached results are left out
// of the timing figures because they do not measure the provider. TTFT only
// counts results that streamed a first token (ttft_ms > 0): a call made
// with --no-stream has none, and its TTFT is left out of the JSON summary
// and shown as "n/a" rather than as a number.
//
// MeanScore is the mean of the results' case scores. A case score is the
// weighted mean of its scored verdicts: unscored ones are left out of it,
// and a result none of whose verdicts was scored has no case score and is
// left out of MeanScore (its record's 0 is a placeholder, not a score).
//
// PassRateCI is the 95% Wilson interval of PassRate; it treats every result
// as an independent trial, so when results repeat cases it is narrower
// than an interval over cases would be. MeanScoreSE is MeanScore's standard
// error and MeanScoreCI its 95% t interval with MeanScoreDF degrees of
// freedom. When any result of the provider repeats a case (repetition > 0),
// the scores of one case (case id and prompt id) are correlated and the
// error is clustered by case (MeanScoreSEMethod SEClustered, over
// ScoreClusters cases, as inference.ClusteredSE computes it); otherwise it
// is sd/√n (SEIID). Clustering keeps a count and a sum per case, so that
// state grows with the distinct cases, not the results, up to
// Aggregator.ScoreCaseLimit keys; past it the error is the unclustered one
// and ScoreCasesCapped says so. The three are absent below two scores, or
// below two cases when clustered.
//
// Flakiness is set when the provider's results repeat cases: pass^k, the
// flaky cases and their pass counts, from the same per-case state, so past
// the limit it is nil too (see Flakiness). Its fields are flat in JSON and
// absent when it is nil; in Go, check it before reading them.
type ProviderSummary struct {
	Provider  string  `json:"provider"`
	Model     string  `json:"model"`
	Results   int     `json:"results"`
	Succeeded int     `json:"succeeded"`
	Errored   int     `json:"errored"`
	Passed    int     `json:"passed"`
	Failed    int     `json:"failed"`
	Cached    int     `json:"cached"`
	PassRate  float64 `json:"pass_rate"` // Passed / Results
	// PassRateCI is [low, high]; absent when there are no results.
	PassRateCI [2]float64 `json:"pass_rate_ci,omitzero"`
	// Latency is the total call time, TTFT the time to the first token.
	Latency Percentiles `json:"latency_ms"`
	TTFT    Percentiles `json:"ttft_ms,omitzero"`
	// Token sums over all results.
	TokensPrompt     int `json:"tokens_prompt"`
	TokensCompletion int `json:"tokens_completion"`
	TokensTotal      int `json:"tokens_total"`
	// TokensPerSec is completion tokens divided by generation seconds, the
	// time from the first token to the end of the answer (latency minus
	// TTFT). Only streamed calls have that window, and only windows of at
	// least MinGenerationMs count; it is 0 (left out of JSON, shown as "—")
	// when no call qualifies.
	TokensPerSec float64 `json:"tokens_per_sec,omitzero"`
	// CostUSD sums the known costs, the judges' included; Unpriced counts
	// the results whose model has no price (bench.Cost.Unknown), whose
	// model cost is not in it. ModelCostUSD is the models' under test part
	// of CostUSD, Grading.JudgeCostUSD the judges'.
	CostUSD      float64 `json:"cost_usd"`
	ModelCostUSD float64 `json:"model_cost_usd"`
	Unpriced     int     `json:"unpriced"`
	// ErrorsByKind counts errored results by error kind, or by status
	// (timeout, cancelled, skipped) when the record has no error kind.
	ErrorsByKind map[string]int `json:"errors_by_kind"`
	MeanScore    float64        `json:"mean_score"`
	// Scored counts the results behind MeanScore.
	Scored            int         `json:"scored"`
	MeanScoreSE       *float64    `json:"mean_score_se,omitempty"`
	MeanScoreCI       *[2]float64 `json:"mean_score_ci,omitempty"`
	MeanScoreDF       int         `json:"mean_score_df,omitzero"`
	MeanScoreSEMethod string      `json:"mean_score_se_method,omitempty"`
	ScoreClusters     int         `json:"score_clusters,omitzero"`
	ScoreCasesCapped  bool        `json:"score_cases_capped,omitzero"`
	Grading
	*Flakiness
}

// Summary is the aggregate of a run's results, computed in one streaming
// pass. Its counters mean what ProviderSummary's do.
type Summary struct {
	Run       bench.Run         `json:"run"`
	Providers []ProviderSummary `json:"providers"` // sorted by provider id
	Total     int               `json:"total"`
	Succeeded int               `json:"succeeded"`
	Errored   int               `json:"errored"`
	Passed    int               `json:"passed"`
	Failed    int               `json:"failed"`
	Cached    int               `json:"cached"`
	PassRate  float64           `json:"pass_rate"`
	// PassRateCI is PassRate's 95% Wilson interval over every result,
	// absent when there are none.
	PassRateCI [2]float64 `json:"pass_rate_ci,omitzero"`
	// CostUSD and ModelCostUSD mean what ProviderSummary's do.
	CostUSD      float64 `json:"cost_usd"`
	ModelCostUSD float64 `json:"model_cost_usd"`
	// Unpriced counts results whose cost is unknown; CostUSD leaves them out.
	Unpriced int `json:"unpriced"`
	// PricesAsOf is the date of the pricing table the costs come from.
	PricesAsOf string `json:"prices_as_of,omitempty"`
	Tokens     int    `json:"tokens"`
	// FirstAt and LastAt are the earliest and latest result timestamps.
	FirstAt time.Time `json:"first_at"`
	LastAt  time.Time `json:"last_at"`
	Matrix  Matrix    `json:"matrix"`
	// Assertions is the per-assertion breakdown of the verdicts.
	Assertions AssertionBreakdown `json:"assertions"`
	Grading
}

// providerAgg is the running state behind one ProviderSummary.
type providerAgg struct {
	sum     ProviderSummary
	latency stats.Sketch
	ttft    stats.Sketch
	genSec  float64
	genToks int
	// Exact sums and maxima: the sketch is precise to 0.1%, these are exact.
	latSum, latMax   float64
	ttftSum, ttftMax float64
	scores           scoreStats
	// repeated is set by the first result with a repetition above 0.
	repeated bool
}

// Aggregator folds results into a Summary one at a time. Memory is bounded
// by the number of providers, matrix cells and per-case score sums (at most
// ScoreCaseLimit), never by the number of results. It is not safe for
// concurrent use.
type Aggregator struct {
	// MatrixLimit caps the distinct cases kept in the matrix; set it before
	// the first Add. Zero or less means DefaultMatrixLimit.
	MatrixLimit int
	// AssertionLimit caps the distinct score names kept in the
	// per-assertion breakdown; zero or less means DefaultAssertionLimit.
	AssertionLimit int
	// ScoreCaseLimit caps the (provider, case, prompt) keys whose score
	// count and sum are kept for clustered standard errors; zero or less
	// means DefaultScoreCaseLimit.
	ScoreCaseLimit int

	run        bench.Run
	providers  map[string]*providerAgg
	total      Summary
	matrix     matrixBuilder
	assertions assertionBuilder
	caseKeys   int // held by all providers' scoreStats
}

// NewAggregator returns an empty aggregator for run.
func NewAggregator(run bench.Run) *Aggregator {
	return &Aggregator{run: run, providers: map[string]*providerAgg{}}
}

// Add folds one result into the aggregate.
func (a *Aggregator) Add(r *bench.Result) {
	p := a.providers[r.Provider]
	if p == nil {
		p = &providerAgg{sum: ProviderSummary{Provider: r.Provider, ErrorsByKind: map[string]int{}}}
		a.providers[r.Provider] = p
	}
	s := &p.sum
	if s.Model == "" {
		s.Model = r.Model
	}
	s.Results++
	s.TokensPrompt += r.Tokens.Prompt
	s.TokensCompletion += r.Tokens.Completion
	s.TokensTotal += r.Tokens.Total
	c := costOf(r)
	s.CostUSD += c.total
	s.ModelCostUSD += c.model
	if c.unpriced {
		s.Unpriced++
	}
	s.addGrading(r, c.judge)
	if r.Cached {
		s.Cached++
	}
	switch {
	case r.Status != bench.StatusSuccess:
		s.Errored++
		s.Failed++
		s.ErrorsByKind[errorKind(r)]++
	case r.Passed:
		s.Succeeded++
		s.Passed++
	default:
		s.Succeeded++
		s.Failed++
	}
	if r.Status == bench.StatusSuccess {
		p.addTimings(r)
	}
	p.repeated = p.repeated || r.Repetition > 0
	p.scores.add(r, &a.caseKeys, positive(a.ScoreCaseLimit, DefaultScoreCaseLimit))
	a.addTotals(r, c)
	a.matrix.add(r, positive(a.MatrixLimit, DefaultMatrixLimit))
	a.assertions.add(r, positive(a.AssertionLimit, DefaultAssertionLimit))
}

// positive is n, or def when n is zero or less.
func positive(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// addTimings records a succeeded result's latency, TTFT and throughput.
func (p *providerAgg) addTimings(r *bench.Result) {
	if r.Cached || !finite(r.LatencyMs) || r.LatencyMs <= 0 {
		return
	}
	p.latency.Add(r.LatencyMs)
	p.latSum += r.LatencyMs
	p.latMax = max(p.latMax, r.LatencyMs)
	if !finite(r.TTFTMs) || r.TTFTMs <= 0 {
		return
	}
	p.ttft.Add(r.TTFTMs)
	p.ttftSum += r.TTFTMs
	p.ttftMax = max(p.ttftMax, r.TTFTMs)
	if gen := r.LatencyMs - r.TTFTMs; gen >= MinGenerationMs && r.Tokens.Completion > 0 {
		p.genSec += gen / 1000
		p.genToks += r.Tokens.Completion
	}
}

// addTotals updates the run-wide counters.
func (a *Aggregator) addTotals(r *bench.Result, c resultCost) {
	t := &a.total
	t.Total++
	switch {
	case r.Status != bench.StatusSuccess:
		t.Errored++
		t.Failed++
	case r.Passed:
		t.Succeeded++
		t.Passed++
	default:
		t.Succeeded++
		t.Failed++
	}
	if r.Cached {
		t.Cached++
	}
	t.CostUSD += c.total
	t.ModelCostUSD += c.model
	if c.unpriced {
		t.Unpriced++
	}
	t.addGrading(r, c.judge)
	t.Tokens += r.Tokens.Total
	if !r.CreatedAt.IsZero() {
		if t.FirstAt.IsZero() || r.CreatedAt.Before(t.FirstAt) {
			t.FirstAt = r.CreatedAt
		}
		if r.CreatedAt.After(t.LastAt) {
			t.LastAt = r.CreatedAt
		}
	}
}

// Summary returns the aggregate so far. It may be called repeatedly, for
// example for a live view, and Add may continue afterwards.
func (a *Aggregator) Summary() *Summary {
	s := a.total
	s.Run = a.run
	s.PassRate = ratio(s.Passed, s.Total)
	s.PassRateCI = wilson(s.Passed, s.Total)
	s.Providers = make([]ProviderSummary, 0, len(a.providers))
	for _, p := range a.providers {
		s.Providers = append(s.Providers, p.summary())
	}
	slices.SortFunc(s.Providers, func(x, y ProviderSummary) int { return cmp.Compare(x.Provider, y.Provider) })
	ids := make([]string, len(s.Providers))
	for i, p := range s.Providers {
		ids[i] = p.Provider
	}
	s.Matrix = a.matrix.build(ids)
	s.Assertions = a.assertions.build()
	return &s
}

// summary finalises one provider's figures.
func (p *providerAgg) summary() ProviderSummary {
	s := p.sum
	s.ErrorsByKind = make(map[string]int, len(p.sum.ErrorsByKind))
	for k, v := range p.sum.ErrorsByKind {
		s.ErrorsByKind[k] = v
	}
	s.PassRate = ratio(s.Passed, s.Results)
	s.PassRateCI = wilson(s.Passed, s.Results)
	s.Latency = exact(PercentilesOf(&p.latency), p.latSum, p.latMax)
	s.TTFT = exact(PercentilesOf(&p.ttft), p.ttftSum, p.ttftMax)
	if p.genSec > 0 {
		s.TokensPerSec = float64(p.genToks) / p.genSec
	}
	p.scores.setScore(&s, p.repeated)
	if p.repeated {
		s.Flakiness = p.scores.flakiness()
	}
	return s
}

// exact replaces the sketch's mean and maximum with the exact values and
// keeps every quantile at or below the true maximum (the sketch reports the
// top of a value's bucket, up to 0.1% above it).
func exact(p Percentiles, sum, maxV float64) Percentiles {
	if p.Count == 0 {
		return p
	}
	p.Mean = sum / float64(p.Count)
	p.Max = maxV
	p.P50, p.P90, p.P95, p.P99 = min(p.P50, maxV), min(p.P90, maxV), min(p.P95, maxV), min(p.P99, maxV)
	for _, ci := range []*[2]float64{p.P50CI, p.P95CI} {
		if ci != nil {
			ci[0], ci[1] = min(ci[0], maxV), min(ci[1], maxV)
		}
	}
	return p
}

// Summarize aggregates every result of one pass over results. A run's
// summary is normally aggregated live, as its results are saved; this is
// for a run read back from the store.
func Summarize(ctx context.Context, run bench.Run, results iter.Seq2[bench.Result, error]) (*Summary, error) {
	a := NewAggregator(run)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("summarize run %s: %w", run.ID, err)
	}
	n := 0
	for r, err := range results {
		if err != nil {
			return nil, fmt.Errorf("summarize run %s: read results: %w", run.ID, err)
		}
		if n++; n%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("summarize run %s: %w", run.ID, err)
			}
		}
		a.Add(&r)
	}
	return a.Summary(), nil
}

// Warnings returns what a reader must know before trusting the summary's
// figures, one sentence each: one per provider whose results have no
// price, saying how many and where to set one, and one per provider whose
// mean score's error could not be clustered by case and whose flaky cases
// could not be counted (ScoreCasesCapped).
func (s *Summary) Warnings() []string {
	var out []string
	for _, p := range s.Providers {
		if p.ScoreCasesCapped {
			out = append(out, fmt.Sprintf("%s: results repeat cases, but the run has more distinct cases than are kept for clustering; the mean score's standard error treats every result as independent and is likely too small, and flaky cases are not counted",
				p.Provider))
		}
		if p.Unpriced == 0 {
			continue
		}
		name, _, _ := strings.Cut(p.Provider, ":")
		have := "results have"
		if p.Unpriced == 1 {
			have = "result has"
		}
		out = append(out, fmt.Sprintf("%s: %s %s no price (model %q): cost unknown; set input_per_mtok and output_per_mtok under [providers.%s.pricing.%q]",
			p.Provider, fmtInt(p.Unpriced), have, p.Model, name, p.Model))
	}
	return out
}

// errorKind names why a result did not succeed.
func errorKind(r *bench.Result) string {
	if r.Error != nil && r.Error.Kind != "" {
		return r.Error.Kind
	}
	if r.Status == "" {
		return "unknown"
	}
	return string(r.Status)
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
