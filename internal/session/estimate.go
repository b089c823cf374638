package session

import (
	"context"
	"fmt"

	"github.com/tiktoken-go/tokenizer"

	"github.com/llm-test-bench/llm-test-bench/provider"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// DefaultOutputTokens is assumed for the answer when a case sets no
// max_tokens and has no expected answer to measure.
const DefaultOutputTokens = 100

// EstimateRow is one provider's share of a dry run.
type EstimateRow struct {
	Provider     string
	Calls        int
	PromptTokens int
	OutputTokens int
	CostUSD      float64
	// Priced is false when the pricing table knows none of its models.
	Priced bool
}

// Estimate is what a plan would call and cost.
type Estimate struct {
	Cases    int
	Rows     []EstimateRow
	TotalUSD float64
}

// Estimate expands the matrix, counts prompt tokens with the o200k_base BPE
// (OpenAI's current encoding; other vendors' tokenizers differ by a few
// percent) and estimates cost from the pricing table. It calls nothing.
func (p *Plan) Estimate(ctx context.Context) (*Estimate, error) {
	codec, err := tokenizer.Get(tokenizer.O200kBase)
	if err != nil {
		return nil, fmt.Errorf("load tokenizer: %w", err)
	}
	count := func(s string) int {
		n, err := codec.Count(s)
		if err != nil {
			return len(s) / 4
		}
		return n
	}
	price, err := p.svc.pricer()
	if err != nil {
		return nil, err
	}
	targets := p.targets.targets
	est := &Estimate{Rows: make([]EstimateRow, len(targets))}
	for i, t := range targets {
		est.Rows[i].Provider = t.ID
	}
	reps := max(p.opts.Repeat, 1)
	for _, s := range p.suites {
		render := renderer(s)
		ids := promptIDs(s)
		for c, err := range p.cases(s) {
			if err != nil {
				return nil, inputErr(err)
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			est.Cases++
			out := outputEstimate(&c, count)
			for _, id := range ids {
				msgs, _, err := render(id, &c)
				if err != nil {
					return nil, inputErr(fmt.Errorf("case %q: %w", c.ID, err))
				}
				in := 3
				for _, m := range msgs {
					in += 4 + count(m.Content)
				}
				for i, t := range targets {
					cost := price.Cost(t.Vendor, t.Model, t.Model, bench.Usage{Prompt: in, Completion: out, Total: in + out})
					r := &est.Rows[i]
					r.Calls += reps
					r.PromptTokens += in * reps
					r.OutputTokens += out * reps
					r.CostUSD += cost.Total * float64(reps)
					r.Priced = r.Priced || !cost.Unknown
				}
			}
		}
	}
	for _, r := range est.Rows {
		est.TotalUSD += r.CostUSD
	}
	return est, nil
}

func outputEstimate(c *bench.Case, count func(string) int) int {
	if s, _, err := provider.ParseSampling(c.Config); err == nil && s.MaxTokens != nil {
		return *s.MaxTokens
	}
	if c.Expected != "" {
		return count(c.Expected)
	}
	return DefaultOutputTokens
}
