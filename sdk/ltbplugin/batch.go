package ltbplugin

import (
	"encoding/json"
	"fmt"
)

// BatchItem is one assertion of an evaluate_batch call: its config and
// the answer it scores.
type BatchItem struct {
	Config json.RawMessage `json:"config"`
	Input  EvalInput       `json:"input"`
}

// BatchResult is one item's verdict; set Error instead to fail that item
// alone.
type BatchResult struct {
	EvalResult
	Error string `json:"error,omitempty"`
}

// batchOutput is evaluate_batch's output.
type batchOutput struct {
	Results []BatchResult `json:"results"`
}

// MarshalJSON encodes a verdict as EvalResult does, or a failed item as
// {"error": MESSAGE}.
func (r BatchResult) MarshalJSON() ([]byte, error) {
	if r.Error != "" {
		return json.Marshal(struct {
			Error string `json:"error"`
		}{r.Error})
	}
	return json.Marshal(r.EvalResult)
}

// HandleEvaluatorBatch registers an evaluator that scores several
// assertions on one answer per call: f gets the items and returns one
// result per item, in order. It serves both ops: "evaluate" is a batch of
// one, and "evaluate_batch" (sent when plugin.toml says supports_batch)
// carries the items of up to max_batch_size assertions.
func HandleEvaluatorBatch(f func(items []BatchItem) ([]BatchResult, error)) {
	Handle(func(req Request) (any, error) {
		switch req.Op {
		case "evaluate":
			var in EvalInput
			if err := json.Unmarshal(req.Input, &in); err != nil {
				return nil, BadInput(fmt.Errorf("evaluator input: %w", err))
			}
			rs, err := run(f, []BatchItem{{Config: req.Config, Input: in}})
			if err != nil {
				return nil, err
			}
			if rs[0].Error != "" {
				return nil, fmt.Errorf("%s", rs[0].Error)
			}
			return rs[0].EvalResult, nil
		case "evaluate_batch":
			var in struct {
				Items []BatchItem `json:"items"`
			}
			if err := json.Unmarshal(req.Input, &in); err != nil {
				return nil, BadInput(fmt.Errorf("evaluate_batch input: %w", err))
			}
			rs, err := run(f, in.Items)
			if err != nil {
				return nil, err
			}
			return batchOutput{Results: rs}, nil
		}
		return nil, BadInput(fmt.Errorf("evaluator: unknown op %q", req.Op))
	})
}

// run calls f and checks it gave one result per item.
func run(f func([]BatchItem) ([]BatchResult, error), items []BatchItem) ([]BatchResult, error) {
	rs, err := f(items)
	if err != nil {
		return nil, err
	}
	if len(rs) != len(items) {
		return nil, fmt.Errorf("evaluator returned %d results for %d items", len(rs), len(items))
	}
	return rs, nil
}
