package similar

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

func ptr(f float64) *float64 { return &f }

// vectors script the embeddings of the table below; "answer" is the output.
var vectors = map[string][]float64{
	"answer":   {1, 0, 0},
	"close":    {0.8, 0.6, 0},
	"far":      {0, 1, 0},
	"opposite": {-1, 0, 0},
	"zero":     {0, 0, 0},
	"long":     {2, 0, 0},
	"Paris":    {0.8, 0.6, 0},
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		a         bench.Assertion
		expected  string // the case's expected answer
		wantScore float64
		wantPass  bool
		wantIn    string // in the reason
	}{
		{"cosine identical", bench.Assertion{Type: "similar", Value: "answer"}, "", 1, true, "cosine similarity 1 ≥ 0.75"},
		{"cosine close", bench.Assertion{Type: "similar:cosine", Value: "close"}, "", 0.8, true, "0.8 ≥ 0.75"},
		{"cosine under threshold", bench.Assertion{Type: "similar", Value: "close", Threshold: ptr(0.9)}, "", 0.8, false, "0.8 < 0.9"},
		{"cosine ignores length", bench.Assertion{Type: "similar", Value: "long"}, "", 1, true, ""},
		{"cosine opposite", bench.Assertion{Type: "similar", Value: "opposite", Threshold: ptr(-1)}, "", -1, true, ""},
		{"cosine zero vector is 0", bench.Assertion{Type: "similar", Value: "zero"}, "", 0, false, "cosine similarity 0 < 0.75"},
		{"dot", bench.Assertion{Type: "similar:dot", Value: "long", Threshold: ptr(1.5)}, "", 2, true, "dot similarity 2 ≥ 1.5"},
		{"dot from config", bench.Assertion{Type: "similar", Value: "close", Config: map[string]any{"metric": "dot"}}, "", 0.8, true, "dot"},
		{"euclidean within", bench.Assertion{Type: "similar:euclidean", Value: "close"}, "", 1 / (1 + math.Sqrt(0.4)), true, "euclidean distance 0.6325 ≤ 0.75"},
		{"euclidean beyond", bench.Assertion{Type: "similar:euclidean", Value: "far"}, "", 1 / (1 + math.Sqrt2), false, "1.414 > 0.75"},
		{"euclidean from config", bench.Assertion{Type: "similar", Value: "long", Threshold: ptr(1), Config: map[string]any{"metric": "Euclidean"}}, "", 0.5, true, "distance 1 ≤ 1"},
		{"best of several", bench.Assertion{Type: "similar", Value: []any{"far", "close", "opposite"}}, "", 0.8, true, "best of 3 expected texts: #2"},
		{"nearest of several", bench.Assertion{Type: "similar:euclidean", Value: []string{"far", "long", "close"}}, "", 1 / (1 + math.Sqrt(0.4)), true, "#3"},
		{"case expected when no value", bench.Assertion{Type: "similar"}, "close", 0.8, true, ""},
		{"case expected when value empty", bench.Assertion{Type: "similar", Value: " "}, "close", 0.8, true, ""},
		{"value over case expected", bench.Assertion{Type: "similar", Value: "far"}, "close", 0, false, ""},
		{"placeholder rendered", bench.Assertion{Type: "similar", Value: "{{city}}"}, "", 0.8, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			emb := &fakeEmbedder{vectors: vectors}
			got := run(t, tt.a, &bench.Case{Expected: tt.expected, Variables: map[string]any{"city": "Paris"}}, "answer", emb)
			if got.Unscored || math.Abs(got.Score-tt.wantScore) > 1e-12 || got.Pass != tt.wantPass || !strings.Contains(got.Reason, tt.wantIn) {
				t.Errorf("got %+v, want score %v pass %v reason with %q", got, tt.wantScore, tt.wantPass, tt.wantIn)
			}
			if len(emb.calls) != 1 || emb.calls[0][0] != "answer" {
				t.Errorf("embed calls = %q, want one call starting with the answer", emb.calls)
			}
		})
	}
}

// run validates a and evaluates it; it fails the test on an error, which
// an assertion that validated must never return.
func run(t testing.TB, a bench.Assertion, c *bench.Case, output string, emb *fakeEmbedder) bench.Score {
	t.Helper()
	e, ok := eval.Lookup(a.Type)
	if !ok {
		t.Fatalf("%s not registered", a.Type)
	}
	if err := e.(eval.Validator).Validate(a); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	var j eval.Judges
	if emb != nil {
		j = &fakeJudges{emb: emb}
	}
	got, err := e.Evaluate(context.Background(), a, &eval.Input{Case: c, Output: output, Judges: j})
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return got
}

func TestOneCallWithAnswerThenExpected(t *testing.T) {
	t.Parallel()
	emb := &fakeEmbedder{}
	a := bench.Assertion{Type: "similar", Value: []any{"first {{x}}", "second"}, Provider: "openai:text-embedding-3-small"}
	j := &fakeJudges{emb: emb}
	c := &bench.Case{Variables: map[string]any{"x": "one"}}
	e, _ := eval.Lookup("similar")
	if _, err := e.Evaluate(context.Background(), a, &eval.Input{Case: c, Output: "the answer", Judges: j}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]string{{"the answer", "first one", "second"}}, emb.calls); diff != "" {
		t.Errorf("embed calls (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"openai:text-embedding-3-small"}, j.opened); diff != "" {
		t.Errorf("embedder opened (-want +got):\n%s", diff)
	}
}

func TestUnscored(t *testing.T) {
	t.Parallel()
	nanVec := func(v [][]float64) [][]float64 { v[1] = []float64{math.NaN(), 0, 0}; return v }
	infVec := func(v [][]float64) [][]float64 { v[0] = []float64{math.Inf(1), 0, 0}; return v }
	short := func(v [][]float64) [][]float64 { v[1] = v[1][:2]; return v }
	empty := func(v [][]float64) [][]float64 { v[1] = nil; return v }
	missing := func(v [][]float64) [][]float64 { return v[:1] }
	tests := []struct {
		name     string
		a        bench.Assertion
		c        *bench.Case
		output   string
		emb      *fakeEmbedder
		wantIn   string
		wantCall int
	}{
		{"nothing to compare", bench.Assertion{Type: "similar"}, &bench.Case{}, "answer", &fakeEmbedder{}, "nothing to compare", 0},
		{"no case at all", bench.Assertion{Type: "similar"}, nil, "answer", &fakeEmbedder{}, "nothing to compare", 0},
		{"placeholder renders empty", bench.Assertion{Type: "similar", Value: "{{blank}}"}, &bench.Case{Variables: map[string]any{"blank": ""}}, "answer", &fakeEmbedder{}, "nothing to compare", 0},
		{"empty answer", bench.Assertion{Type: "similar", Value: "close"}, nil, "  \n", &fakeEmbedder{}, "the answer is empty", 0},
		{"embedding call fails", bench.Assertion{Type: "similar", Value: "close"}, nil, "answer", &fakeEmbedder{err: errBoom}, "boom", 1},
		{"too few vectors", bench.Assertion{Type: "similar", Value: "close"}, nil, "answer", &fakeEmbedder{vectors: vectors, mangle: missing}, "1 vectors for 2 texts", 1},
		{"length mismatch", bench.Assertion{Type: "similar", Value: "close"}, nil, "answer", &fakeEmbedder{vectors: vectors, mangle: short}, "differ in length: 3 and 2", 1},
		{"empty vector", bench.Assertion{Type: "similar:dot", Value: "close"}, nil, "answer", &fakeEmbedder{vectors: vectors, mangle: empty}, "empty vector", 1},
		{"NaN", bench.Assertion{Type: "similar:euclidean", Value: "close"}, nil, "answer", &fakeEmbedder{vectors: vectors, mangle: nanVec}, "not a finite number", 1},
		{"Inf", bench.Assertion{Type: "similar", Value: "close"}, nil, "answer", &fakeEmbedder{vectors: vectors, mangle: infVec}, "not a finite number", 1},
		{"dot overflows", bench.Assertion{Type: "similar:dot", Value: "big"}, nil, "big", &fakeEmbedder{vectors: map[string][]float64{"big": {1e200, 1e200}}}, "result: not a finite number", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := run(t, tt.a, tt.c, tt.output, tt.emb)
			if !got.Unscored || got.Pass || !strings.Contains(got.Reason, tt.wantIn) {
				t.Errorf("got %+v, want unscored with %q", got, tt.wantIn)
			}
			if got.Judge == nil || got.Judge.Embedding != "fake:embed" || got.Judge.Calls != tt.wantCall {
				t.Errorf("judge info %+v, want embedding fake:embed with %d calls", got.Judge, tt.wantCall)
			}
		})
	}
}

var errBoom = boomError{}

type boomError struct{}

func (boomError) Error() string { return "boom: 503 from the vendor" }

func TestNoEmbedderIsUnscored(t *testing.T) {
	t.Parallel()
	for _, j := range []eval.Judges{nil, &fakeJudges{}} {
		e, _ := eval.Lookup("similar")
		got, err := e.Evaluate(context.Background(), bench.Assertion{Type: "similar", Value: "x", Provider: "acme:embed"}, &eval.Input{Output: "y", Judges: j})
		if err != nil || !got.Unscored || got.Reason == "" || got.Judge == nil || got.Judge.Embedding != "acme:embed" || got.Judge.Calls != 0 {
			t.Errorf("judges %T: got %+v, %v; want unscored naming the embedding provider", j, got, err)
		}
	}
}

func TestJudgeInfo(t *testing.T) {
	t.Parallel()
	for _, cached := range []bool{false, true} {
		emb := &fakeEmbedder{cached: cached}
		got := run(t, bench.Assertion{Type: "similar", Value: "two words"}, nil, "three words here", emb)
		want := &bench.JudgeInfo{Embedding: "fake:embed", Calls: 1, Tokens: bench.Usage{Prompt: 5, Total: 5}, CostUSD: costPerEmbed}
		if cached {
			want.Cached = 1
		}
		if diff := cmp.Diff(want, got.Judge); diff != "" {
			t.Errorf("cached %v: judge info (-want +got):\n%s", cached, diff)
		}
	}
}

func TestNegation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ       string
		value     string
		wantScore float64
		wantPass  bool
	}{
		{"not-similar", "far", 1, true},
		{"not-similar", "close", 0.2, false},
		{"not-similar:euclidean", "far", 1 - 1/(1+math.Sqrt2), true},
		{"not-similar:euclidean", "answer", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.typ+" "+tt.value, func(t *testing.T) {
			t.Parallel()
			as := []bench.Assertion{{Type: tt.typ, Value: tt.value}}
			if err := eval.Validate(as); err != nil {
				t.Fatal(err)
			}
			in := &eval.Input{Output: "answer", Judges: &fakeJudges{emb: &fakeEmbedder{vectors: vectors}}}
			out := eval.Check(context.Background(), as, nil, in)
			s := out.Scores[tt.typ]
			if s.Unscored || math.Abs(s.Score-tt.wantScore) > 1e-12 || s.Pass != tt.wantPass || out.Passed != tt.wantPass {
				t.Errorf("got %+v (case passed %v), want score %v pass %v", s, out.Passed, tt.wantScore, tt.wantPass)
			}
		})
	}
	t.Run("unscored stays unscored", func(t *testing.T) {
		t.Parallel()
		as := []bench.Assertion{{Type: "not-similar"}}
		in := &eval.Input{Output: "answer", Judges: &fakeJudges{emb: &fakeEmbedder{}}}
		out := eval.Check(context.Background(), as, nil, in)
		if s := out.Scores["not-similar"]; !s.Unscored || s.Pass || out.Passed || out.Unscored != 1 {
			t.Errorf("got %+v, outcome %+v; want unscored and a failed case", s, out)
		}
	})
}

func TestValidateRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a       bench.Assertion
		wantErr string
	}{
		{bench.Assertion{Type: "similar", Value: 3}, "value is a number, want the expected text"},
		{bench.Assertion{Type: "similar", Value: map[string]any{"a": "b"}}, "value is a map"},
		{bench.Assertion{Type: "similar", Value: []any{"ok", map[string]any{}}}, "item 1 is a map"},
		{bench.Assertion{Type: "similar", Value: []any{"ok", " "}}, "item 1 is empty"},
		{bench.Assertion{Type: "similar", Config: map[string]any{"metric": "manhattan"}}, `config.metric is "manhattan", want cosine, dot or euclidean`},
		{bench.Assertion{Type: "similar", Config: map[string]any{"metric": 2}}, "config.metric is a number"},
		{bench.Assertion{Type: "similar:dot", Config: map[string]any{"metric": "cosine"}}, "contradicts the type similar:dot"},
		{bench.Assertion{Type: "not-similar:dot", Config: map[string]any{"metric": "euclidean"}}, "contradicts"},
		{bench.Assertion{Type: "similar", Config: map[string]any{"metirc": "dot"}}, `unknown config key "metirc"`},
		{bench.Assertion{Type: "similar", Threshold: ptr(1.5)}, "between -1 and 1"},
		{bench.Assertion{Type: "similar:euclidean", Threshold: ptr(-0.1)}, "at least 0"},
		{bench.Assertion{Type: "similar:dot", Threshold: ptr(math.NaN())}, "not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.wantErr, func(t *testing.T) {
			t.Parallel()
			err := eval.Validate([]bench.Assertion{tt.a})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Validate(%+v) = %v, want an error with %q", tt.a, err, tt.wantErr)
			}
		})
	}
	ok := []bench.Assertion{
		{Type: "similar"},
		{Type: "similar:dot", Value: "x", Threshold: ptr(12), Config: map[string]any{"metric": "dot"}},
		{Type: "not-similar:euclidean", Value: []string{"a", "b"}, Threshold: ptr(3)},
	}
	if err := eval.Validate(ok); err != nil {
		t.Errorf("Validate(valid) = %v", err)
	}
}

func TestRegistered(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{"similar", "similar:cosine", "similar:dot", "similar:euclidean", "not-similar"} {
		if !slices.Contains(eval.Types(), strings.TrimPrefix(typ, "not-")) || eval.UsesOf(typ) != eval.UsesEmbedder {
			t.Errorf("%s: not registered as an embedding type", typ)
		}
	}
}

// BenchmarkJudgeLayer measures what similar adds around an instant
// embedding provider: value handling, the call, the comparison, the verdict.
func BenchmarkJudgeLayer(b *testing.B) {
	a := bench.Assertion{Type: "similar", Value: []any{"The capital of France is Paris.", "Paris is France's capital city."}}
	in := &eval.Input{Case: &bench.Case{}, Output: "Paris is the capital of France.", Judges: &fakeJudges{emb: &fakeEmbedder{quiet: true}}}
	e, _ := eval.Lookup("similar")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if s, err := e.Evaluate(ctx, a, in); err != nil || s.Unscored {
			b.Fatal(s, err)
		}
	}
}
