package plugin

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"
)

// Envelope is the JSON every call sends: the same shape for every plugin
// type, with an input of the type's own shape.
type Envelope struct {
	ABI        int            `json:"abi"`
	Op         string         `json:"op"`
	PluginType string         `json:"plugin_type"`
	Config     map[string]any `json:"config"`
	Input      any            `json:"input"`
}

// EvalInput is an evaluator's input: one answer and what it answers. It is
// the guest SDK's type, so host and guests cannot disagree on the shape.
type EvalInput = ltbplugin.EvalInput

// EvalOutput is an evaluator's verdict.
type EvalOutput struct {
	Score   *float64           `json:"score"`
	Passed  *bool              `json:"passed,omitempty"`
	Reason  string             `json:"reason,omitempty"`
	Metrics map[string]float64 `json:"metrics,omitempty"`
}

// ParseEvalOutput decodes and checks an evaluator's output: a JSON object
// with a score in [0, 1].
func ParseEvalOutput(b []byte) (EvalOutput, error) {
	var out EvalOutput
	if err := json.Unmarshal(b, &out); err != nil {
		return EvalOutput{}, fmt.Errorf("output is not the evaluator's JSON object: %w", err)
	}
	switch {
	case out.Score == nil:
		return EvalOutput{}, errors.New(`output has no "score"`)
	case math.IsNaN(*out.Score) || *out.Score < 0 || *out.Score > 1:
		return EvalOutput{}, fmt.Errorf("score %v is outside [0, 1]", *out.Score)
	}
	return out, nil
}
