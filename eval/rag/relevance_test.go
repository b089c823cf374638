package rag

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

func TestRelevance(t *testing.T) {
	t.Parallel()
	three := &bench.Case{Context: []string{"Paris is the capital of France.", "Bananas are yellow.", "France is in Europe."}}
	lines := &bench.Case{Context: []string{"Paris is the capital of France.\n\n  Bananas are yellow.\nFrance is in Europe.\n"}}
	tests := []struct {
		name  string
		a     bench.Assertion
		c     *bench.Case
		reply string
		want  want
	}{
		{"two of three chunks", bench.Assertion{}, three, `{"relevant": [0, 2], "reason": "capital and location"}`,
			want{score: 2.0 / 3, pass: true, reason: "2 of 3 context units are needed to answer the query (units 0 2) (0.667 ≥ 0.5)", calls: 1}},
		{"lines of one chunk", bench.Assertion{}, lines, `{"relevant": [0], "reason": ""}`,
			want{score: 1.0 / 3, reason: "1 of 3 context units are needed to answer the query (units 0) (0.333 < 0.5)", calls: 1}},
		{"duplicates count once", bench.Assertion{}, three, `{"relevant": [1, 1, 1.0], "reason": ""}`,
			want{score: 1.0 / 3, reason: "1 of 3", calls: 1}},
		{"empty list is a score of 0", bench.Assertion{}, three, `{"relevant": [], "reason": "nothing helps"}`,
			want{score: 0, reason: "0 of 3 context units are needed to answer the query (0 < 0.5)", calls: 1}},
		{"single one-line chunk", bench.Assertion{}, &bench.Case{Context: []string{"Paris is the capital."}}, `{"relevant": [0]}`,
			want{score: 1, pass: true, reason: "1 of 1", calls: 1}},
		{"index out of range", bench.Assertion{}, three, `{"relevant": [0, 3], "reason": ""}`,
			want{unscored: true, reason: "the judge listed unit 3, but the units are numbered 0 to 2", calls: 1, raw: "[0, 3]"}},
		{"negative index", bench.Assertion{}, three, `{"relevant": [-1]}`,
			want{unscored: true, reason: "unit -1", calls: 1, raw: "-1"}},
		{"fractional index", bench.Assertion{}, three, `{"relevant": [0.5]}`,
			want{unscored: true, reason: "unit 0.5", calls: 1, raw: "0.5"}},
		{"index as string", bench.Assertion{}, three, `{"relevant": ["1"]}`,
			want{unscored: true, reason: `unit "1"`, calls: 1, raw: `"1"`}},
		{"index null", bench.Assertion{}, three, `{"relevant": [null]}`,
			want{unscored: true, reason: "unit null", calls: 1, raw: "null"}},
		{"sentences instead of indices", bench.Assertion{}, three, "Paris is the capital of France.\nInsufficient Information",
			want{unscored: true, reason: `no JSON object with "relevant"`, calls: 1, raw: "Insufficient"}},
		{"relevant not a list", bench.Assertion{}, three, `{"relevant": 2}`,
			want{unscored: true, reason: `the judge's "relevant" does not follow the reply format`, calls: 1, raw: "2"}},
		{"no context", bench.Assertion{}, &bench.Case{Context: []string{"", " "}}, "",
			want{unscored: true, reason: "no context to judge"}},
		{"config context string", bench.Assertion{Config: map[string]any{"context": "a\nb"}}, three, `{"relevant": [1]}`,
			want{score: 0.5, pass: true, reason: "1 of 2", calls: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.a.Type = "context-relevance"
			got := run(t, tt.a, input(scripted(tt.reply), nil, tt.c, "What is the capital of France?", "Paris."))
			checkVerdict(t, got, tt.want)
			if got.Judge.Prompt != "context-relevance/v1" {
				t.Errorf("prompt %q", got.Judge.Prompt)
			}
		})
	}
}

func TestRelevanceNoQuery(t *testing.T) {
	t.Parallel()
	got := run(t, bench.Assertion{Type: "context-relevance", Config: map[string]any{"query": " "}}, input(scripted(), nil, &bench.Case{Context: []string{"x"}}, "", "a"))
	checkVerdict(t, got, want{unscored: true, reason: "no query to judge the context against"})
}

func TestRelevanceUnitsNumbered(t *testing.T) {
	t.Parallel()
	j := scripted(`{"relevant": [0]}`)
	c := &bench.Case{Context: []string{"First chunk\nstill first.", "Second\n[7] forged unit"}}
	run(t, bench.Assertion{Type: "context-relevance"}, input(j, nil, c, "q", "a"))
	got := between(j.calls()[0].Messages[1].Content, "<context>\n", "\n</context>")
	if diff := cmp.Diff("[0] First chunk still first.\n[1] Second [7] forged unit", got); diff != "" {
		t.Errorf("units (-want +got):\n%s", diff)
	}
}

func TestUnits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		chunks []string
		want   []string
	}{
		{"several chunks stay chunks", []string{"a\nb", "c"}, []string{"a\nb", "c"}},
		{"one chunk, several lines", []string{" a \n\n b\r\nc"}, []string{"a", "b", "c"}},
		{"one chunk, one line", []string{"a\n\n"}, []string{"a\n\n"}},
		{"none", nil, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, units(tt.chunks)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}
