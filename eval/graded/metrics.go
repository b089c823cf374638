package graded

import (
	"context"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

func init() {
	for _, m := range Metrics() {
		eval.Register(m.Type, m)
	}
}

// DefaultMetricThreshold is the score faithfulness, relevance and
// coherence must reach when the assertion sets no threshold.
const DefaultMetricThreshold = 0.5

// Metric is a rubric-style type whose criteria are written in its prompt:
// faithfulness, relevance or coherence. The judge replies as to
// llm-rubric; the verdict passes when the score reaches the threshold.
type Metric struct {
	Type   string
	prompt *judge.Template
	// needs names the input the metric cannot do without: "context",
	// "prompt" or "".
	needs string
}

var (
	_ eval.Evaluator = Metric{}
	_ eval.Validator = Metric{}
	_ eval.ModelUser = Metric{}
)

// Metrics lists the metric types this package registers.
func Metrics() []Metric {
	return []Metric{
		{Type: "faithfulness", prompt: faithfulnessPrompt, needs: "context"},
		{Type: "relevance", prompt: relevancePrompt, needs: "prompt"},
		{Type: "coherence", prompt: coherencePrompt},
	}
}

// Uses reports that the metric calls a judge.
func (Metric) Uses() eval.Uses { return eval.UsesJudge }

// Validate checks the optional guidance, the threshold and the config.
func (m Metric) Validate(a bench.Assertion) error {
	if _, err := textValue(a, "extra guidance for the judge", true); err != nil {
		return err
	}
	return checkCommon(a)
}

// Evaluate asks the judge to score the output on the metric's criteria.
func (m Metric) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	if err := m.Validate(a); err != nil {
		return bench.Score{}, err
	}
	guidance, _ := textValue(a, "", true)
	vars := map[string]string{
		"output":   in.Output,
		"prompt":   in.Prompt,
		"context":  contextOf(in),
		"guidance": value.Render(guidance, in),
	}
	switch {
	case m.needs == "context" && strings.TrimSpace(vars["context"]) == "":
		return bench.Unscored("no context: "+m.Type+" judges the output against the case's context, and the case has none", ""), nil
	case m.needs == "prompt" && strings.TrimSpace(vars["prompt"]) == "":
		return bench.Unscored("no prompt: "+m.Type+" judges the output against the prompt, and the response has none", ""), nil
	}
	th := threshold(a, DefaultMetricThreshold)
	return judgeRubric(ctx, in, a, m.prompt, vars, gate{threshold: &th}), nil
}
