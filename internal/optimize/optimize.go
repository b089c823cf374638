// Package optimize picks a model from measured profiles: for each
// (provider, model) its quality, p95 latency and cost per request at the
// dated pricing table's current price, the Pareto frontier of the three
// (analysis.Frontier), and the cheapest model that meets a quality
// threshold and a latency limit, with its monthly cost.
package optimize

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
	"github.com/llm-test-bench/llm-test-bench/internal/pricing"
	"github.com/llm-test-bench/llm-test-bench/internal/stats"
	"github.com/llm-test-bench/llm-test-bench/internal/stats/inference"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// Metric is what quality means.
type Metric string

// Metrics.
const (
	// MetricPassed is the pass rate, with a 95% Wilson interval.
	MetricPassed Metric = "passed"
	// MetricScore is the mean case score of the scored results.
	MetricScore Metric = "score"
)

// FewSamples is the number of results under which a model is flagged
// "few samples": its quality is a rough estimate.
const FewSamples = 30

// LatencyQuantile is the latency statistic compared with MaxLatency: the
// 95th percentile of call latency, from the merged sketches.
const LatencyQuantile = 0.95

// Cost sources: where a model's cost per request comes from.
const (
	// CostTable prices the measured mean tokens per request at the table's
	// current price (a free vendor costs 0).
	CostTable = "pricing_table"
	// CostMeasured is the mean cost the runs recorded, for a model the
	// table does not price.
	CostMeasured = "measured"
	// CostUnknown: neither; the model is left off the frontier and cannot
	// be chosen.
	CostUnknown = "unknown"
)

// Options are what to optimise for.
type Options struct {
	Metric Metric
	// QualityThreshold is the least quality in [0, 1] a model must have.
	QualityThreshold float64
	// MaxLatency bounds the p95 latency; 0 means no bound.
	MaxLatency time.Duration
	// MonthlyRequests scales the cost per request to a month.
	MonthlyRequests int64
	// Prices is the dated table (with the configuration's overrides).
	Prices *pricing.Table
	// Vendor names the pricing vendor of a provider id ("" when unknown).
	Vendor func(provider string) string
}

// Validate checks the options.
func (o *Options) Validate() error {
	switch {
	case o.Metric != MetricPassed && o.Metric != MetricScore:
		return fmt.Errorf("metric %q: want passed or score", o.Metric)
	case math.IsNaN(o.QualityThreshold) || o.QualityThreshold < 0 || o.QualityThreshold > 1:
		return fmt.Errorf("quality threshold %v: want a number in [0, 1]", o.QualityThreshold)
	case o.MaxLatency < 0:
		return fmt.Errorf("max latency %v: must not be negative", o.MaxLatency)
	case o.MonthlyRequests < 0:
		return fmt.Errorf("monthly requests %d: must not be negative", o.MonthlyRequests)
	case o.Prices == nil:
		return errors.New("no pricing table")
	}
	return nil
}

// Model is one (provider, model)'s figures. Figures that were not
// measured are absent (nil), never zero.
type Model struct {
	Provider string `json:"provider"`
	Model    string `json:"model"`
	Results  int64  `json:"results"`
	Runs     int64  `json:"runs"`
	// Quality is the pass rate or the mean score (Result.Metric); nil for
	// the mean score of a model with no scored result.
	Quality *float64 `json:"quality"`
	// QualityCI is the pass rate's 95% Wilson interval (metric passed).
	QualityCI *[2]float64 `json:"quality_ci,omitempty"`
	// NearThreshold is set when the threshold lies inside QualityCI: the
	// data cannot tell on which side of it the model is.
	NearThreshold bool `json:"near_threshold"`
	// FewSamples is set below FewSamples results.
	FewSamples     bool     `json:"few_samples"`
	LatencyP95Ms   *float64 `json:"latency_p95_ms"`
	LatencyMeanMs  *float64 `json:"latency_mean_ms"`
	CostPerRequest *float64 `json:"cost_per_request_usd"`
	CostSource     string   `json:"cost_source"`
	MonthlyCostUSD *float64 `json:"monthly_cost_usd"`
	Frontier       bool     `json:"frontier"`
	Qualifies      bool     `json:"qualifies"`
	// Reasons say why the model does not qualify.
	Reasons []string `json:"reasons,omitempty"`
}

// Label names the model as the provider id, with the model when the id
// does not already end with it.
func (m *Model) Label() string {
	if m.Model == "" || m.Provider == m.Model || strings.HasSuffix(m.Provider, ":"+m.Model) {
		return m.Provider
	}
	return m.Provider + " (" + m.Model + ")"
}

// Result is the optimiser's answer.
type Result struct {
	Metric           Metric  `json:"metric"`
	QualityThreshold float64 `json:"quality_threshold"`
	// MaxLatencyMs is absent when latency is not bounded.
	MaxLatencyMs    *float64 `json:"max_latency_ms"`
	LatencyStat     string   `json:"latency_statistic"`
	MonthlyRequests int64    `json:"monthly_requests"`
	PricesAsOf      string   `json:"prices_as_of"`
	PricesSource    string   `json:"prices_source"`
	// Models are sorted by provider and model.
	Models []Model `json:"models"`
	// Frontier lists the labels of the Pareto-optimal models.
	Frontier []string `json:"frontier"`
	// Choice is the index in Models of the cheapest qualifying model, nil
	// when none qualifies.
	Choice *int `json:"choice"`
	// Chosen is the chosen model's label, "" when none.
	Chosen string `json:"chosen"`
	// Reason says why nothing qualifies ("" when a model was chosen).
	Reason string `json:"reason,omitempty"`
}

// Optimize computes the figures, the frontier and the choice from the
// profiles.
func Optimize(profiles []store.ModelProfile, o Options) (*Result, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	res := &Result{
		Metric: o.Metric, QualityThreshold: o.QualityThreshold, LatencyStat: "p95",
		MonthlyRequests: o.MonthlyRequests, PricesAsOf: o.Prices.AsOf(), PricesSource: o.Prices.Source(),
		Models: make([]Model, 0, len(profiles)), Frontier: []string{},
	}
	if o.MaxLatency > 0 {
		ms := float64(o.MaxLatency) / float64(time.Millisecond)
		res.MaxLatencyMs = &ms
	}
	for i := range profiles {
		m, err := figures(&profiles[i].ProfileStats, o)
		if err != nil {
			return nil, err
		}
		m.Runs = profiles[i].Runs
		res.Models = append(res.Models, m)
	}
	slices.SortFunc(res.Models, func(a, b Model) int {
		return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Model, b.Model))
	})
	points := make([][]float64, len(res.Models))
	for i := range res.Models {
		m := &res.Models[i]
		points[i] = []float64{orNaN(m.Quality), orNaN(m.CostPerRequest), orNaN(m.LatencyP95Ms)}
	}
	for _, i := range analysis.Frontier(points, []analysis.Goal{analysis.Maximize, analysis.Minimize, analysis.Minimize}) {
		res.Models[i].Frontier = true
		res.Frontier = append(res.Frontier, res.Models[i].Label())
	}
	choose(res, o)
	return res, nil
}

// figures computes one model's quality, latency and cost.
func figures(p *store.ProfileStats, o Options) (Model, error) {
	m := Model{Provider: p.Provider, Model: p.Model, Results: p.Results, FewSamples: p.Results < FewSamples}
	switch {
	case o.Metric == MetricPassed && p.Results > 0:
		m.Quality = ptr(p.PassRate())
		if ci, err := inference.ProportionCI(int(p.Passed), int(p.Results), 0.05); err == nil {
			m.QualityCI = &ci.Wilson
			m.NearThreshold = ci.Wilson[0] < o.QualityThreshold && o.QualityThreshold <= ci.Wilson[1]
		}
	case o.Metric == MetricScore && p.Scored > 0:
		m.Quality = ptr(p.ScoreSum / float64(p.Scored))
	}
	if ms, ok := p.MeanLatencyMs(); ok {
		m.LatencyMeanMs = &ms
		var sk stats.Sketch
		if err := sk.UnmarshalBinary(p.Latency); err != nil {
			return m, fmt.Errorf("latency of %s %s: %w", p.Provider, p.Model, err)
		}
		m.LatencyP95Ms = ptr(sk.Quantile(LatencyQuantile))
	}
	m.CostPerRequest, m.CostSource = costPerRequest(p, o)
	if m.CostPerRequest != nil {
		m.MonthlyCostUSD = ptr(*m.CostPerRequest * float64(o.MonthlyRequests))
	}
	return m, nil
}

// costPerRequest prices the mean request: the measured tokens at the
// table's current price when it prices the model, else the mean cost the
// runs recorded for their priced results.
func costPerRequest(p *store.ProfileStats, o Options) (*float64, string) {
	if p.Results == 0 {
		return nil, CostUnknown
	}
	vendor := ""
	if o.Vendor != nil {
		vendor = o.Vendor(p.Provider)
	}
	if price, ok := o.Prices.Lookup(vendor, p.Model); ok && vendor != "" {
		return ptr(meanCost(price, p)), CostTable
	}
	if p.Priced > 0 {
		return ptr(p.CostUSD / float64(p.Priced)), CostMeasured
	}
	return nil, CostUnknown
}

// meanCost is the cost of the mean request at price. Without tiers the
// price is linear in the tokens, so the mean of the costs is the cost of
// the sums over the count, exactly; with tiers (long-prompt prices) it is
// the cost of the mean request, rounded to whole tokens.
func meanCost(price pricing.Price, p *store.ProfileStats) float64 {
	t := p.Tokens
	n := float64(p.Results)
	if len(price.Tiers) == 0 {
		u := bench.Usage{Prompt: int(t.Prompt), Completion: int(t.Completion), Cached: int(t.Cached),
			CacheWrite: int(t.CacheWrite), CacheWrite1h: int(t.CacheWrite1h)}
		return price.Cost(u).Total / n
	}
	mean := func(v int64) int { return int(math.Round(float64(v) / n)) }
	u := bench.Usage{Prompt: mean(t.Prompt), Completion: mean(t.Completion), Cached: mean(t.Cached),
		CacheWrite: mean(t.CacheWrite), CacheWrite1h: mean(t.CacheWrite1h)}
	return price.Cost(u).Total
}

// choose marks the qualifying models and picks the cheapest: least cost
// per request, then higher quality, then lower p95 latency, then label.
func choose(res *Result, o Options) {
	best := -1
	for i := range res.Models {
		m := &res.Models[i]
		m.Reasons = reasons(m, o)
		m.Qualifies = len(m.Reasons) == 0
		if m.Qualifies && (best < 0 || better(m, &res.Models[best])) {
			best = i
		}
	}
	if best >= 0 {
		res.Choice, res.Chosen = &best, res.Models[best].Label()
		return
	}
	switch len(res.Models) {
	case 0:
		res.Reason = "no model has a profile"
	default:
		res.Reason = fmt.Sprintf("none of the %d models meets the thresholds; see each model's reasons", len(res.Models))
	}
}

func reasons(m *Model, o Options) []string {
	var out []string
	switch {
	case m.Quality == nil:
		out = append(out, "quality not measured (no scored result)")
	case *m.Quality < o.QualityThreshold:
		out = append(out, fmt.Sprintf("quality %.4f is below %.4f", *m.Quality, o.QualityThreshold))
	}
	if o.MaxLatency > 0 {
		limit := float64(o.MaxLatency) / float64(time.Millisecond)
		switch {
		case m.LatencyP95Ms == nil:
			out = append(out, "latency not measured (no succeeded call)")
		case *m.LatencyP95Ms > limit:
			out = append(out, fmt.Sprintf("p95 latency %s is above %s", FormatMs(*m.LatencyP95Ms), FormatMs(limit)))
		}
	}
	if m.CostPerRequest == nil {
		out = append(out, "cost unknown: the pricing table does not price the model and no run recorded a cost; price it in the configuration")
	}
	return out
}

// better says whether a is a better choice than b, both qualifying.
func better(a, b *Model) bool {
	if c := cmp.Compare(*a.CostPerRequest, *b.CostPerRequest); c != 0 {
		return c < 0
	}
	if c := cmp.Compare(*a.Quality, *b.Quality); c != 0 {
		return c > 0
	}
	if c := cmp.Compare(orInf(a.LatencyP95Ms), orInf(b.LatencyP95Ms)); c != 0 {
		return c < 0
	}
	return a.Label() < b.Label()
}

// FormatMs shows milliseconds as a duration (1.5s, 812ms).
func FormatMs(ms float64) string {
	return time.Duration(math.Round(ms * float64(time.Millisecond))).Round(time.Millisecond / 10).String()
}

func ptr(f float64) *float64 { return &f }

func orNaN(f *float64) float64 {
	if f == nil {
		return math.NaN()
	}
	return *f
}

func orInf(f *float64) float64 {
	if f == nil {
		return math.Inf(1)
	}
	return *f
}
