package report

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// judgedSummary is the summary of the judged fixture.
func judgedSummary(t testing.TB) *Summary {
	t.Helper()
	s, err := Summarize(context.Background(), judgedRun(), Slice(judgedResults()))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestGradingOfJudgedFixture(t *testing.T) {
	t.Parallel()
	s := judgedSummary(t)
	approx := cmpopts.EquateApprox(0, 1e-12)
	type run struct {
		Total, Passed, Failed int
		CostUSD, ModelCostUSD float64
		Unpriced              int
		Grading               Grading
	}
	wantRun := run{
		Total: 6, Passed: 3, Failed: 3,
		// The unpriced model's result adds its judge's known $0.0001 only.
		CostUSD: 0.00023 + 0.00056, ModelCostUSD: 0.00003 + 0.00006, Unpriced: 1,
		Grading: Grading{Unscored: 3, UnscoredResults: 2, JudgeCalls: 7, JudgeCached: 1, JudgeTokens: 2150, JudgeCostUSD: 0.0002 + 0.0005, JudgeUnpriced: 1},
	}
	gotRun := run{s.Total, s.Passed, s.Failed, s.CostUSD, s.ModelCostUSD, s.Unpriced, s.Grading}
	if diff := cmp.Diff(wantRun, gotRun, approx); diff != "" {
		t.Errorf("run totals (-want +got):\n%s", diff)
	}
	if math.Abs(s.CostUSD-(s.ModelCostUSD+s.JudgeCostUSD)) > 1e-15 {
		t.Errorf("CostUSD %v != ModelCostUSD %v + JudgeCostUSD %v", s.CostUSD, s.ModelCostUSD, s.JudgeCostUSD)
	}

	type provider struct {
		Provider              string
		Failed                int
		CostUSD, ModelCostUSD float64
		MeanScore             float64
		Grading               Grading
	}
	want := []provider{
		{
			Provider: "anthropic:claude-haiku-4-5", Failed: 2, CostUSD: 0.00043 + 0.00003 + 0.0001, ModelCostUSD: 0.00003 + 0.00003,
			// The case whose only verdict is unscored has no case score: 1 and 0 are averaged, not 1, 0 and 0.
			MeanScore: 0.5,
			Grading:   Grading{Unscored: 1, UnscoredResults: 1, JudgeCalls: 5, JudgeTokens: 1500, JudgeCostUSD: 0.0005, JudgeUnpriced: 1},
		},
		{
			Provider: "openai:gpt-4o-mini", Failed: 1, CostUSD: 0.00023, ModelCostUSD: 0.00003,
			MeanScore: (0.95 + 1 + 1) / 3,
			// The unscored answer-relevance verdict of a passing result did not gate it.
			Grading: Grading{Unscored: 2, UnscoredResults: 1, JudgeCalls: 2, JudgeCached: 1, JudgeTokens: 650, JudgeCostUSD: 0.0002},
		},
	}
	var got []provider
	for _, p := range s.Providers {
		got = append(got, provider{p.Provider, p.Failed, p.CostUSD, p.ModelCostUSD, p.MeanScore, p.Grading})
	}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("providers (-want +got):\n%s", diff)
	}
}

func TestAssertionBreakdown(t *testing.T) {
	t.Parallel()
	mean := func(f float64) *float64 { return &f }
	want := AssertionBreakdown{Rows: []AssertionSummary{
		{Name: "answer-relevance", Verdicts: 1, Unscored: 1, UnscoredReason: "no statements to check"},
		{Name: "icontains", Verdicts: 5, Passed: 4, Failed: 1, MeanScore: mean(0.8)},
		{Name: "llm-rubric", Verdicts: 3, Passed: 1, Unscored: 2, MeanScore: mean(0.9), UnscoredReason: "judge reply has no verdict"},
		{Name: "pairwise", Verdicts: 2, Passed: 1, Failed: 1, MeanScore: mean(0.5), PositionChecked: 2, PositionConsistent: 1},
	}}
	if diff := cmp.Diff(want, judgedSummary(t).Assertions, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("breakdown (-want +got):\n%s", diff)
	}
}

func TestAssertionBreakdownTruncates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		limit       int
		wantNames   []string
		wantOmitted int
	}{
		// One result brings c, a, b at once; the names that sort first are
		// kept, whatever the map order.
		{"over the limit", 2, []string{"a", "b"}, 1 + 3},
		{"at the limit", 4, []string{"a", "b", "c", "d"}, 0},
		{"default limit", 0, []string{"a", "b", "c", "d"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := NewAggregator(bench.Run{})
			a.AssertionLimit = tt.limit
			ok := bench.Score{Score: 1, Pass: true}
			a.Add(&bench.Result{Provider: "p", Status: bench.StatusSuccess, Scores: map[string]bench.Score{"c": ok, "a": ok, "b": ok}})
			for range 3 {
				a.Add(&bench.Result{Provider: "p", Status: bench.StatusSuccess, Scores: map[string]bench.Score{"d": ok, "a": ok}})
			}
			b := a.Summary().Assertions
			var names []string
			for _, r := range b.Rows {
				names = append(names, r.Name)
			}
			if diff := cmp.Diff(tt.wantNames, names); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
			if b.OmittedVerdicts != tt.wantOmitted || b.Truncated != (tt.wantOmitted > 0) {
				t.Errorf("omitted %d truncated %v, want %d", b.OmittedVerdicts, b.Truncated, tt.wantOmitted)
			}
			if b.Rows[0].Verdicts != 4 {
				t.Errorf("a has %d verdicts, want 4: a kept name counts every verdict", b.Rows[0].Verdicts)
			}
		})
	}
}

// TestJudgeMetadataSurvivesTheStore: the judge figures are the same when
// read from the runner's in-memory ints, from a JSON round trip (float64)
// and from a decoder that keeps numbers as json.Number.
func TestJudgeMetadataSurvivesTheStore(t *testing.T) {
	t.Parallel()
	mem := judgedResults()
	b, err := json.Marshal(mem)
	if err != nil {
		t.Fatal(err)
	}
	var plain, numbers []bench.Result
	if err := json.Unmarshal(b, &plain); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&numbers); err != nil {
		t.Fatal(err)
	}
	if _, ok := plain[0].Metadata["judge_calls"].(float64); !ok {
		t.Fatalf("judge_calls after a round trip is %T, want float64", plain[0].Metadata["judge_calls"])
	}
	want := judgedSummary(t)
	for name, rs := range map[string][]bench.Result{"float64": plain, "json.Number": numbers} {
		s, err := Summarize(context.Background(), judgedRun(), Slice(rs))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.Grading, s.Grading, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
			t.Errorf("%s: grading (-want +got):\n%s", name, diff)
		}
		if diff := cmp.Diff(want.Assertions, s.Assertions, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
			t.Errorf("%s: assertions (-want +got):\n%s", name, diff)
		}
	}
}

func TestMetaNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		v    any
		want float64
	}{
		{"int", 3, 3},
		{"int64", int64(4), 4},
		{"float64", 5.0, 5},
		{"json.Number", json.Number("6"), 6},
		{"cost", 0.00012, 0.00012},
		{"missing", nil, 0},
		{"string", "7", 0},
		{"bad json.Number", json.Number("x"), 0},
		{"negative", -2, 0},
		{"NaN", math.NaN(), 0},
		{"infinite", math.Inf(1), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := map[string]any{}
			if tt.v != nil {
				m["k"] = tt.v
			}
			if got := metaNumber(m, "k"); got != tt.want {
				t.Errorf("metaNumber(%#v) = %v, want %v", tt.v, got, tt.want)
			}
		})
	}
	if got := metaCount(map[string]any{"k": 1e300}, "k"); got != maxMetaCount {
		t.Errorf("metaCount(1e300) = %d, want the cap %d", got, maxMetaCount)
	}
	if got := metaCount(map[string]any{"k": 2.9999999}, "k"); got != 3 {
		t.Errorf("metaCount(2.9999999) = %d, want 3", got)
	}
}

func TestJudgeLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		g        Grading
		model    float64
		unpriced int
		want     string
	}{
		{"no judge", Grading{Unscored: 2}, 0.5, 0, ""},
		{"some from cache", Grading{JudgeCalls: 12, JudgeCached: 3, JudgeTokens: 4567, JudgeCostUSD: 0.0123}, 0.0456, 0,
			"judges: 12 calls (3 from cache), 4,567 tokens, $0.0123 — models under test: $0.0456"},
		{"all from cache", Grading{JudgeCalls: 12, JudgeCached: 12, JudgeTokens: 4567}, 0.0456, 0,
			"judges: all 12 judge answers came from the cache, 4,567 tokens, $0 — models under test: $0.0456"},
		{"the only answer from cache", Grading{JudgeCalls: 1, JudgeCached: 1, JudgeTokens: 1}, 0.0456, 0,
			"judges: the one judge answer came from the cache, 1 token, $0 — models under test: $0.0456"},
		{"unknown prices", Grading{JudgeCalls: 1, JudgeTokens: 10, JudgeUnpriced: 1}, 0.25, 2,
			"judges: 1 call (0 from cache), 10 tokens, unknown — models under test: $0.2500 + unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := &Summary{Grading: tt.g, ModelCostUSD: tt.model, Unpriced: tt.unpriced}
			if got := s.JudgeLine(); got != tt.want {
				t.Errorf("JudgeLine() = %q\nwant          %q", got, tt.want)
			}
			p := &ProviderSummary{Grading: tt.g, ModelCostUSD: tt.model, Unpriced: tt.unpriced}
			if got := p.JudgeLine(); got != tt.want {
				t.Errorf("provider JudgeLine() = %q\nwant                   %q", got, tt.want)
			}
		})
	}
}

func TestUnscoredLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		g    Grading
		want string
	}{
		{Grading{}, ""},
		{Grading{Unscored: 1, UnscoredResults: 1}, "unscored: 1 verdict; 1 result failed for want of one"},
		{Grading{Unscored: 3, UnscoredResults: 2}, "unscored: 3 verdicts; 2 results failed for want of one"},
		{Grading{Unscored: 2}, "unscored: 2 verdicts; no result failed for them"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			s := &Summary{Grading: tt.g}
			if got := s.UnscoredLine(); got != tt.want {
				t.Errorf("UnscoredLine() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFailureReasonSaysUnscored(t *testing.T) {
	t.Parallel()
	r := bench.Result{Status: bench.StatusSuccess, Scores: map[string]bench.Score{
		"b-rubric":  bench.Unscored("judge reply has no verdict", "raw"),
		"a-contain": {Score: 0, Reason: "missing"},
		"c-judge":   {Unscored: true},
		"d-ok":      {Score: 1, Pass: true},
	}}
	want := "a-contain: missing; b-rubric: unscored: judge reply has no verdict; c-judge: unscored"
	if got := FailureReason(&r); got != want {
		t.Errorf("FailureReason = %q, want %q", got, want)
	}
}

func TestMatrixCellsOfUnscoredResults(t *testing.T) {
	t.Parallel()
	s := judgedSummary(t)
	de := s.Matrix.Rows[1]
	if de.CaseID != "de" {
		t.Fatalf("row 1 is %q, want de", de.CaseID)
	}
	an, oa := de.Cells[0], de.Cells[1]
	if an.State != CellFail || an.Unscored != 1 || an.Scored != 0 || an.Reason != "llm-rubric: unscored: judge call failed: overloaded" {
		t.Errorf("anthropic de cell = %+v, want a fail, 1 unscored, no score, an unscored reason", an)
	}
	if oa.Unscored != 1 || oa.Scored != 1 || oa.Score != 1 {
		t.Errorf("openai de cell = %+v, want 1 unscored and the score 1 of its scored verdict", oa)
	}
}
