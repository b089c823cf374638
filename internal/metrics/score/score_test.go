package score

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/refvec"
)

// vectorLine turns a reference vector into a request line and the expected
// headline score (0 tolerance means 1e-9 relative).
type vectorLine struct {
	id   string
	req  map[string]any
	want float64
	tol  float64
}

func vectorLines(t *testing.T) []vectorLine {
	t.Helper()
	cases, err := refvec.Load()
	if err != nil {
		t.Fatal(err)
	}
	var out []vectorLine
	for _, c := range cases {
		if l, ok := toLine(t, c); ok {
			out = append(out, l)
		}
	}
	return out
}

func toLine(t *testing.T, c refvec.Case) (vectorLine, bool) {
	t.Helper()
	raw := func(name string) any {
		var v any
		c.Field(name, &v)
		return v
	}
	opts := func(names ...string) map[string]any {
		o := map[string]any{}
		for _, n := range names {
			var v any
			if ok, _ := c.Option(n, &v); ok {
				o[n] = v
			}
		}
		return o
	}
	var comp struct{ Score *float64 }
	c.Expect("computed", &comp)
	l := vectorLine{id: c.ID}
	switch c.Metric {
	case "bleu_sentence", "chrf_sentence":
		metric := strings.TrimSuffix(c.Metric, "_sentence")
		o := opts("tokenize", "lowercase", "smooth_method", "smooth_value", "effective_order", "max_ngram_order",
			"char_order", "word_order", "beta", "whitespace", "eps_smoothing")
		l.req = map[string]any{"metric": metric, "options": o, "prediction": raw("hypothesis"), "references": raw("references")}
		c.Expect("score", &l.want)
		c.Expect("tolerance", &l.tol)
		if comp.Score != nil {
			l.want, l.tol = *comp.Score, 0
		}
	case "bleu_corpus", "chrf_corpus":
		if comp.Score == nil {
			return l, false
		}
		metric := strings.TrimSuffix(c.Metric, "_corpus")
		o := opts("tokenize", "lowercase", "smooth_method", "smooth_value", "effective_order", "max_ngram_order",
			"char_order", "word_order", "beta", "whitespace", "eps_smoothing")
		o["corpus"] = true
		l.req = map[string]any{"metric": metric, "options": o, "predictions": raw("hypotheses"), "references": raw("references")}
		l.want = *comp.Score
	case "rouge":
		var types []string
		c.Option("rouge_types", &types)
		var full map[string]struct{ FMeasure float64 }
		if len(types) == 0 {
			return l, false
		}
		var asserted map[string]struct{ FMeasure float64 }
		hasComputed, _ := c.Expect("computed", &full)
		hasAsserted, _ := c.Expect("asserted", &asserted)
		switch {
		case hasComputed && full != nil:
			// Full-precision scores: the default tolerance.
		case hasAsserted && asserted != nil:
			// Only asserted to some places (e.g. split_summaries vectors).
			full = asserted
			var places float64
			c.Expect("assert_places", &places)
			l.tol = 0.5 * math.Pow(10, -places)
		default:
			full = map[string]struct{ FMeasure float64 }{}
			for k, v := range c.Expected {
				var s struct{ FMeasure float64 }
				if json.Unmarshal(v, &s) == nil {
					full[k] = s
				}
			}
		}
		l.req = map[string]any{"metric": "rouge", "options": opts("rouge_types", "use_stemmer", "split_summaries"),
			"prediction": raw("prediction"), "references": raw("references")}
		l.want = full[types[0]].FMeasure
	case "squad_em_f1":
		var v2 struct{ F1 float64 }
		c.Expect("v2.0", &v2)
		l.req = map[string]any{"metric": "squad", "options": map[string]any{"version": "v2.0"},
			"prediction": raw("prediction"), "references": raw("references")}
		l.want = v2.F1
	case "edit_distance":
		var d float64
		c.Expect("distance", &d)
		l.req = map[string]any{"metric": "edit_distance", "options": opts("substitution_cost", "transpositions"),
			"prediction": raw("prediction"), "references": raw("references")}
		l.want = d
	case "levenshtein":
		var d float64
		c.Expect("distance_utf16_units", &d)
		l.req = map[string]any{"metric": "edit_distance", "options": map[string]any{"unit": "utf16"},
			"prediction": raw("prediction"), "references": raw("references")}
		l.want = d
	case "perplexity":
		l.req = map[string]any{"metric": "perplexity", "logprobs": raw("logprobs")}
		c.Expect("perplexity", &l.want)
	case "exact_match":
		l.req = map[string]any{"metric": "exact_match", "options": opts("regexes_to_ignore", "ignore_case", "ignore_punctuation", "ignore_numbers"),
			"predictions": raw("predictions"), "references": raw("references")}
		c.Expect("exact_match_rounded_2dp", &l.want)
		l.tol = 0.005
	default:
		return l, false
	}
	return l, true
}

func TestRunReferenceVectors(t *testing.T) {
	t.Parallel()
	lines := vectorLines(t)
	var in bytes.Buffer
	for _, l := range lines {
		b, err := json.Marshal(l.req)
		if err != nil {
			t.Fatal(err)
		}
		in.Write(b)
		in.WriteByte('\n')
	}
	var out bytes.Buffer
	bad, err := Run(context.Background(), &in, &out)
	if err != nil || bad != 0 {
		t.Fatalf("Run = %d bad, %v; output:\n%s", bad, err, out.String())
	}
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	i := 0
	for ; sc.Scan(); i++ {
		var resp Response
		if err := json.Unmarshal(sc.Bytes(), &resp); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		l := lines[i]
		if !refvec.Close(resp.Score, l.want, l.tol) {
			t.Errorf("%s: score = %.17g, want %.17g (tol %g)", l.id, resp.Score, l.want, l.tol)
		}
	}
	if i != len(lines) || len(lines) < 200 {
		t.Errorf("got %d output lines for %d vectors (want the same, and at least 200)", i, len(lines))
	}
}

func TestRunLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []string // per line: "ok:<metric>" or an error substring
		wantBad int
	}{
		{"bleu then bad json then rouge",
			"{\"metric\":\"bleu\",\"prediction\":\"a b c d\",\"references\":[\"a b c d\"]}\n{oops\n{\"metric\":\"rouge\",\"prediction\":\"a\",\"references\":[\"a\"]}",
			[]string{"ok:bleu", "bad request", "ok:rouge"}, 1},
		{"unknown metric and option",
			"{\"metric\":\"ter\"}\r\n{\"metric\":\"chrf\",\"options\":{\"betta\":2},\"prediction\":\"a\",\"references\":[\"a\"]}\n",
			[]string{"unknown metric", "unknown field"}, 2},
		{"empty line and missing prediction",
			"\n{\"metric\":\"wer\",\"references\":[\"a\"]}\n",
			[]string{"empty line", "missing \"prediction\""}, 2},
		{"corpus bleu and ragged corpus",
			"{\"metric\":\"bleu\",\"options\":{\"corpus\":true},\"predictions\":[\"a b\",\"c d\"],\"references\":[[\"a b\",\"c d\"]]}\n" +
				"{\"metric\":\"chrf\",\"options\":{\"corpus\":true},\"predictions\":[\"a\",\"b\"],\"references\":[[\"a\"]]}\n",
			[]string{"ok:bleu", "reference stream 0"}, 1},
		{"perplexity errors and overflow",
			"{\"metric\":\"perplexity\",\"logprobs\":[]}\n{\"metric\":\"perplexity\",\"logprobs\":[-1e308,-1e308]}\n{\"metric\":\"perplexity\",\"logprobs\":[-1]}\n",
			[]string{"no log-probabilities", "not a finite number", "ok:perplexity"}, 2},
		{"exact match both shapes",
			"{\"metric\":\"exact_match\",\"predictions\":[\"a\",\"b\"],\"references\":[\"a\",\"c\"]}\n{\"metric\":\"exact_match\",\"options\":{\"ignore_case\":true},\"prediction\":\"A\",\"references\":[\"x\",\"a\"]}\n",
			[]string{"ok:exact_match", "ok:exact_match"}, 0},
		{"squad v1.1 without gold", "{\"metric\":\"squad\",\"prediction\":\"x\",\"references\":[]}\n",
			[]string{"no gold answer"}, 1},
		{"trailing garbage", "{\"metric\":\"cer\",\"prediction\":\"a\",\"references\":[\"a\"]} {}\n",
			[]string{"more than one JSON value"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			bad, err := Run(context.Background(), strings.NewReader(tt.in), &out)
			if err != nil {
				t.Fatal(err)
			}
			if bad != tt.wantBad {
				t.Errorf("bad = %d, want %d", bad, tt.wantBad)
			}
			var got []string
			for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
				var m map[string]any
				if err := json.Unmarshal([]byte(line), &m); err != nil {
					t.Fatalf("output %q is not JSON: %v", line, err)
				}
				if e, ok := m["error"].(string); ok {
					got = append(got, e)
				} else {
					got = append(got, "ok:"+m["metric"].(string))
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d lines %q, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				if !strings.Contains(got[i], tt.want[i]) {
					t.Errorf("line %d = %q, want it to contain %q", i+1, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestRougeSplitSummaries(t *testing.T) {
	t.Parallel()
	pred := "Second sentence. First Sentence."
	for _, tt := range []struct {
		opts string
		want float64
	}{
		{`{"rouge_types":["rougeLsum"]}`, 0.5},
		{`{"rouge_types":["rougeLsum"],"split_summaries":false}`, 0.5},
		{`{"rouge_types":["rougeLsum"],"split_summaries":true}`, 1},
		{`{"rouge_types":["rougeL"],"split_summaries":true}`, 0.5},
	} {
		var opts map[string]json.RawMessage
		if err := json.Unmarshal([]byte(tt.opts), &opts); err != nil {
			t.Fatal(err)
		}
		resp, err := Score(Request{Metric: "rouge", Prediction: &pred, Options: opts,
			References: json.RawMessage(`["First sentence. Second Sentence."]`)})
		if err != nil || !refvec.Close(resp.Score, tt.want, 0) {
			t.Errorf("options %s: score %v, %v; want %v", tt.opts, resp.Score, err, tt.want)
		}
	}
	_, err := Score(Request{Metric: "rouge", Prediction: &pred,
		Options:    map[string]json.RawMessage{"split_summaries": json.RawMessage(`"yes"`)},
		References: json.RawMessage(`["a"]`)})
	if err == nil || !strings.Contains(err.Error(), "split_summaries") {
		t.Errorf("split_summaries \"yes\": err = %v, want a decode error naming the option", err)
	}
}

func TestScoreDetails(t *testing.T) {
	t.Parallel()
	pred := "The quick brown dog jumps on the log."
	resp, err := Score(Request{Metric: "rouge", Prediction: &pred,
		Options:    map[string]json.RawMessage{"rouge_types": json.RawMessage(`["rougeL","rouge1"]`)},
		References: json.RawMessage(`["The quick brown fox jumps over the lazy dog"]`)})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(resp)
	want := `{"metric":"rouge","score":0.5882352941176471,"details":{"rouge1":{"precision":0.75,"recall":0.6666666666666666,"fmeasure":0.7058823529411765},"rougeL":{"precision":0.625,"recall":0.5555555555555556,"fmeasure":0.5882352941176471}}}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("rouge line (-want +got):\n%s", diff)
	}
}

func TestRunLongLineAndCancel(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", MaxLineBytes+10)
	in := long + "\n{\"metric\":\"cer\",\"prediction\":\"ab\",\"references\":[\"ab\"]}\n"
	var out bytes.Buffer
	bad, err := Run(context.Background(), strings.NewReader(in), &out)
	if err != nil || bad != 1 {
		t.Fatalf("Run = %d, %v; want 1 bad line", bad, err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "longer than") || !strings.Contains(lines[1], `"score":0`) {
		t.Errorf("output = %q", out.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, strings.NewReader("{}\n"), &out); err == nil {
		t.Error("cancelled Run returned nil error")
	}
}

func FuzzRun(f *testing.F) {
	for _, s := range []string{
		`{"metric":"bleu","prediction":"a","references":["a"]}`,
		`{"metric":"bleu","options":{"corpus":true,"tokenize":"intl"},"predictions":["a"],"references":[["a"]]}`,
		`{"metric":"chrf","options":{"word_order":2},"prediction":"x,","references":["x"]}`,
		`{"metric":"rouge","options":{"rouge_types":["rougeLsum"],"use_stemmer":true},"prediction":"a\nb","references":["b\na"]}`,
		`{"metric":"rouge","options":{"rouge_types":["rougeLsum"],"split_summaries":true},"prediction":"B. A! Mr. C? 3.14.","references":["A. B"]}`,
		`{"metric":"squad","options":{"version":"v2.0"},"prediction":"","references":[""]}`,
		`{"metric":"edit_distance","options":{"unit":"utf16","transpositions":true},"prediction":"😀","references":["a"]}`,
		`{"metric":"exact_match","options":{"regexes_to_ignore":["a+"]},"predictions":["a"],"references":["b"]}`,
		`{"metric":"perplexity","logprobs":[-0.1]}`,
		`{"metric":"meteor","prediction":"a b","references":["a b"]}`,
		"\n\n{", `{"metric":"wer","prediction":"a","references":[" "]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var out bytes.Buffer
		bad, err := Run(context.Background(), strings.NewReader(in), &out)
		if err != nil {
			t.Fatal(err)
		}
		nIn := strings.Count(in, "\n")
		if in != "" && !strings.HasSuffix(in, "\n") {
			nIn++
		}
		nOut := strings.Count(out.String(), "\n")
		if nOut != nIn || bad > nOut {
			t.Errorf("%d input lines gave %d output lines (%d bad)", nIn, nOut, bad)
		}
	})
}
