package analysis

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/llm-test-bench/llm-test-bench/internal/stats/inference"
)

// Defaults for Options.
const (
	// DefaultMargin tolerates a loss of 2 points of pass rate or of a 0–1
	// score (see the package doc).
	DefaultMargin = 0.02
	// DefaultAlpha is the one-sided test's level.
	DefaultAlpha = 0.05
)

// Verdicts.
const (
	VerdictNonInferior = "non-inferior"
	VerdictRegression  = "regression"
)

// Options set the test. Margin is in metric units (≥ 0); Alpha is the
// one-sided level, in (0, 0.5) so that the two-sided 1−2·Alpha interval
// exists.
type Options struct {
	Metric Metric
	Margin float64
	Alpha  float64
}

// Validate checks the options; its errors name the flag-like field.
func (o Options) Validate() error {
	if err := o.Metric.check(); err != nil {
		return err
	}
	if !(o.Margin >= 0) || math.IsInf(o.Margin, 0) {
		return fmt.Errorf("margin: want a finite number ≥ 0, got %v", o.Margin)
	}
	if !(o.Alpha > 0 && o.Alpha < 0.5) {
		return fmt.Errorf("alpha: want a number between 0 and 0.5 (exclusive), got %v", o.Alpha)
	}
	return nil
}

// Report is the outcome of the gate. Its JSON keys are stable.
type Report struct {
	Metric     Metric `json:"metric"`
	Baseline   Side   `json:"baseline"`
	Comparison Side   `json:"comparison"`
	// N counts the paired cases.
	N int `json:"n"`
	// MeanDiff is mean(comparison − baseline) over the paired cases; SE its
	// standard error; CILow and CIHigh its two-sided Confidence interval.
	MeanDiff   float64 `json:"mean_diff"`
	SE         float64 `json:"se"`
	Confidence float64 `json:"confidence"`
	CILow      float64 `json:"ci_low"`
	CIHigh     float64 `json:"ci_high"`
	Margin     float64 `json:"margin"`
	Alpha      float64 `json:"alpha"`
	// LowerBound is the one-sided (1−Alpha) lower confidence bound of
	// MeanDiff; the verdict is non-inferior when it is above −Margin.
	LowerBound float64 `json:"lower_bound"`
	// NonInferiorityP is the one-sided p-value of H0: mean ≤ −Margin.
	NonInferiorityP float64 `json:"noninferiority_pvalue"`
	Verdict         string  `json:"verdict"`
	// Reason says in a sentence why the verdict is what it is; for a
	// regression, whether the data show a loss beyond the margin or only
	// cannot rule one out (too few cases for the margin).
	Reason string `json:"reason"`
	// Worse, Better and Same count the paired cases whose difference is
	// below, above and at 0.
	Worse  int `json:"worse"`
	Better int `json:"better"`
	Same   int `json:"same"`
	// PairedTP is the two-sided paired t-test's p-value (nil when
	// undefined: every difference equal to 0).
	PairedTP *float64 `json:"paired_t_pvalue"`
	// CohenD is the effect size, the paired Cohen's d of the differences
	// (mean/sd), for graded metrics; nil for passed or when the
	// differences do not vary.
	CohenD *float64 `json:"cohen_d"`
	// McNemarP is McNemar's exact p-value, set for "passed" with one result
	// per case on both sides; WilcoxonP the signed-rank p-value, set
	// otherwise unless every difference is 0.
	McNemarP  *float64 `json:"mcnemar_exact_pvalue"`
	WilcoxonP *float64 `json:"wilcoxon_pvalue"`
	// AdjustedP is DifferenceP adjusted across the metrics of a Gate, set
	// only when several metrics were compared; Significant says whether it
	// is at most Alpha.
	AdjustedP   *float64 `json:"adjusted_pvalue,omitempty"`
	Significant *bool    `json:"significant,omitempty"`
}

// DifferenceP is the two-sided p-value of the test of a difference the
// report names first: McNemar's exact test, else the Wilcoxon signed-rank
// test, else the paired t-test; 1 when every difference is 0 and none is
// defined.
func (r *Report) DifferenceP() float64 {
	for _, p := range []*float64{r.McNemarP, r.WilcoxonP, r.PairedTP} {
		if p != nil {
			return *p
		}
	}
	return 1
}

// Regression reports whether the gate failed.
func (r *Report) Regression() bool { return r.Verdict == VerdictRegression }

// Compare pairs the two sides on their cases and runs the gate. Fewer than
// two paired cases is an *InputError.
func Compare(base, comp *Side, opt Options) (*Report, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	keys := pairedKeys(base, comp)
	n := len(keys)
	rep := &Report{Metric: opt.Metric, Baseline: *base, Comparison: *comp, N: n, Margin: opt.Margin, Alpha: opt.Alpha, Confidence: 1 - 2*opt.Alpha}
	rep.Baseline.Unpaired = base.Cases - n
	rep.Comparison.Unpaired = comp.Cases - n
	if n < 2 {
		return nil, &InputError{Msg: fmt.Sprintf("%d case(s) in common between %s (%d cases) and %s (%d cases); the test needs at least 2",
			n, base.Source, base.Cases, comp.Source, comp.Cases)}
	}
	a, b := make([]float64, n), make([]float64, n)
	binary := opt.Metric == MetricPassed
	for i, k := range keys {
		ca, cb := base.cells[k], comp.cells[k]
		a[i], b[i] = ca.sum/float64(ca.n), cb.sum/float64(cb.n)
		binary = binary && ca.n == 1 && cb.n == 1
	}
	rep.Baseline.Mean, rep.Comparison.Mean = mean(a), mean(b)
	d := make([]float64, n)
	for i := range d {
		d[i] = b[i] - a[i]
		switch {
		case d[i] < 0:
			rep.Worse++
		case d[i] > 0:
			rep.Better++
		default:
			rep.Same++
		}
	}
	if err := rep.test(a, b, d, binary); err != nil {
		return nil, err
	}
	return rep, nil
}

// test fills in the statistics.
func (rep *Report) test(a, b, d []float64, binary bool) error {
	ni, err := inference.NonInferiority(b, a, rep.Margin, rep.Alpha)
	if err != nil {
		return fmt.Errorf("non-inferiority test: %w", err)
	}
	rep.LowerBound, rep.NonInferiorityP = ni.LowerBound, ni.PValue
	pt, err := inference.PairedT(b, a, rep.Confidence)
	if err != nil {
		return fmt.Errorf("paired t-test: %w", err)
	}
	rep.MeanDiff, rep.SE, rep.CILow, rep.CIHigh, rep.PairedTP = pt.MeanDiff, pt.SE, pt.CILow, pt.CIHigh, pt.PValue
	rep.CohenD = cohenD(d, mean(d), rep.Metric)
	rep.decide(ni.NonInferior)
	switch {
	case binary:
		mc, err := inference.McNemar(a, b)
		if err != nil {
			return fmt.Errorf("exact McNemar test: %w", err)
		}
		rep.McNemarP = &mc.ExactPValue
	case rep.Same < len(d):
		w, err := inference.Wilcoxon(d, inference.WilcoxonOptions{})
		if err != nil {
			return fmt.Errorf("signed-rank test: %w", err)
		}
		rep.WilcoxonP = &w.PValue
	}
	return nil
}

// decide sets the verdict and its reason.
func (rep *Report) decide(nonInferior bool) {
	bound := fmt.Sprintf("the lower bound of the difference, %+.4f, is", rep.LowerBound)
	switch {
	case nonInferior:
		rep.Verdict = VerdictNonInferior
		rep.Reason = fmt.Sprintf("%s above -margin (%+.4f): any loss is shown smaller than the margin", bound, -rep.Margin)
	case rep.MeanDiff < -rep.Margin:
		rep.Verdict = VerdictRegression
		rep.Reason = fmt.Sprintf("the mean difference, %+.4f, is a loss beyond the margin %.4f", rep.MeanDiff, rep.Margin)
	default:
		rep.Verdict = VerdictRegression
		rep.Reason = fmt.Sprintf("not shown non-inferior: the mean difference, %+.4f, is within the margin, but %s below -margin (%+.4f): "+
			"%d cases cannot rule out a larger loss (analyze --power says how many the margin needs)", rep.MeanDiff, bound, -rep.Margin, rep.N)
	}
}

// pairedKeys returns the keys on both sides, sorted so that sums are
// added in the same order on every run.
func pairedKeys(base, comp *Side) []Key {
	var keys []Key
	for k := range base.cells {
		if _, ok := comp.cells[k]; ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(x, y Key) int {
		return cmp.Or(cmp.Compare(x.CaseID, y.CaseID), cmp.Compare(x.PromptID, y.PromptID))
	})
	return keys
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// IsInputError reports whether err is about the results given (a provider
// that cannot be chosen, no values, too few cases, a bad line in a file)
// rather than a failure to read them.
func IsInputError(err error) bool {
	var pe *ProviderError
	var ie *InputError
	var le *LineError
	return errors.As(err, &pe) || errors.As(err, &ie) || errors.As(err, &le)
}
