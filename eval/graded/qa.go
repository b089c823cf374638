package graded

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

func init() {
	eval.Register("model-graded-qa", QA{})
}

// DefaultQAThreshold is the score model-graded-qa must reach when the
// assertion sets no threshold: only a correct grade passes.
const DefaultQAThreshold = 1

// QA is model-graded-qa: the judge reasons about the output against the
// criterion (the value, else the case's expected answer) and ends with
// "GRADE: C" (correct), "GRADE: I" (incorrect) or, with
// config.partial_credit, "GRADE: P" (partly correct).
type QA struct{}

var (
	_ eval.Evaluator = QA{}
	_ eval.Validator = QA{}
	_ eval.ModelUser = QA{}
)

// Uses reports that model-graded-qa calls a judge.
func (QA) Uses() eval.Uses { return eval.UsesJudge }

// Validate checks the criterion, config.partial_credit, the threshold and the config.
func (QA) Validate(a bench.Assertion) error {
	_, _, err := qaSettings(a)
	return err
}

// qaSettings reads the criterion ("" when the case's expected answer
// stands in) and whether partial credit is offered.
func qaSettings(a bench.Assertion) (string, bool, error) {
	criterion, err := textValue(a, "the criterion", true)
	if err != nil {
		return "", false, err
	}
	partial := false
	if v, ok := a.Config["partial_credit"]; ok {
		if partial, ok = v.(bool); !ok {
			return "", false, fmt.Errorf("config.partial_credit is %s, want true or false", describe(v))
		}
	}
	return criterion, partial, checkCommon(a, "partial_credit")
}

// grades are the scores of the grades, gradeNames their meanings.
var (
	grades     = map[byte]float64{'C': 1, 'P': 0.5, 'I': 0}
	gradeNames = map[byte]string{'C': "correct", 'P': "partly correct", 'I': "incorrect"}
)

// Evaluate asks the judge to grade the output against the criterion.
func (QA) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	criterion, partial, err := qaSettings(a)
	if err != nil {
		return bench.Score{}, err
	}
	if criterion = orExpected(criterion, in); criterion == "" {
		return bench.Unscored("no criterion: give it as the value or the case's expected answer", ""), nil
	}
	v, err := judge.Open(ctx, in, a, qaPrompt)
	if err != nil {
		return judge.Fail(nil, err), nil
	}
	vars := map[string]string{"prompt": in.Prompt, "output": in.Output, "criterion": criterion, "partial": ""}
	if partial {
		vars["partial"] = "yes"
	}
	r, err := ask(ctx, v, qaPrompt, vars, 0)
	if err != nil {
		return unscored(v, err), nil
	}
	g, err := parseGrade(r.Text, partial)
	if err != nil {
		return unscored(v, badReply(err, r.Text)), nil
	}
	score, th := grades[g], threshold(a, DefaultQAThreshold)
	reason := fmt.Sprintf("GRADE: %c, the judge found the output %s", g, gradeNames[g])
	return v.Score(score, score >= th, reason), nil
}

// gradeLine finds "GRADE: X" (case ignored, space, zero-width characters
// and Markdown emphasis allowed around the colon): GRADE a whole word, X
// the word after it.
var gradeLine = regexp.MustCompile(`(?i)\bgrade[\s\x{200b}-\x{200d}\x{feff}*_]*:[\s\x{200b}-\x{200d}\x{feff}*_]*([a-z]+)\b`)

// gradeWords are the words a grade may be written as.
var gradeWords = map[string]byte{"c": 'C', "correct": 'C', "p": 'P', "partial": 'P', "partially": 'P', "i": 'I', "incorrect": 'I'}

// parseGrade reads the last "GRADE: X" of a reply, so that a grade the
// judge quoted earlier (from the output, say) does not count. X is C, I or
// (with partial credit) P, or the word correct, incorrect or partial; any
// other word, or no grade at all, is an error.
func parseGrade(text string, partial bool) (byte, error) {
	all := gradeLine.FindAllStringSubmatch(text, -1)
	if len(all) == 0 {
		return 0, errors.New(`no "GRADE: X" line in the reply`)
	}
	word := all[len(all)-1][1]
	g, ok := gradeWords[strings.ToLower(word)]
	if !ok || g == 'P' && !partial {
		offered := "C or I"
		if partial {
			offered = "C, P or I"
		}
		return 0, fmt.Errorf("the last grade %q is not %s", bench.Truncate(word, 40), offered)
	}
	return g, nil
}
