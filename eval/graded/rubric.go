package graded

import (
	"context"
	"errors"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

func init() {
	eval.Register("llm-rubric", Rubric{})
}

// Rubric is llm-rubric: the judge says whether the output satisfies the
// rubric in the assertion's value.
type Rubric struct{}

var (
	_ eval.Evaluator = Rubric{}
	_ eval.Validator = Rubric{}
	_ eval.ModelUser = Rubric{}
)

// Uses reports that llm-rubric calls a judge.
func (Rubric) Uses() eval.Uses { return eval.UsesJudge }

// Validate checks the rubric, the threshold and the config.
func (Rubric) Validate(a bench.Assertion) error {
	if _, err := textValue(a, "the rubric", false); err != nil {
		return err
	}
	return checkCommon(a)
}

// Evaluate asks the judge whether the output satisfies the rubric.
func (r Rubric) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	if err := r.Validate(a); err != nil {
		return bench.Score{}, err
	}
	rubric, _ := textValue(a, "the rubric", false)
	vars := map[string]string{"output": in.Output, "prompt": in.Prompt, "rubric": value.Render(rubric, in)}
	return judgeRubric(ctx, in, a, rubricPrompt, vars, gate{judgePass: true, threshold: a.Threshold}), nil
}

// gate says when a rubric-style verdict passes: with judgePass the
// judge's "pass" must hold, with a threshold the score must reach it.
type gate struct {
	judgePass bool
	threshold *float64
}

// judgeRubric makes the one call of a rubric-style type and reads its reply.
func judgeRubric(ctx context.Context, in *eval.Input, a bench.Assertion, t *judge.Template, vars map[string]string, g gate) bench.Score {
	v, err := judge.Open(ctx, in, a, t)
	if err != nil {
		return judge.Fail(nil, err)
	}
	r, err := ask(ctx, v, t, vars, 0)
	if err != nil {
		return unscored(v, err)
	}
	rep, err := parseRubricReply(r.Text)
	if err != nil {
		return unscored(v, badReply(err, r.Text))
	}
	pass := !g.judgePass || rep.pass
	reason := reasonOf(rep.reason, "the judge gave no reason")
	if g.threshold != nil && rep.score < *g.threshold {
		pass = false
		reason = fmt.Sprintf("score %s is below the threshold %s: %s", format(rep.score), format(*g.threshold), reason)
	}
	return v.Score(rep.score, pass, reason)
}

// rubricReply is the reply of the rubric-style types.
type rubricReply struct {
	reason string
	pass   bool
	score  float64
}

// parseRubricReply reads the first JSON object of a reply: "pass" (a JSON
// boolean, required), "score" (a number within [0, 1]; absent, 1 when
// pass and 0 when not) and "reason" (a string, optional).
func parseRubricReply(text string) (rubricReply, error) {
	f, err := firstObject(text)
	if err != nil {
		return rubricReply{}, err
	}
	var rep rubricReply
	var ok bool
	if rep.pass, ok, err = f.boolean("pass"); err != nil {
		return rubricReply{}, err
	} else if !ok {
		return rubricReply{}, errors.New(`"pass" is missing`)
	}
	if rep.score, ok, err = f.num("score"); err != nil {
		return rubricReply{}, err
	}
	switch {
	case !ok && rep.pass:
		rep.score = 1
	case ok && (rep.score < 0 || rep.score > 1):
		return rubricReply{}, fmt.Errorf(`"score" %v is outside [0, 1]`, rep.score)
	}
	if rep.reason, _, err = f.str("reason"); err != nil {
		return rubricReply{}, err
	}
	return rep, nil
}
