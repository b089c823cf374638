package rag

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

const query = "What is the capital of France?"

// answerVectors script the embeddings: the query and three questions at
// cosines 1, 0.6 and 0 from it, and one pointing away.
var answerVectors = map[string][]float64{
	query:      {1, 0},
	"Q1":       {2, 0},
	"Q2":       {0.6, 0.8},
	"Q3":       {0, 1},
	"Opposite": {-1, 0},
}

func TestAnswerRelevance(t *testing.T) {
	t.Parallel()
	nanVec := func(v [][]float64) [][]float64 { v[2] = []float64{math.NaN(), 0}; return v }
	short := func(v [][]float64) [][]float64 { v[1] = v[1][:1]; return v }
	tests := []struct {
		name      string
		a         bench.Assertion
		output    string
		reply     string
		emb       *fakeEmbedder
		want      want
		wantEmbed [][]string
	}{
		{"mean of three", bench.Assertion{}, "Paris.", `{"questions": ["Q1", "Q2", "Q3"], "noncommittal": 0}`, nil,
			want{score: 1.6 / 3, pass: true, reason: "mean cosine similarity between the query and 3 questions the answer would answer (0.533 ≥ 0.5)", calls: 2},
			[][]string{{query, "Q1", "Q2", "Q3"}}},
		{"threshold", bench.Assertion{Threshold: ptr(0.9)}, "Paris.", `{"questions": ["Q1", "Q2", "Q3"], "noncommittal": 0}`, nil,
			want{score: 1.6 / 3, reason: "(0.533 < 0.9)", calls: 2}, [][]string{{query, "Q1", "Q2", "Q3"}}},
		{"blank questions skipped", bench.Assertion{}, "Paris.", `{"questions": ["Q2", " ", ""], "noncommittal": 0}`, nil,
			want{score: 0.6, pass: true, reason: "and 1 questions", calls: 2}, [][]string{{query, "Q2"}}},
		{"negative mean counts as 0", bench.Assertion{}, "Paris.", `{"questions": ["Opposite"], "noncommittal": 0}`, nil,
			want{score: 0, reason: "(0 < 0.5)", calls: 2}, [][]string{{query, "Opposite"}}},
		{"noncommittal scores 0 without embedding", bench.Assertion{}, "It depends.", `{"questions": ["Q1", "Q2", "Q3"], "noncommittal": 1}`, nil,
			want{score: 0, reason: "noncommittal", calls: 1}, nil},
		{"no question", bench.Assertion{}, "Paris.", `{"questions": ["", " "], "noncommittal": 0}`, nil,
			want{unscored: true, reason: "the judge gave no question for the answer", calls: 1, raw: "questions"}, nil},
		{"no question even when noncommittal", bench.Assertion{}, "Hmm.", `{"questions": [], "noncommittal": 1}`, nil,
			want{unscored: true, reason: "no question", calls: 1, raw: "questions"}, nil},
		{"four questions", bench.Assertion{}, "Paris.", `{"questions": ["Q1", "Q2", "Q3", "Q1"], "noncommittal": 0}`, nil,
			want{unscored: true, reason: "the judge gave 4 questions, want 3", calls: 1, raw: "questions"}, nil},
		{"noncommittal missing", bench.Assertion{}, "Paris.", `{"questions": ["Q1"]}`, nil,
			want{unscored: true, reason: "noncommittal is missing, want 0 or 1", calls: 1, raw: "Q1"}, nil},
		{"noncommittal boolean", bench.Assertion{}, "Paris.", `{"questions": ["Q1"], "noncommittal": false}`, nil,
			want{unscored: true, reason: "noncommittal is false", calls: 1, raw: "false"}, nil},
		{"questions not strings", bench.Assertion{}, "Paris.", `{"questions": [1, 2, 3], "noncommittal": 0}`, nil,
			want{unscored: true, reason: `the judge's "questions" does not follow the reply format`, calls: 1, raw: "[1, 2, 3]"}, nil},
		{"not JSON", bench.Assertion{}, "Paris.", "What is the capital of France?", nil,
			want{unscored: true, reason: `no JSON object with "questions"`, calls: 1, raw: "capital"}, nil},
		{"embedding fails", bench.Assertion{}, "Paris.", `{"questions": ["Q1"], "noncommittal": 0}`, &fakeEmbedder{err: errors.New("embeddings down")},
			want{unscored: true, reason: "embeddings fake:embed: embeddings down", calls: 2}, [][]string{{query, "Q1"}}},
		{"NaN embedding", bench.Assertion{}, "Paris.", `{"questions": ["Q1", "Q2"], "noncommittal": 0}`, &fakeEmbedder{vectors: answerVectors, mangle: nanVec},
			want{unscored: true, reason: "embeddings of the query and question 2: not a finite number", calls: 2}, [][]string{{query, "Q1", "Q2"}}},
		{"length mismatch", bench.Assertion{}, "Paris.", `{"questions": ["Q1"], "noncommittal": 0}`, &fakeEmbedder{vectors: answerVectors, mangle: short},
			want{unscored: true, reason: "vectors differ in length: 2 and 1", calls: 2}, [][]string{{query, "Q1"}}},
		{"empty answer", bench.Assertion{}, "", "", nil,
			want{unscored: true, reason: "the answer is empty"}, nil},
		{"no query", bench.Assertion{Config: map[string]any{"query": ""}}, "Paris.", "", nil,
			want{unscored: true, reason: "no query to compare the answer with"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.a.Type = "answer-relevance"
			emb := tt.emb
			if emb == nil {
				emb = &fakeEmbedder{vectors: answerVectors}
			}
			prompt := query
			if tt.name == "no query" {
				prompt = ""
			}
			got := run(t, tt.a, input(scripted(tt.reply), emb, nil, prompt, tt.output))
			checkVerdict(t, got, tt.want)
			if got.Judge.Prompt != "answer-relevance/v1" || got.Judge.Embedding != "fake:embed" {
				t.Errorf("judge info %+v, want prompt answer-relevance/v1 and embedding fake:embed", *got.Judge)
			}
			if diff := cmp.Diff(tt.wantEmbed, emb.calls); diff != "" {
				t.Errorf("embedding calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAnswerRelevanceProviders(t *testing.T) {
	t.Parallel()
	j := scripted(`{"questions": ["Q1"], "noncommittal": 0}`)
	fj := &fakeJudges{judge: j, emb: &fakeEmbedder{vectors: answerVectors}}
	a := bench.Assertion{Type: "answer-relevance", Provider: "openai:gpt-4o", Config: map[string]any{"embedding_provider": "openai:text-embedding-3-small"}}
	got := run(t, a, &eval.Input{Prompt: query, Output: "Paris.", Judges: fj})
	if got.Unscored || got.Score != 1 {
		t.Fatalf("got %+v", got)
	}
	if diff := cmp.Diff([]string{"openai:gpt-4o"}, fj.judgeNames); diff != "" {
		t.Errorf("judge names (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"openai:text-embedding-3-small"}, fj.embedderName); diff != "" {
		t.Errorf("embedder names (-want +got):\n%s", diff)
	}
}

func TestAnswerRelevanceNoEmbedder(t *testing.T) {
	t.Parallel()
	j := scripted(`{"questions": ["Q1"], "noncommittal": 0}`)
	a := bench.Assertion{Type: "answer-relevance", Config: map[string]any{"embedding_provider": "acme:embed"}}
	got := run(t, a, input(j, nil, nil, query, "Paris."))
	checkVerdict(t, got, want{unscored: true, reason: "no embedding provider"})
	if got.Judge.Embedding != "acme:embed" || len(j.calls()) != 0 {
		t.Errorf("judge info %+v and %d judge calls; want the embedding provider named and no call", *got.Judge, len(j.calls()))
	}
}
