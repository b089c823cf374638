package rag

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/vec"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

// AnswerRelevance is answer-relevance: how closely the questions the
// answer would answer match the query that was asked.
type AnswerRelevance struct{}

var (
	_ eval.Evaluator = AnswerRelevance{}
	_ eval.Validator = AnswerRelevance{}
	_ eval.ModelUser = AnswerRelevance{}

	answerRules   = rules{typ: "answer-relevance", embedding: true}
	answerPrompts = mustPrompts("answer-relevance", 1, "main")
)

// Uses reports that the type calls a judge and an embedding model.
func (AnswerRelevance) Uses() eval.Uses { return eval.UsesJudge | eval.UsesEmbedder }

// Validate checks the assertion's config and threshold; the type takes no value.
func (AnswerRelevance) Validate(a bench.Assertion) error { return answerRules.validate(a) }

// Evaluate has the judge write questions for the answer (one call) and
// compares their embeddings with the query's (one embedding call).
func (AnswerRelevance) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	if err := answerRules.validate(a); err != nil {
		return bench.Score{}, err
	}
	return evaluate(ctx, a, in, answerPrompts["main"], true, answerRelevance), nil
}

func answerRelevance(ctx context.Context, v *judge.Verdict, got inputs) (float64, string, error) {
	switch {
	case strings.TrimSpace(got.query) == "":
		return 0, "", noVerdict("no query to compare the answer with: set config.query, or the case's prompt")
	case strings.TrimSpace(got.answer) == "":
		return 0, "", noVerdict("the answer is empty: there is nothing to generate questions from")
	}
	q, _, err := ask(ctx, v, answerPrompts["main"], map[string]string{"answer": got.answer}, parseQuestions)
	if err != nil {
		return 0, "", err
	}
	if q.Noncommittal {
		return 0, "the judge finds the answer noncommittal (evasive or vague), which scores 0", nil
	}
	vecs, err := v.Embed(ctx, append([]string{got.query}, q.Questions...))
	if err != nil {
		return 0, "", err
	}
	var sum float64
	for i, e := range vecs[1:] {
		c, err := vec.Cosine(vecs[0], e)
		if err != nil {
			return 0, "", noVerdict("embeddings of the query and question %d: %v", i+1, err)
		}
		sum += c
	}
	mean := math.Max(0, sum/float64(len(q.Questions)))
	return mean, fmt.Sprintf("mean cosine similarity between the query and %d questions the answer would answer", len(q.Questions)), nil
}
