package graded

import (
	"context"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// instantJudges answers every call at once from reply, keeping nothing,
// so a benchmark measures the judge layer alone: rendering, the call
// plumbing, parsing and the verdict.
type instantJudges struct {
	reply func(req provider.Request) eval.JudgeReply
}

func (j instantJudges) Judge(context.Context, string) (eval.Judge, error) { return j, nil }

func (instantJudges) Embedder(context.Context, string) (eval.Embedder, error) { return nil, nil }

func (instantJudges) ID() string { return "instant" }

func (j instantJudges) Complete(_ context.Context, req provider.Request) (eval.JudgeReply, error) {
	return j.reply(req), nil
}

// BenchmarkJudgeLayer is the overhead of one model-graded assertion with
// a judge that answers instantly: llm-rubric (one call) and g-eval (steps
// and a rating weighted over 20 alternatives).
func BenchmarkJudgeLayer(b *testing.B) {
	usage := bench.Usage{Prompt: 400, Completion: 60, Total: 460}
	rubric := eval.JudgeReply{Response: provider.Response{Text: `{"reason": "The answer names Paris and nothing else.", "pass": true, "score": 0.9}`, Usage: usage}}
	stepsReply := eval.JudgeReply{Response: provider.Response{Text: steps, Usage: usage}}
	top := make([]provider.TokenLogprob, 0, gevalTop)
	for i, s := range []string{"8", "7", "9", " 8", "6", "10", "5", "x", "4", "3"} {
		top = append(top, provider.TokenLogprob{Token: s, Logprob: -0.2 - float64(i)})
	}
	rating := eval.JudgeReply{Response: provider.Response{
		Text:        `{"reason": "Accurate and short.", "score": 8}`,
		TopLogprobs: append(ratingTokens(), provider.TokenLogprobs{Token: "8", Top: top}, provider.TokenLogprobs{Token: "}"}),
		Usage:       usage,
	}}
	for _, bc := range []struct {
		name  string
		a     bench.Assertion
		reply func(provider.Request) eval.JudgeReply
	}{
		{"llm-rubric", bench.Assertion{Type: "llm-rubric", Value: "names the capital of {{city}}'s country"}, func(provider.Request) eval.JudgeReply { return rubric }},
		{"g-eval", bench.Assertion{Type: "g-eval", Value: "accurate and concise"}, func(req provider.Request) eval.JudgeReply {
			if req.Sampling.TopLogprobs == 0 {
				return stepsReply
			}
			return rating
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e, _ := eval.Lookup(bc.a.Type)
			in := basicInput()
			in.Judges = instantJudges{reply: bc.reply}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				s, err := e.Evaluate(ctx, bc.a, in)
				if err != nil || s.Unscored || !s.Pass {
					b.Fatalf("verdict %+v, %v", s, err)
				}
			}
		})
	}
}
