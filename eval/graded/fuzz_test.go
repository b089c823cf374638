package graded

import (
	"math"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Every parser of judge replies either yields a verdict within its range
// or an error; none panics.

func FuzzParseRubricReply(f *testing.F) {
	for _, s := range []string{
		`{"reason": "ok", "pass": true, "score": 0.9}`, `{"pass": false}`, `{"pass": "true"}`,
		`{"pass": true, "score": 1e400}`, "```json\n{\"pass\": true}\n```", `{"pass": true, "score": -0}`,
		`{{{`, `{"a": "}"} {"pass": true}`, "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rep, err := parseRubricReply(s)
		if err != nil {
			return
		}
		if !(rep.score >= 0 && rep.score <= 1) {
			t.Errorf("score %v outside [0, 1] from %q", rep.score, s)
		}
		if !rep.pass && rep.score != 0 && !strings.Contains(s, "score") {
			t.Errorf("failing verdict without a score scored %v", rep.score)
		}
	})
}

func FuzzParseSteps(f *testing.F) {
	for _, s := range []string{steps, `{"steps": []}`, `{"steps": [null]}`, `{"steps": "x"}`, `{"steps": [1]}`, "no"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseSteps(s)
		if err != nil {
			return
		}
		if len(got) < minSteps || len(got) > maxSteps {
			t.Errorf("%d steps accepted from %q", len(got), s)
		}
		for _, st := range got {
			if strings.TrimSpace(st) == "" {
				t.Errorf("blank step accepted from %q", s)
			}
		}
	})
}

func FuzzParseRating(f *testing.F) {
	for _, s := range []string{`{"score": 7, "reason": "x"}`, `{"score": 7.5}`, `{"score": 11}`, `{"score": -0}`, `{"score": 1e308}`, `{"score": "7"}`, `{}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, _, err := parseRating(s)
		if err == nil && (n < 0 || n > gevalMax) {
			t.Errorf("rating %d accepted from %q", n, s)
		}
	})
}

func FuzzWeightedRating(f *testing.F) {
	f.Add(7, "7", "7", -0.5, "8", -1.2, " 6", -3.0)
	f.Add(10, "10", "10", 0.0, "9", -0.1, "x", -0.1)
	f.Add(3, " 3", "3", math.NaN(), "4", math.Inf(-1), "03", 5.0)
	f.Fuzz(func(t *testing.T, raw int, at, t1 string, l1 float64, t2 string, l2 float64, t3 string, l3 float64) {
		if raw < 0 || raw > gevalMax {
			return // parseRating only yields ratings from 0 to 10
		}
		toks := []provider.TokenLogprobs{
			{Token: "{"},
			{Token: at, Top: []provider.TokenLogprob{{Token: t1, Logprob: l1}, {Token: t2, Logprob: l2}, {Token: t3, Logprob: l3}}},
			{Token: "}"},
		}
		w, weighted := weightedRating(raw, toks)
		if !(w >= 0 && w <= gevalMax) {
			t.Errorf("weighted rating %v outside 0 to 10", w)
		}
		if !weighted && w != float64(raw) {
			t.Errorf("unweighted rating %v, want the raw %d", w, raw)
		}
	})
}

func FuzzParseCategory(f *testing.F) {
	for _, s := range []string{`{"category": "A", "reason": "x"}`, `{"category": " e "}`, `{"category": "F"}`, `{"category": 1}`, "(A)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cat, _, err := parseCategory(s)
		if err != nil {
			return
		}
		if _, ok := defaultScores[cat]; !ok {
			t.Errorf("category %q accepted from %q", cat, s)
		}
	})
}

func FuzzParseYesNo(f *testing.F) {
	for _, s := range []string{"reasons\nY", "**No**.", "Y\nthen text", "", "\r\n\u00a0\n", "yes!!"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		yes, err := parseYesNo(s)
		if err != nil {
			return
		}
		w := strings.ToUpper(bareWord(lastLine(s)))
		if yes != (w == "Y" || w == "YES") || !yes && w != "N" && w != "NO" {
			t.Errorf("verdict %v from last word %q of %q", yes, w, s)
		}
	})
}

func FuzzParseGrade(f *testing.F) {
	for _, s := range []string{"GRADE: C", "grade: partial", "GRADE: C\nGRADE: I", "UPGRADE: C", "GRADE:\u200bP", "GRADE: maybe"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, partial bool) {
		g, err := parseGrade(s, partial)
		if err != nil {
			return
		}
		if _, ok := grades[g]; !ok || g == 'P' && !partial {
			t.Errorf("grade %q (partial credit %v) accepted from %q", g, partial, s)
		}
	})
}
