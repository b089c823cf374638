package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// Ops of an evaluator's envelope.
const (
	OpEvaluate      = "evaluate"
	OpEvaluateBatch = "evaluate_batch"
)

// BatchItem is one assertion of an evaluate_batch envelope: its config
// and the answer.
type BatchItem struct {
	Config map[string]any `json:"config"`
	Input  EvalInput      `json:"input"`
}

// BatchInput is the input of an evaluate_batch envelope.
type BatchInput struct {
	Items []BatchItem `json:"items"`
}

// BatchOutput is an evaluate_batch output: one result per item, in order.
// A result with "error" set is that item's failure.
type BatchOutput struct {
	Results []BatchResult `json:"results"`
}

// BatchResult is one item's verdict or error.
type BatchResult struct {
	EvalOutput
	Error string `json:"error,omitempty"`
}

var _ eval.Batcher = evaluator{}

// EvaluateBatch scores several assertions of one plugin on one answer.
func (e evaluator) EvaluateBatch(ctx context.Context, as []bench.Assertion, in *eval.Input) ([]bench.Score, error) {
	p, ok := lookupActive(e.name)
	if !ok {
		return nil, fmt.Errorf("plugin %q is not loaded", e.name)
	}
	return p.EvaluateBatch(ctx, as, in), nil
}

// EvaluateBatch scores as on one answer. A plugin with supports_batch
// gets them in evaluate_batch calls of at most max_batch_size items;
// another, or one with requires_llm (whose verdicts each record their own
// judge calls), is called once per assertion. A failed call leaves each
// of its assertions unscored with the error naming the plugin.
func (p *Plugin) EvaluateBatch(ctx context.Context, as []bench.Assertion, in *eval.Input) []bench.Score {
	out := make([]bench.Score, len(as))
	caps := p.Manifest.Capabilities
	if !caps.SupportsBatch || caps.RequiresLLM {
		for i, a := range as {
			s, err := p.Evaluate(ctx, a, in)
			if err != nil {
				s = bench.Unscored(err.Error(), "")
			}
			out[i] = s
		}
		return out
	}
	size := caps.MaxBatchSize
	if size <= 0 {
		size = len(as)
	}
	for start := 0; start < len(as); start += size {
		end := min(start+size, len(as))
		scores, err := p.evaluateChunk(ctx, as[start:end], in)
		for i := start; i < end; i++ {
			if err != nil {
				out[i] = bench.Unscored(err.Error(), "")
			} else {
				out[i] = scores[i-start]
			}
		}
	}
	return out
}

// evaluateChunk makes one evaluate_batch call.
func (p *Plugin) evaluateChunk(ctx context.Context, as []bench.Assertion, in *eval.Input) ([]bench.Score, error) {
	items := make([]BatchItem, len(as))
	for i, a := range as {
		items[i] = BatchItem{Config: orEmpty(a.Config), Input: evalInput(a, in)}
	}
	env, err := json.Marshal(Envelope{
		ABI: ABIVersion, Op: OpEvaluateBatch, PluginType: TypeEvaluator,
		Config: map[string]any{}, Input: BatchInput{Items: items},
	})
	if err != nil {
		return nil, fmt.Errorf("plugin %q: encode input: %w", p.Name(), err)
	}
	raw, err := p.Call(ctx, env, nil)
	if err != nil {
		return nil, err
	}
	results, err := ParseBatchOutput(raw, len(as))
	if err != nil {
		return nil, p.fail(ctx, KindOutput, err, "")
	}
	scores := make([]bench.Score, len(as))
	for i, r := range results {
		if r.Error != "" {
			scores[i] = bench.Unscored((&Error{Plugin: p.Name(), Kind: KindPlugin, Err: errors.New(r.Error)}).Error(), "")
			continue
		}
		scores[i] = p.verdict(as[i], r.EvalOutput, nil)
	}
	return scores, nil
}

// ParseBatchOutput decodes an evaluate_batch output of n results, each an
// evaluator's verdict (checked as ParseEvalOutput does) or an error.
func ParseBatchOutput(b []byte, n int) ([]BatchResult, error) {
	var out struct {
		Results []json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("output is not the batch evaluator's JSON object: %w", err)
	}
	if len(out.Results) != n {
		return nil, fmt.Errorf("%d results for %d items", len(out.Results), n)
	}
	results := make([]BatchResult, n)
	for i, raw := range out.Results {
		var e struct {
			Error string `json:"error"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("results[%d]: %w", i, err)
		}
		if e.Error != "" {
			results[i].Error = e.Error
			continue
		}
		v, err := ParseEvalOutput(raw)
		if err != nil {
			return nil, fmt.Errorf("results[%d]: %w", i, err)
		}
		results[i].EvalOutput = v
	}
	return results, nil
}
