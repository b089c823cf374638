package graded

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

func init() {
	eval.Register("model-graded-closedqa", ClosedQA{})
}

// ClosedQA is model-graded-closedqa: the judge reasons about whether the
// output meets the criterion in the value, then answers Y or N alone on
// its last line.
type ClosedQA struct{}

var (
	_ eval.Evaluator = ClosedQA{}
	_ eval.Validator = ClosedQA{}
	_ eval.ModelUser = ClosedQA{}
)

// Uses reports that model-graded-closedqa calls a judge.
func (ClosedQA) Uses() eval.Uses { return eval.UsesJudge }

// Validate checks the criterion, the threshold and the config.
func (ClosedQA) Validate(a bench.Assertion) error {
	if _, err := textValue(a, "the criterion", false); err != nil {
		return err
	}
	return checkCommon(a)
}

// Evaluate asks the judge whether the output meets the criterion.
func (c ClosedQA) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	if err := c.Validate(a); err != nil {
		return bench.Score{}, err
	}
	criterion, _ := textValue(a, "the criterion", false)
	v, err := judge.Open(ctx, in, a, closedQAPrompt)
	if err != nil {
		return judge.Fail(nil, err), nil
	}
	vars := map[string]string{"prompt": in.Prompt, "output": in.Output, "criterion": value.Render(criterion, in)}
	r, err := ask(ctx, v, closedQAPrompt, vars, 0)
	if err != nil {
		return unscored(v, err), nil
	}
	yes, err := parseYesNo(r.Text)
	if err != nil {
		return unscored(v, badReply(err, r.Text)), nil
	}
	score, verdict := 0.0, "N: the judge found that the output does not meet the criterion"
	if yes {
		score, verdict = 1, "Y: the judge found that the output meets the criterion"
	}
	pass := yes
	if a.Threshold != nil {
		pass = score >= *a.Threshold
	}
	return v.Score(score, pass, verdict), nil
}

// parseYesNo reads the last non-empty line of a reply: Y, N, Yes or No in
// any case, with surrounding space, Markdown emphasis (*, _, `) and
// trailing punctuation ignored. Anything else is an error.
func parseYesNo(text string) (bool, error) {
	line := lastLine(text)
	if line == "" {
		return false, errors.New("the reply is empty")
	}
	switch strings.ToUpper(bareWord(line)) {
	case "Y", "YES":
		return true, nil
	case "N", "NO":
		return false, nil
	}
	return false, fmt.Errorf("the last line %q is not Y or N alone", bench.Truncate(line, 80))
}

// lastLine is the last line of text with anything but space on it, trimmed.
func lastLine(text string) string {
	for text != "" {
		i := strings.LastIndexAny(text, "\r\n")
		if line := strings.TrimSpace(text[i+1:]); line != "" {
			return line
		}
		if i < 0 {
			break
		}
		text = text[:i]
	}
	return ""
}

// bareWord strips a line of surrounding space and Markdown emphasis, and
// of trailing punctuation.
func bareWord(s string) string {
	for {
		t := strings.TrimSpace(s)
		t = strings.Trim(t, "*_`")
		t = strings.TrimRight(t, ".!,;:")
		if t == s {
			return t
		}
		s = t
	}
}
