package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/stats/inference"
)

// scored is a succeeded result of provider p for case c, prompt "t", with
// the given repetition and case score.
func scored(p, c string, rep int, score float64) *bench.Result {
	return &bench.Result{Provider: p, CaseID: c, PromptID: "t", Repetition: rep, Status: bench.StatusSuccess,
		Score: score, Passed: score >= 0.5, Scores: map[string]bench.Score{"check": {Score: score, Pass: score >= 0.5}}}
}

func approx(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// TestPassRateWilson: the pass rate's interval is statsmodels' Wilson
// interval (values from its closed form, z = 1.959963984540054), per
// provider and over the run, and is what inference.ProportionCI gives.
func TestPassRateWilson(t *testing.T) {
	t.Parallel()
	tests := []struct {
		passed, n int
		want      [2]float64
	}{
		{1, 4, [2]float64{0.04558726080970055, 0.6993581574175981}},
		{5, 8, [2]float64{0.30574239460262737, 0.8631557141764026}},
		{0, 10, [2]float64{0, 0.2775327998628892}},
		{10, 10, [2]float64{0.7224672001371107, 1}},
	}
	a := NewAggregator(bench.Run{})
	var passed, total int
	for i, tt := range tests {
		p := fmt.Sprint("p", i)
		for j := range tt.n {
			r := &bench.Result{Provider: p, CaseID: fmt.Sprint(j), Status: bench.StatusSuccess, Passed: j < tt.passed}
			a.Add(r)
		}
		passed += tt.passed
		total += tt.n
	}
	s := a.Summary()
	for i, tt := range tests {
		got := s.Providers[i].PassRateCI
		if !approx(got[0], tt.want[0], 1e-12) || !approx(got[1], tt.want[1], 1e-12) {
			t.Errorf("%d/%d: PassRateCI = %v, want %v", tt.passed, tt.n, got, tt.want)
		}
		ref, err := inference.ProportionCI(tt.passed, tt.n, 0.05)
		if err != nil || got != ref.Wilson {
			t.Errorf("%d/%d: PassRateCI = %v, inference.ProportionCI wilson = %v (%v)", tt.passed, tt.n, got, ref.Wilson, err)
		}
	}
	// The run's interval covers every result: 16 of 32 passed.
	if want := [2]float64{0.33630882869327483, 0.6636911713067252}; passed != 16 || total != 32 ||
		!approx(s.PassRateCI[0], want[0], 1e-12) || !approx(s.PassRateCI[1], want[1], 1e-12) {
		t.Errorf("run PassRateCI = %v over %d/%d, want %v", s.PassRateCI, passed, total, want)
	}
	if e := NewAggregator(bench.Run{}).Summary(); e.PassRateCI != [2]float64{} {
		t.Errorf("empty run PassRateCI = %v, want none", e.PassRateCI)
	}
}

// repeatedCases is three cases scored three times each (repetitions 0, 1
// and 2), whose scores agree within a case: a: 1 1 1, b: 0 0 0, c: 1 0 1.
// An errored result and an unscored one are left out of every figure.
func repeatedCases(p string) []*bench.Result {
	scores := map[string][3]float64{"a": {1, 1, 1}, "b": {0, 0, 0}, "c": {1, 0, 1}}
	var out []*bench.Result
	for rep := range 3 {
		for _, c := range []string{"a", "b", "c"} {
			out = append(out, scored(p, c, rep, scores[c][rep]))
		}
	}
	out = append(out,
		&bench.Result{Provider: p, CaseID: "a", PromptID: "t", Repetition: 3, Status: bench.StatusError, Score: 0.3},
		&bench.Result{Provider: p, CaseID: "b", PromptID: "t", Repetition: 3, Status: bench.StatusSuccess, Score: 0.3,
			Scores: map[string]bench.Score{"rubric": bench.Unscored("no verdict", "")}})
	return out
}

// TestMeanScoreSEClusteredByCase: with repeated cases the standard error is
// clustered by case. By hand, n = 9, mean 5/9, case sums minus their share
// of the mean 12/9, −15/9 and 3/9, so se² = 3/2 · (378/81) / 81 and se =
// 0.2939723678960656, with df 2; the plain error sd/√n would be
// √(20/648) = 0.17568209223157663.
func TestMeanScoreSEClusteredByCase(t *testing.T) {
	t.Parallel()
	a := NewAggregator(bench.Run{})
	var values []float64
	var clusters []string
	for _, r := range repeatedCases("p") {
		a.Add(r)
		if x, ok := scoreOf(r); ok {
			values = append(values, x)
			clusters = append(clusters, r.CaseID)
		}
	}
	p := a.Summary().Providers[0]
	// t(0.975, 2) in closed form: (2p−1)·√(2/(4p(1−p))).
	const wantSE, t975df2 = 0.2939723678960656, 4.302652729749461
	if p.Scored != 9 || !approx(p.MeanScore, 5.0/9, 1e-15) {
		t.Fatalf("Scored %d MeanScore %v, want 9 and 5/9", p.Scored, p.MeanScore)
	}
	if p.MeanScoreSE == nil || !approx(*p.MeanScoreSE, wantSE, 1e-12) || p.MeanScoreDF != 2 ||
		p.MeanScoreSEMethod != SEClustered || p.ScoreClusters != 3 || p.ScoreCasesCapped {
		t.Fatalf("SE %v df %d method %q clusters %d capped %v, want %v, 2, clustered, 3, false",
			deref(p.MeanScoreSE), p.MeanScoreDF, p.MeanScoreSEMethod, p.ScoreClusters, p.ScoreCasesCapped, wantSE)
	}
	if want := [2]float64{5.0/9 - t975df2*wantSE, 5.0/9 + t975df2*wantSE}; p.MeanScoreCI == nil ||
		!approx(p.MeanScoreCI[0], want[0], 1e-12) || !approx(p.MeanScoreCI[1], want[1], 1e-12) {
		t.Errorf("MeanScoreCI = %v, want %v", p.MeanScoreCI, want)
	}
	ref, err := inference.ClusteredSE(values, clusters)
	if err != nil {
		t.Fatal(err)
	}
	if !approx(*p.MeanScoreSE, ref.SEClustered, 1e-12) || p.MeanScoreDF != ref.DF || approx(ref.SEIID, ref.SEClustered, 0.05) {
		t.Errorf("SE %v df %d, inference.ClusteredSE gives %v df %d (iid %v)", *p.MeanScoreSE, p.MeanScoreDF, ref.SEClustered, ref.DF, ref.SEIID)
	}
}

// TestMeanScoreSEWithoutRepeats: the same nine scores as nine distinct
// cases with no repetition give the plain error, df n−1; and a case id
// under two prompts is two clusters, as inference.ClusteredSE labels them.
func TestMeanScoreSEWithoutRepeats(t *testing.T) {
	t.Parallel()
	a := NewAggregator(bench.Run{})
	for i, r := range repeatedCases("p") {
		r.CaseID, r.Repetition = fmt.Sprint("case-", i), 0
		a.Add(r)
	}
	p := a.Summary().Providers[0]
	const wantSE = 0.17568209223157663
	t975df8, err := inference.TQuantile(0.975, 8)
	if err != nil {
		t.Fatal(err)
	}
	if p.MeanScoreSE == nil || !approx(*p.MeanScoreSE, wantSE, 1e-12) || p.MeanScoreDF != 8 || p.MeanScoreSEMethod != SEIID || p.ScoreClusters != 0 {
		t.Fatalf("SE %v df %d method %q clusters %d, want %v, 8, iid, 0", deref(p.MeanScoreSE), p.MeanScoreDF, p.MeanScoreSEMethod, p.ScoreClusters, wantSE)
	}
	if lo := 5.0/9 - t975df8.Value*wantSE; !approx(t975df8.Value, 2.306004135033371, 1e-9) || !approx(p.MeanScoreCI[0], lo, 1e-12) {
		t.Errorf("MeanScoreCI = %v, want low %v", *p.MeanScoreCI, lo)
	}

	b := NewAggregator(bench.Run{})
	var values []float64
	var clusters []string
	for _, r := range repeatedCases("p") {
		if r.CaseID == "c" && r.Repetition == 1 {
			r.PromptID = "u"
		}
		b.Add(r)
		if x, ok := scoreOf(r); ok {
			values = append(values, x)
			clusters = append(clusters, r.CaseID+"\x00"+r.PromptID)
		}
	}
	ref, err := inference.ClusteredSE(values, clusters)
	if err != nil {
		t.Fatal(err)
	}
	if q := b.Summary().Providers[0]; q.ScoreClusters != 4 || !approx(*q.MeanScoreSE, ref.SEClustered, 1e-12) || q.MeanScoreDF != ref.DF {
		t.Errorf("clusters %d SE %v df %d, want 4, %v, %d", q.ScoreClusters, *q.MeanScoreSE, q.MeanScoreDF, ref.SEClustered, ref.DF)
	}
}

// TestMeanScoreSETooLittleData: one score has no error, nor does one case
// however often it is repeated; neither is shown as a zero.
func TestMeanScoreSETooLittleData(t *testing.T) {
	t.Parallel()
	a := NewAggregator(bench.Run{})
	a.Add(scored("one", "a", 0, 1))
	for rep := range 4 {
		a.Add(scored("same", "a", rep, float64(rep%2)))
	}
	for _, p := range a.Summary().Providers {
		if p.MeanScoreSE != nil || p.MeanScoreCI != nil || p.MeanScoreSEMethod != "" {
			t.Errorf("%s: SE %v CI %v method %q, want none", p.Provider, deref(p.MeanScoreSE), p.MeanScoreCI, p.MeanScoreSEMethod)
		}
		b, _ := json.Marshal(p)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"mean_score_se", "mean_score_ci", "mean_score_df", "mean_score_se_method", "score_clusters", "score_cases_capped"} {
			if _, ok := m[k]; ok {
				t.Errorf("%s: JSON carries %q", p.Provider, k)
			}
		}
	}
}

// TestScoreCaseLimitFallsBack: past ScoreCaseLimit case keys a provider
// whose results repeat cases falls back to the plain error and says so;
// one that kept its sums stays clustered, and one that does not repeat
// cases needs no flag.
func TestScoreCaseLimitFallsBack(t *testing.T) {
	t.Parallel()
	a := NewAggregator(bench.Run{})
	a.ScoreCaseLimit = 3
	for _, r := range repeatedCases("a-first") {
		a.Add(r)
	}
	for _, r := range repeatedCases("b-over") {
		a.Add(r)
	}
	for i := range 4 {
		a.Add(scored("c-single", fmt.Sprint(i), 0, float64(i%2)))
	}
	s := a.Summary()
	first, over, single := s.Providers[0], s.Providers[1], s.Providers[2]
	if first.MeanScoreSEMethod != SEClustered || first.ScoreCasesCapped || !approx(*first.MeanScoreSE, 0.2939723678960656, 1e-12) {
		t.Errorf("first provider: method %q capped %v SE %v, want clustered, false, 0.29397", first.MeanScoreSEMethod, first.ScoreCasesCapped, deref(first.MeanScoreSE))
	}
	if over.MeanScoreSEMethod != SEIID || !over.ScoreCasesCapped || over.ScoreClusters != 0 || !approx(*over.MeanScoreSE, 0.17568209223157663, 1e-12) || over.MeanScoreDF != 8 {
		t.Errorf("capped provider: method %q capped %v clusters %d SE %v df %d, want iid, true, 0, 0.17568, 8",
			over.MeanScoreSEMethod, over.ScoreCasesCapped, over.ScoreClusters, deref(over.MeanScoreSE), over.MeanScoreDF)
	}
	if single.ScoreCasesCapped || single.MeanScoreSEMethod != SEIID {
		t.Errorf("unrepeated provider: capped %v method %q, want false, iid", single.ScoreCasesCapped, single.MeanScoreSEMethod)
	}
	if a.caseKeys > a.ScoreCaseLimit {
		t.Errorf("%d case keys held, limit %d", a.caseKeys, a.ScoreCaseLimit)
	}
}

// TestScoreCaseSumsMemoryIsBounded folds 200,000 results, each a case
// never seen before and repeated, across two providers, with a limit of
// 20,000 case keys: the live heap never holds more than the limit's worth
// of sums, where keeping every case would take over 10 MB.
func TestScoreCaseSumsMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("folds 200,000 results")
	}
	// Not parallel: the heap is measured, and other tests would move it.
	const n, every, limit = 200_000, 10_000, 20_000
	a := NewAggregator(bench.Run{ID: "cases"})
	a.ScoreCaseLimit = limit
	base := liveHeap()
	var peak uint64
	for i := range n {
		if i > 0 && i%every == 0 {
			if h := liveHeap(); h > base {
				peak = max(peak, h-base)
			}
			if a.caseKeys > limit {
				t.Fatalf("%d case keys held after %d results, limit %d", a.caseKeys, i, limit)
			}
		}
		a.Add(scored([]string{"p", "q"}[i%2], fmt.Sprint("case-", i), 1, float64(i%3)/2))
	}
	for _, p := range a.Summary().Providers {
		if !p.ScoreCasesCapped || p.MeanScoreSEMethod != SEIID || p.Scored != n/2 {
			t.Errorf("%s: capped %v method %q scored %d, want true, iid, %d", p.Provider, p.ScoreCasesCapped, p.MeanScoreSEMethod, p.Scored, n/2)
		}
	}
	// About 60 bytes a key: 20,000 keys are about 1.2 MB, 200,000 about 12.
	const bound = 3 << 20
	if peak > bound {
		t.Errorf("live heap peaked %.1f MB above its start, want under %d MB: per-case sums are not capped", float64(peak)/(1<<20), bound>>20)
	}
	t.Logf("live heap peak %.2f MB above start for %d results, %d-key limit", float64(peak)/(1<<20), n, limit)
}

// TestScoreCaseKeyCost measures what a per-case sum costs, the figure
// DefaultScoreCaseLimit's doc relies on.
func TestScoreCaseKeyCost(t *testing.T) {
	if testing.Short() {
		t.Skip("folds 100,000 cases")
	}
	// Not parallel: the heap is measured.
	const n = 100_000
	a := NewAggregator(bench.Run{})
	base := liveHeap()
	for i := range n {
		a.Add(scored("p", fmt.Sprint("case-", i), 1, 1))
	}
	h := liveHeap()
	per := float64(h-min(h, base)) / n
	if per > 80 {
		t.Errorf("%.0f bytes a case key, want about 60", per)
	}
	t.Logf("%.0f bytes a case key (%d keys held)", per, a.caseKeys)
	_ = a.Summary()
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// TestIntervalsShownInReports: the pass rate's interval and the mean
// score's error reach the terminal table, Markdown and HTML, the HTML says
// how the error was computed, and a capped provider's warning reaches all
// three.
func TestIntervalsShownInReports(t *testing.T) {
	t.Parallel()
	var rs []bench.Result
	for _, r := range repeatedCases("p") {
		rs = append(rs, *r)
	}
	s, err := Summarize(context.Background(), bench.Run{}, Slice(rs))
	if err != nil {
		t.Fatal(err)
	}
	// Eleven results (the errored and the unscored ones fail): 5 of 11,
	// whose Wilson interval is [0.2127, 0.7199].
	const pass = "45.5% [21.3–72.0]"
	if s.Passed != 5 || s.Total != 11 || fmtPctCI(s.PassRate, s.PassRateCI) != pass {
		t.Fatalf("pass %d of %d shown as %q", s.Passed, s.Total, pass)
	}
	var table bytes.Buffer
	if err := WriteTable(&table, s, false); err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"table": table.String(),
		"md":    renderResults(t, FormatMarkdown, bench.Run{}, rs),
		"html":  renderResults(t, FormatHTML, bench.Run{}, rs),
	}
	for name, want := range map[string][]string{
		"table": {"\np              11  " + pass + "       1", "pass rate " + pass, "PASS [95% CI]"},
		"md":    {"| 0.556 ± 0.294 |", pass, "Mean score ± SE"},
		"html":  {"<dd>0.556 ± 0.294</dd>", "SE clustered by 3 cases", "95% CI [21.3–72.0]", pass},
	} {
		for _, w := range want {
			if !strings.Contains(outputs[name], w) {
				t.Errorf("%s lacks %q:\n%s", name, w, outputs[name])
			}
		}
	}

	a := NewAggregator(bench.Run{})
	a.ScoreCaseLimit = 2
	for _, r := range repeatedCases("p") {
		a.Add(r)
	}
	capped := a.Summary()
	table.Reset()
	if err := WriteTable(&table, capped, false); err != nil {
		t.Fatal(err)
	}
	const warn = "mean score's standard error treats every result as independent"
	if len(capped.Warnings()) != 1 || !strings.Contains(table.String(), warn) {
		t.Errorf("capped provider: warnings %q, table:\n%s", capped.Warnings(), table.String())
	}
	if got := fmtScoreCI(capped.Providers[0]); !strings.HasSuffix(got, "SE not clustered (too many cases)") {
		t.Errorf("capped provider's interval reads %q", got)
	}
}

// TestIntervalJSONNames: the intervals have the JSON names the API
// documents, as [low, high] arrays.
func TestIntervalJSONNames(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(fixtureSummary(t))
	if err != nil {
		t.Fatal(err)
	}
	var run map[string]any
	if err := json.Unmarshal(b, &run); err != nil {
		t.Fatal(err)
	}
	prov := run["providers"].([]any)[0].(map[string]any)
	pair := func(m map[string]any, k string) {
		t.Helper()
		if a, ok := m[k].([]any); !ok || len(a) != 2 {
			t.Errorf("%s = %v, want [low, high]", k, m[k])
		}
	}
	pair(run, "pass_rate_ci")
	pair(prov, "pass_rate_ci")
	pair(prov, "mean_score_ci")
	want := map[string]any{"scored": 2.0, "mean_score_se": 0.5, "mean_score_df": 1.0, "mean_score_se_method": "clustered", "score_clusters": 2.0}
	for k, v := range want {
		if prov[k] != v {
			t.Errorf("provider %s = %v, want %v", k, prov[k], v)
		}
	}
}
