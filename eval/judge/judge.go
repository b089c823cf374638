package judge

import (
	"context"
	"errors"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// MaxTokens is the answer budget of a judge call unless the assertion's
// config sets max_tokens.
const MaxTokens = 1024

// Verdict builds one assertion's verdict from judge calls: it resolves the
// judge, makes the calls at temperature 0, and records what they cost, so
// that every verdict, scored or not, carries its calls.
type Verdict struct {
	judge    eval.Judge
	embedder eval.Embedder
	info     bench.JudgeInfo
	maxTok   int
}

// Open resolves the judge of assertion a (its provider, else the run's
// default) for a verdict produced with template t. The error, when the run
// offers no judges or none can be built, is the reason of an unscored
// verdict (see Fail).
func Open(ctx context.Context, in *eval.Input, a bench.Assertion, t *Template) (*Verdict, error) {
	if in.Judges == nil {
		return nil, errors.New("this run offers no judge: model-graded assertions need the run's evaluation stage")
	}
	j, err := in.Judges.Judge(ctx, a.Provider)
	if err != nil {
		return nil, err
	}
	v := &Verdict{judge: j, maxTok: MaxTokens}
	v.info.Provider = j.ID()
	if t != nil {
		v.info.Prompt = t.ID()
	}
	if n, ok := value.Float(a.Config["max_tokens"]); ok && n >= 1 {
		v.maxTok = int(n)
	}
	return v, nil
}

// OpenEmbedder resolves the embedding provider named name ("" is the run's
// default) and, when v is nil, starts a verdict that only embeds.
func OpenEmbedder(ctx context.Context, in *eval.Input, v *Verdict, name string) (*Verdict, error) {
	if in.Judges == nil {
		return nil, errors.New("this run offers no embedding provider: embedding assertions need the run's evaluation stage")
	}
	e, err := in.Judges.Embedder(ctx, name)
	if err != nil {
		return nil, err
	}
	if v == nil {
		v = &Verdict{maxTok: MaxTokens}
	}
	v.embedder = e
	v.info.Embedding = e.ID()
	return v, nil
}

// Ask renders t with vars and asks the judge. Sampling is temperature 0
// and the verdict's answer budget; top asks for that many alternatives per
// token (0: none), and a judge that refuses them (a bad request) is asked
// again without. The reply's text is returned even with an error when the
// judge sent some.
func (v *Verdict) Ask(ctx context.Context, t *Template, vars map[string]string, top int) (eval.JudgeReply, error) {
	msgs, err := t.Render(vars)
	if err != nil {
		return eval.JudgeReply{}, err
	}
	return v.AskMessages(ctx, msgs, top)
}

// AskMessages asks the judge with messages already rendered.
func (v *Verdict) AskMessages(ctx context.Context, msgs []bench.Message, top int) (eval.JudgeReply, error) {
	if v.judge == nil {
		return eval.JudgeReply{}, errors.New("no judge opened")
	}
	zero, maxTok := 0.0, v.maxTok
	req := provider.Request{Messages: msgs, Sampling: provider.Sampling{Temperature: &zero, MaxTokens: &maxTok}}
	if top > 0 {
		req.Sampling.Logprobs, req.Sampling.TopLogprobs = true, top
	}
	r, err := v.judge.Complete(ctx, req)
	v.record(r)
	if pe := provider.AsError(err); pe != nil && pe.Kind == provider.KindBadRequest && top > 0 {
		// Some models refuse token probabilities (OpenAI's reasoning
		// models); the verdict does without them rather than going
		// unscored.
		req.Sampling.Logprobs, req.Sampling.TopLogprobs = false, 0
		r, err = v.judge.Complete(ctx, req)
		v.record(r)
	}
	if err != nil {
		return r, fmt.Errorf("judge %s: %w", v.judge.ID(), err)
	}
	return r, nil
}

func (v *Verdict) record(r eval.JudgeReply) {
	v.info.Add(r.Usage, r.Cost, r.Cached)
	if r.Model != "" {
		v.info.Model = r.Model
	}
}

// Embed embeds texts with the verdict's embedding provider.
func (v *Verdict) Embed(ctx context.Context, texts []string) ([][]float64, error) {
	if v.embedder == nil {
		return nil, errors.New("no embedding provider opened")
	}
	r, err := v.embedder.Embed(ctx, texts)
	v.info.Add(r.Usage, r.Cost, r.Cached)
	if err != nil {
		return nil, fmt.Errorf("embeddings %s: %w", v.embedder.ID(), err)
	}
	if len(r.Vectors) != len(texts) {
		return nil, fmt.Errorf("embeddings %s: %d vectors for %d texts", v.embedder.ID(), len(r.Vectors), len(texts))
	}
	return r.Vectors, nil
}

// Info is what the verdict's calls cost and came from, so far.
func (v *Verdict) Info() *bench.JudgeInfo {
	i := v.info
	return &i
}

// Score is a reached verdict, with the calls behind it.
func (v *Verdict) Score(score float64, pass bool, reason string) bench.Score {
	return bench.Score{Score: score, Pass: pass, Reason: reason, Judge: v.Info()}
}

// Unscored is a verdict that could not be reached: the reason, the start
// of the judge's reply and the calls made on the way.
func (v *Verdict) Unscored(reason, raw string) bench.Score {
	s := bench.Unscored(reason, raw)
	s.Judge = v.Info()
	return s
}

// Fail is the unscored verdict for a judge that could not even be opened
// (v is nil) or a call that failed.
func Fail(v *Verdict, err error) bench.Score {
	if v == nil {
		return bench.Unscored(err.Error(), "")
	}
	return v.Unscored(err.Error(), "")
}
