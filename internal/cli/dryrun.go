package cli

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/tiktoken-go/tokenizer"

	"github.com/llm-test-bench/llm-test-bench/provider"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
)

// defaultOutputTokens is assumed for the answer when a case sets no
// max_tokens and has no expected answer to measure.
const defaultOutputTokens = 100

// dryRunRow is one provider's estimate.
type dryRunRow struct {
	calls        int
	promptTokens int
	outputTokens int
	cost         float64
	priced       bool
}

// dryRun expands the matrix, counts prompt tokens with the o200k_base BPE
// (OpenAI's current encoding; other vendors' tokenizers differ by a few
// percent) and estimates cost from the pricing table. It calls nothing.
func (a *app) dryRun(ctx context.Context, w io.Writer, p *plan, targets []*runner.Target, o *benchOptions) error {
	codec, err := tokenizer.Get(tokenizer.O200kBase)
	if err != nil {
		return fmt.Errorf("load tokenizer: %w", err)
	}
	count := func(s string) int {
		n, err := codec.Count(s)
		if err != nil {
			return len(s) / 4
		}
		return n
	}
	price := a.costFunc()
	rows := make([]dryRunRow, len(targets))
	reps := max(o.Repeat, 1)
	cases := 0
	for _, s := range p.suites {
		render := renderer(s)
		ids := promptIDs(s)
		for c, err := range p.cases(s) {
			if err != nil {
				return inputErr(err)
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			cases++
			out := outputEstimate(&c, count)
			for _, id := range ids {
				msgs, _, err := render(id, &c)
				if err != nil {
					return inputErr(fmt.Errorf("case %q: %w", c.ID, err))
				}
				in := 3
				for _, m := range msgs {
					in += 4 + count(m.Content)
				}
				for i, t := range targets {
					cost := price(t, t.Model, bench.Usage{Prompt: in, Completion: out, Total: in + out})
					r := &rows[i]
					r.calls += reps
					r.promptTokens += in * reps
					r.outputTokens += out * reps
					r.cost += cost.Total * float64(reps)
					r.priced = r.priced || cost.Total > 0
				}
			}
		}
	}
	fmt.Fprintf(w, "Dry run: %d cases, nothing was called.\n\n", cases)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "provider\tcalls\tprompt tokens\test. output tokens\test. cost (USD)\t")
	var total float64
	for i, t := range targets {
		r := rows[i]
		cost := "unpriced"
		if r.priced {
			cost = fmt.Sprintf("%.4f", r.cost)
		}
		total += r.cost
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t\n", t.ID, r.calls, r.promptTokens, r.outputTokens, cost)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nEstimated total: $%.4f (prompt tokens counted with o200k_base; output estimated from max_tokens, the expected answer, or %d tokens)\n", total, defaultOutputTokens)
	return nil
}

func outputEstimate(c *bench.Case, count func(string) int) int {
	if s, _, err := provider.ParseSampling(c.Config); err == nil && s.MaxTokens != nil {
		return *s.MaxTokens
	}
	if c.Expected != "" {
		return count(c.Expected)
	}
	return defaultOutputTokens
}
