package report

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"math"
	"slices"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
)

// ComparisonRun is one stored run a comparison report reads, and its
// results in one pass.
type ComparisonRun struct {
	Run     bench.Run
	Results iter.Seq2[bench.Result, error]
}

// Comparison is what a comparison report of several runs shows: the
// matrix of every (run, provider) column, each column's cost, throughput
// and latency, the Pareto frontier of quality, cost and latency, and each
// provider's trend over the runs.
type Comparison struct {
	// Runs are the runs compared, in creation order.
	Runs []bench.Run
	// Matrix is the side-by-side comparison; Columns[i] describes its
	// column i.
	Matrix  *analysis.Matrix
	Columns []ComparisonColumn
	// Frontier holds the indexes of the columns no other column beats on
	// quality (the metric's mean), cost per result and median latency at
	// once. A column whose cost or latency is unknown is not on it.
	Frontier []int
	// Trends holds one line per provider over the runs it appears in,
	// when there are at least two runs.
	Trends []Trend
}

// ComparisonColumn is what a column's run summary says of its provider.
type ComparisonColumn struct {
	// Run is the index of the column's run in Comparison.Runs.
	Run      int
	Provider string
	Model    string
	Results  int
	Errored  int
	// CostUSD sums the known costs; Unpriced counts results without a price.
	CostUSD  float64
	Unpriced int
	// TokensPerSec is 0 when no call was measured (see ProviderSummary).
	TokensPerSec float64
	Latency      Percentiles
	// OnFrontier is set for the columns in Comparison.Frontier.
	OnFrontier bool
}

// CostPerResult is the column's cost divided by its results; NaN when a
// result has no price, so that a partly known cost is not taken for a low
// one.
func (c *ComparisonColumn) CostPerResult() float64 {
	if c.Unpriced > 0 || c.Results == 0 {
		return math.NaN()
	}
	return c.CostUSD / float64(c.Results)
}

// MedianLatency is the column's p50 latency in milliseconds, NaN when no
// call was timed.
func (c *ComparisonColumn) MedianLatency() float64 {
	if c.Latency.Count == 0 {
		return math.NaN()
	}
	return c.Latency.P50
}

// Trend is one provider's metric over the runs, in creation order: each
// point is a column of the matrix.
type Trend struct {
	Provider string
	Points   []int
}

// BuildComparison reads every run once, aggregating its summary and its
// per-case values for the matrix in the same pass; memory grows with the
// runs' cases, never with their results. Runs are sorted by creation time.
// A run with no results is an *analysis.InputError, as are the matrix's
// own input errors (fewer than two columns, too few cases in common).
func BuildComparison(ctx context.Context, runs []ComparisonRun, opt analysis.MatrixOptions) (*Comparison, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	runs = slices.Clone(runs)
	slices.SortStableFunc(runs, func(a, b ComparisonRun) int {
		return cmp.Or(a.Run.CreatedAt.Compare(b.Run.CreatedAt), cmp.Compare(a.Run.Seq, b.Run.Seq))
	})
	c := &Comparison{}
	var sides []*analysis.Side
	var labels []string
	for i, r := range runs {
		s, sum, err := readRun(ctx, r, opt.Metric)
		if err != nil {
			return nil, err
		}
		c.Runs = append(c.Runs, r.Run)
		byProvider := map[string]*ProviderSummary{}
		for k := range sum.Providers {
			byProvider[sum.Providers[k].Provider] = &sum.Providers[k]
		}
		for _, side := range s {
			p := byProvider[side.Provider]
			c.Columns = append(c.Columns, ComparisonColumn{
				Run: i, Provider: side.Provider, Model: p.Model, Results: p.Results, Errored: p.Errored,
				CostUSD: p.CostUSD, Unpriced: p.Unpriced, TokensPerSec: p.TokensPerSec, Latency: p.Latency,
			})
			sides, labels = append(sides, side), append(labels, ColumnLabel(side.Provider, r.Run.Seq))
		}
	}
	m, err := analysis.CompareMatrix(sides, labels, opt)
	if err != nil {
		return nil, err
	}
	c.Matrix = m
	c.frontier()
	c.trends()
	return c, nil
}

// ColumnLabel names a (run, provider) column as compare does:
// "provider (#N)".
func ColumnLabel(provider string, seq int64) string {
	if seq <= 0 {
		return provider + " (-)"
	}
	return fmt.Sprintf("%s (#%d)", provider, seq)
}

// readRun streams one run's results once into both its summary and its
// per-provider sides.
func readRun(ctx context.Context, r ComparisonRun, m analysis.Metric) ([]*analysis.Side, *Summary, error) {
	agg := NewAggregator(r.Run)
	agg.MatrixLimit = 1 // the per-case pass/fail grid is not shown
	tee := func(yield func(bench.Result, error) bool) {
		for res, err := range r.Results {
			if err == nil {
				agg.Add(&res)
			}
			if !yield(res, err) {
				return
			}
		}
	}
	source := "run " + runRef(r.Run)
	sides, err := analysis.CollectEach(ctx, source, tee, m)
	if err != nil {
		return nil, nil, err
	}
	return sides, agg.Summary(), nil
}

// runRef names a run in messages: "#N id", or the id alone.
func runRef(run bench.Run) string {
	if run.Seq > 0 {
		return fmt.Sprintf("#%d %s", run.Seq, run.ID)
	}
	return run.ID
}

// frontier marks the columns on the Pareto frontier.
func (c *Comparison) frontier() {
	points := make([][]float64, len(c.Columns))
	for i := range c.Columns {
		col := &c.Columns[i]
		points[i] = []float64{c.Matrix.Columns[i].Mean, col.CostPerResult(), col.MedianLatency()}
	}
	c.Frontier = analysis.Frontier(points, []analysis.Goal{analysis.Maximize, analysis.Minimize, analysis.Minimize})
	for _, i := range c.Frontier {
		c.Columns[i].OnFrontier = true
	}
}

// trends groups the columns by provider, in the order providers first
// appear; there are none below two runs.
func (c *Comparison) trends() {
	if len(c.Runs) < 2 {
		return
	}
	at := map[string]int{}
	for i := range c.Columns {
		p := c.Columns[i].Provider
		k, ok := at[p]
		if !ok {
			k = len(c.Trends)
			at[p] = k
			c.Trends = append(c.Trends, Trend{Provider: p})
		}
		c.Trends[k].Points = append(c.Trends[k].Points, i)
	}
}
