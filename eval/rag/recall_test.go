package rag

import (
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

func TestRecall(t *testing.T) {
	t.Parallel()
	c := &bench.Case{Context: []string{"Marie Curie won Nobel prizes in physics and chemistry."}, Expected: "Curie won two Nobel prizes. She was born in Warsaw."}
	classes := func(vs ...string) string {
		items := make([]string, len(vs))
		for i, v := range vs {
			items[i] = `{"statement": "s` + v + `", "attributed": ` + v + `, "reason": "r"}`
		}
		return `{"classifications": [` + strings.Join(items, ", ") + `]}`
	}
	tests := []struct {
		name    string
		a       bench.Assertion
		c       *bench.Case
		replies []reply
		want    want
	}{
		{"one of two attributed", bench.Assertion{}, c, []reply{{text: classes("1", "0")}},
			want{score: 0.5, pass: true, reason: `1 of 2 statements of the reference can be attributed to the context; not attributed: "s0" (r) (0.5 ≥ 0.5)`, calls: 1}},
		{"all attributed", bench.Assertion{Threshold: ptr(1)}, c, []reply{{text: classes("1", "1", "1")}},
			want{score: 1, pass: true, reason: "3 of 3", calls: 1}},
		{"none attributed", bench.Assertion{}, c, []reply{{text: classes("0")}},
			want{score: 0, reason: "0 of 1", calls: 1}},
		{"no statements", bench.Assertion{}, c, []reply{{text: `{"classifications": []}`}},
			want{unscored: true, reason: "the judge found no statements in the reference answer", calls: 1, raw: "classifications"}},
		{"no reference", bench.Assertion{}, &bench.Case{Context: c.Context}, nil,
			want{unscored: true, reason: "no reference answer: set the assertion's value or the case's expected answer"}},
		{"no context", bench.Assertion{}, &bench.Case{Expected: "x"}, nil,
			want{unscored: true, reason: "no context to attribute the reference to"}},
		{"attributed yes", bench.Assertion{}, c, []reply{{text: `{"classifications": [{"statement": "a", "attributed": "Yes"}]}`}},
			want{unscored: true, reason: `item 1: attributed is "Yes", want 0 or 1`, calls: 1, raw: "Yes"}},
		{"attributed 0.5", bench.Assertion{}, c, []reply{{text: classes("1", "0.5")}},
			want{unscored: true, reason: "item 2: attributed is 0.5", calls: 1, raw: "0.5"}},
		{"statement not a string", bench.Assertion{}, c, []reply{{text: `{"classifications": [{"statement": 7, "attributed": 1}]}`}},
			want{unscored: true, reason: "item 1: statement is 7, want a string", calls: 1, raw: "7"}},
		{"old line format", bench.Assertion{}, c, []reply{{text: "1. Curie won two prizes [Attributed]"}},
			want{unscored: true, reason: `no JSON object with "classifications"`, calls: 1, raw: "[Attributed]"}},
		{"classifications null", bench.Assertion{}, c, []reply{{text: `{"classifications": null}`}},
			want{unscored: true, reason: `no JSON object with "classifications"`, calls: 1, raw: "null"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.a.Type = "context-recall"
			got := run(t, tt.a, input(&fakeJudge{replies: tt.replies}, nil, tt.c, "Who was Marie Curie?", "some answer"))
			checkVerdict(t, got, tt.want)
			if got.Judge.Prompt != "context-recall/v1" {
				t.Errorf("prompt %q", got.Judge.Prompt)
			}
		})
	}
}

func TestRecallReference(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		value any
		want  string
	}{
		{"case expected", nil, "<reference>\nCase expected.\n</reference>"},
		{"value wins", "Value for {{who}}.", "<reference>\nValue for Curie.\n</reference>"},
		{"blank value falls back", "  ", "<reference>\nCase expected.\n</reference>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := scripted(`{"classifications": [{"statement": "a", "attributed": 1, "reason": ""}]}`)
			c := &bench.Case{Context: []string{"ctx"}, Expected: "Case expected.", Variables: map[string]any{"who": "Curie"}}
			run(t, bench.Assertion{Type: "context-recall", Value: tt.value}, input(j, nil, c, "q", "the model's answer"))
			prompt := j.calls()[0].Messages[1].Content
			if !strings.Contains(prompt, tt.want) || strings.Contains(prompt, "the model's answer") {
				t.Errorf("prompt lacks %q or holds the model's answer:\n%s", tt.want, prompt)
			}
		})
	}
}
