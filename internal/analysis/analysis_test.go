package analysis_test

import (
	"context"
	"errors"
	"iter"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
	"github.com/llm-test-bench/llm-test-bench/internal/stats/inference"
)

// res builds a result of provider p on case c whose verdict is pass.
func res(p, c string, rep int, pass bool) bench.Result {
	s := 0.0
	if pass {
		s = 1
	}
	return bench.Result{CaseID: c, PromptID: "default", Provider: p, Repetition: rep, Status: bench.StatusSuccess, Passed: pass, Score: s}
}

func seq(rs ...bench.Result) iter.Seq2[bench.Result, error] {
	return func(yield func(bench.Result, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func collect(t *testing.T, m analysis.Metric, provider string, rs ...bench.Result) *analysis.Side {
	t.Helper()
	s, err := analysis.Collect(context.Background(), "src", seq(rs...), m, provider)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return s
}

var opts = analysis.Options{Metric: analysis.MetricPassed, Margin: analysis.DefaultMargin, Alpha: analysis.DefaultAlpha}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// Repetitions are averaged per case before pairing; cases on one side only
// are counted, not paired. Hand-computed: per-case baseline (0.5, 1, 0, 1),
// comparison (1, 0.5, 0, 0), d = (0.5, −0.5, 0, −1): mean −0.25,
// var = (1.5 − 4·0.0625)/3 = 5/12, se = √(5/48) = 0.3227486, t_{0.95,3} =
// 2.3533634, lower bound = −0.25 − 0.7595466 = −1.0095466.
func TestCompareAveragesRepetitionsPerCase(t *testing.T) {
	t.Parallel()
	const a, b = "sim:a", "sim:b"
	base := collect(t, analysis.MetricPassed, "",
		res(a, "c1", 0, true), res(a, "c1", 1, false), res(a, "c2", 0, true), res(a, "c2", 1, true),
		res(a, "c3", 0, false), res(a, "c4", 0, true), res(a, "only-base", 0, true))
	comp := collect(t, analysis.MetricPassed, "",
		res(b, "c1", 0, true), res(b, "c1", 1, true), res(b, "c2", 0, false), res(b, "c2", 1, true),
		res(b, "c3", 0, false), res(b, "c4", 0, false), res(b, "only-comp", 0, true), res(b, "only-comp", 1, true))
	rep, err := analysis.Compare(base, comp, opts)
	if err != nil {
		t.Fatal(err)
	}
	se := math.Sqrt(5.0 / 48)
	lb := -0.25 - 2.3533634348018264*se
	got := []float64{rep.Baseline.Mean, rep.Comparison.Mean, rep.MeanDiff, rep.SE, rep.LowerBound}
	want := []float64{0.625, 0.375, -0.25, se, lb}
	for i := range want {
		if !near(got[i], want[i]) {
			t.Errorf("value %d = %v, want %v (means, diff, se, lower bound)", i, got[i], want[i])
		}
	}
	ni, _ := inference.NonInferiority([]float64{1, 0.5, 0, 0}, []float64{0.5, 1, 0, 1}, opts.Margin, opts.Alpha)
	pt, _ := inference.PairedT([]float64{1, 0.5, 0, 0}, []float64{0.5, 1, 0, 1}, 0.9)
	w, _ := inference.Wilcoxon([]float64{0.5, -0.5, 0, -1}, inference.WilcoxonOptions{})
	if !near(rep.LowerBound, ni.LowerBound) || !near(rep.NonInferiorityP, ni.PValue) || !near(rep.CILow, pt.CILow) ||
		!near(rep.CILow, lb) || !near(rep.CIHigh, pt.CIHigh) || *rep.PairedTP != *pt.PValue {
		t.Errorf("report %+v disagrees with inference %+v %+v", rep, ni, pt)
	}
	if rep.McNemarP != nil || rep.WilcoxonP == nil || *rep.WilcoxonP != w.PValue {
		t.Errorf("with repetitions want Wilcoxon p %v and no McNemar, got %v %v", w.PValue, rep.McNemarP, rep.WilcoxonP)
	}
	type counts struct{ N, Worse, Better, Same, UnpairedBase, UnpairedComp, CasesBase, ResultsComp int }
	if diff := cmp.Diff(counts{4, 2, 1, 1, 1, 1, 5, 8}, counts{rep.N, rep.Worse, rep.Better, rep.Same,
		rep.Baseline.Unpaired, rep.Comparison.Unpaired, rep.Baseline.Cases, rep.Comparison.Results}); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if !rep.Baseline.Repeated || !rep.Comparison.Repeated || rep.Verdict != analysis.VerdictRegression || !rep.Regression() {
		t.Errorf("repeated %v/%v verdict %s", rep.Baseline.Repeated, rep.Comparison.Repeated, rep.Verdict)
	}
}

// pairs builds one binary result per case from two pass vectors.
func pairs(t *testing.T, base, comp []bool) (*analysis.Side, *analysis.Side) {
	t.Helper()
	var rb, rc []bench.Result
	for i := range base {
		c := string(rune('a'+i/26)) + string(rune('a'+i%26))
		rb = append(rb, res("p", c, 0, base[i]))
		rc = append(rc, res("p", c, 0, comp[i]))
	}
	return collect(t, analysis.MetricPassed, "", rb...), collect(t, analysis.MetricPassed, "", rc...)
}

func bools(n int, f func(int) bool) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

// The verdict follows the lower bound against −margin, in both directions
// and at the edges; McNemar's exact p is computed on the discordant pairs.
func TestCompareVerdicts(t *testing.T) {
	t.Parallel()
	all := func(int) bool { return true }
	half := func(i int) bool { return i%2 == 0 }
	tests := []struct {
		name        string
		base, comp  []bool
		margin      float64
		want        string
		mcnemar     float64 // exact p, by hand: min(1, 2·P(Bin(b+c, ½) ≤ min(b, c)))
		worse, same int
		reason      string
	}{
		{"strong to weak", bools(20, all), bools(20, half), 0.02, analysis.VerdictRegression, 2 * math.Pow(0.5, 10), 10, 10, "a loss beyond the margin"},
		{"weak to strong", bools(20, half), bools(20, all), 0.02, analysis.VerdictNonInferior, 2 * math.Pow(0.5, 10), 0, 10, "shown smaller than the margin"},
		{"identical within the margin", bools(20, half), bools(20, half), 0.02, analysis.VerdictNonInferior, 1, 0, 20, "shown smaller than the margin"},
		// With no tolerance the bound must be above 0: identical runs fail.
		{"identical without a margin", bools(20, half), bools(20, half), 0, analysis.VerdictRegression, 1, 0, 20, "20 cases cannot rule out a larger loss"},
		// One loss in 40 cannot be told from a 2-point loss.
		{"one loss in forty", bools(40, all), bools(40, func(i int) bool { return i != 3 }), 0.02, analysis.VerdictRegression, 1, 1, 39, "a loss beyond the margin"},
		{"one loss in forty, margin 0.2", bools(40, all), bools(40, func(i int) bool { return i != 3 }), 0.2, analysis.VerdictNonInferior, 1, 1, 39, "shown smaller than the margin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, c := pairs(t, tt.base, tt.comp)
			o := opts
			o.Margin = tt.margin
			rep, err := analysis.Compare(b, c, o)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Verdict != tt.want || rep.Worse != tt.worse || rep.Same != tt.same {
				t.Errorf("verdict %s worse %d same %d (bound %v), want %s %d %d", rep.Verdict, rep.Worse, rep.Same, rep.LowerBound, tt.want, tt.worse, tt.same)
			}
			if !strings.Contains(rep.Reason, tt.reason) {
				t.Errorf("reason %q, want it to say %q", rep.Reason, tt.reason)
			}
			if rep.McNemarP == nil || !near(*rep.McNemarP, tt.mcnemar) || rep.WilcoxonP != nil {
				t.Errorf("McNemar p %v Wilcoxon %v, want %v and none", rep.McNemarP, rep.WilcoxonP, tt.mcnemar)
			}
		})
	}
}

func TestCompareNeedsTwoPairedCases(t *testing.T) {
	t.Parallel()
	base := collect(t, analysis.MetricPassed, "", res("p", "a", 0, true), res("p", "b", 0, true))
	comp := collect(t, analysis.MetricPassed, "", res("p", "b", 0, true), res("p", "c", 0, true))
	_, err := analysis.Compare(base, comp, opts)
	var ie *analysis.InputError
	if !errors.As(err, &ie) || !analysis.IsInputError(err) || !strings.Contains(err.Error(), "1 case(s) in common") {
		t.Fatalf("err = %v, want an InputError about 1 case in common", err)
	}
}

func TestCollectChoosesTheProvider(t *testing.T) {
	t.Parallel()
	rs := []bench.Result{res("sim:b", "x", 0, true), res("sim:a", "x", 0, false), res("sim:b", "y", 0, true), res("sim:a", "y", 0, true)}
	tests := []struct {
		name, provider string
		wantErr        *analysis.ProviderError
		wantResults    int
	}{
		{"several without a choice", "", &analysis.ProviderError{Source: "src", Have: []string{"sim:a", "sim:b"}}, 0},
		{"an absent one", "sim:c", &analysis.ProviderError{Source: "src", Want: "sim:c", Have: []string{"sim:a", "sim:b"}}, 0},
		{"one of several", "sim:a", nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := analysis.Collect(context.Background(), "src", seq(rs...), analysis.MetricPassed, tt.provider)
			var pe *analysis.ProviderError
			errors.As(err, &pe)
			if diff := cmp.Diff(tt.wantErr, pe); diff != "" {
				t.Fatalf("error (-want +got):\n%s\n%v", diff, err)
			}
			if tt.wantErr != nil {
				if !analysis.IsInputError(err) || !strings.Contains(err.Error(), "sim:a, sim:b") {
					t.Errorf("error %q is not an input error listing the providers", err)
				}
				return
			}
			if s.Provider != tt.provider || s.Results != tt.wantResults || s.Cases != 2 {
				t.Errorf("side %+v, want %s with %d results", s, tt.provider, tt.wantResults)
			}
		})
	}
	s := collect(t, analysis.MetricPassed, "", res("only", "x", 0, true))
	if s.Provider != "only" {
		t.Errorf("single provider not used: %q", s.Provider)
	}
}

// scored builds a result with the given assertion verdicts.
func scored(c string, score float64, verdicts map[string]bench.Score) bench.Result {
	r := res("p", c, 0, false)
	r.Score, r.Scores = score, verdicts
	return r
}

func TestCollectMetricValuesAndExclusions(t *testing.T) {
	t.Parallel()
	judge := func(x float64) bench.Score { return bench.Score{Score: x, Pass: x > 0.5} }
	unscored := bench.Unscored("judge reply unreadable", "???")
	rs := []bench.Result{
		scored("a", 0.8, map[string]bench.Score{"judge": judge(0.6), "regex": judge(1)}),
		scored("b", 0.25, map[string]bench.Score{"judge": unscored, "regex": judge(0.25)}),
		scored("c", 0, map[string]bench.Score{"judge": unscored}),
		scored("d", 0.5, map[string]bench.Score{"regex": judge(0.5)}),
		scored("e", 1, nil),
	}
	rs[4].Passed = true
	rs[3].Status = bench.StatusError
	tests := []struct {
		metric                analysis.Metric
		cases, unscored, miss int
		sum                   float64 // over the cases, one result each
	}{
		{analysis.MetricPassed, 5, 0, 0, 1},
		// c's every verdict is unscored: its 0 is no measurement.
		{analysis.MetricScore, 4, 1, 0, 0.8 + 0.25 + 0.5 + 1},
		{"judge", 1, 2, 2, 0.6},
		{"regex", 3, 0, 2, 1 + 0.25 + 0.5},
	}
	for _, tt := range tests {
		t.Run(string(tt.metric), func(t *testing.T) {
			t.Parallel()
			s := collect(t, tt.metric, "", rs...)
			if s.Cases != tt.cases || s.Unscored != tt.unscored || s.Missing != tt.miss || s.Results != 5 || s.Errored != 1 {
				t.Errorf("side %+v, want cases %d unscored %d missing %d", s, tt.cases, tt.unscored, tt.miss)
			}
			rep, err := analysis.Compare(s, s, analysis.Options{Metric: tt.metric, Margin: 0.02, Alpha: 0.05})
			if tt.cases < 2 {
				if !analysis.IsInputError(err) {
					t.Fatalf("err = %v, want an input error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !near(rep.Baseline.Mean*float64(tt.cases), tt.sum) {
				t.Errorf("mean %v, want %v/%d", rep.Baseline.Mean, tt.sum, tt.cases)
			}
			if rep.WilcoxonP != nil || rep.PairedTP != nil || (rep.McNemarP != nil) != (tt.metric == analysis.MetricPassed) {
				t.Errorf("identical sides: Wilcoxon %v paired t %v McNemar %v", rep.WilcoxonP, rep.PairedTP, rep.McNemarP)
			}
		})
	}
}

func TestCollectExplainsAMetricWithNoValues(t *testing.T) {
	t.Parallel()
	rs := []bench.Result{scored("a", 1, map[string]bench.Score{"regex": {Score: 1}, "contains": {Score: 1}})}
	_, err := analysis.Collect(context.Background(), "src", seq(rs...), "judge", "")
	if !analysis.IsInputError(err) || !strings.Contains(err.Error(), "assertions present: contains, regex") {
		t.Errorf("err = %v, want the assertions present", err)
	}
	_, err = analysis.Collect(context.Background(), "src", seq(), analysis.MetricPassed, "")
	if !analysis.IsInputError(err) || !strings.Contains(err.Error(), "no results") {
		t.Errorf("empty source: err = %v", err)
	}
	boom := errors.New("disk gone")
	_, err = analysis.Collect(context.Background(), "src", func(yield func(bench.Result, error) bool) { yield(bench.Result{}, boom) }, analysis.MetricPassed, "")
	if !errors.Is(err, boom) || analysis.IsInputError(err) {
		t.Errorf("read failure: err = %v, want it wrapped and not an input error", err)
	}
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		o    analysis.Options
		bad  string
	}{
		{"defaults", opts, ""},
		{"margin 0", analysis.Options{Metric: "score", Margin: 0, Alpha: 0.01}, ""},
		{"no metric", analysis.Options{Margin: 0.02, Alpha: 0.05}, "metric"},
		{"negative margin", analysis.Options{Metric: "passed", Margin: -0.1, Alpha: 0.05}, "margin"},
		{"NaN margin", analysis.Options{Metric: "passed", Margin: math.NaN(), Alpha: 0.05}, "margin"},
		{"infinite margin", analysis.Options{Metric: "passed", Margin: math.Inf(1), Alpha: 0.05}, "margin"},
		{"alpha 0", analysis.Options{Metric: "passed", Margin: 0.02}, "alpha"},
		{"alpha 0.5", analysis.Options{Metric: "passed", Margin: 0.02, Alpha: 0.5}, "alpha"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.o.Validate()
			if (err == nil) != (tt.bad == "") || (err != nil && !strings.HasPrefix(err.Error(), tt.bad)) {
				t.Errorf("Validate() = %v, want an error about %q", err, tt.bad)
			}
		})
	}
}

func TestWriteTable(t *testing.T) {
	t.Parallel()
	b, c := pairs(t, bools(20, func(int) bool { return true }), bools(20, func(i int) bool { return i%2 == 0 }))
	rep, err := analysis.Compare(b, c, opts)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	if err := analysis.WriteTable(&sb, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Paired cases  20", "1.0000 -> 0.5000", "-0.5000 [", "(90% CI", "vs -margin -0.0200",
		"10 worse, 0 better, 10 same", "McNemar exact 0.0020", "REGRESSION"} {
		if !strings.Contains(sb.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, sb.String())
		}
	}
	if slices.ContainsFunc(strings.Split(sb.String(), "\n"), func(l string) bool { return strings.Contains(l, "Wilcoxon") }) {
		t.Error("binary metric shows a Wilcoxon p-value")
	}
}
