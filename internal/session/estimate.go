package session

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/tiktoken-go/tokenizer"

	"github.com/llm-test-bench/llm-test-bench/provider"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
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
	Cases int
	Rows  []EstimateRow
	// Judges are the judge and embedding providers the assertions call,
	// one row each, apart from the models under test.
	Judges   []EstimateRow
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
	jc := &judgeCosts{p: p, price: price, byID: map[string]*EstimateRow{}}
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
					est.Rows[i].add(reps, in, out, cost)
				}
				// Every answer is judged: the judged text is the prompt, the
				// answer and the case's reference and context.
				judged := in + out + count(c.Expected)
				for _, ctxt := range c.Context {
					judged += count(ctxt)
				}
				jc.add(&c, judged, reps*len(targets))
			}
		}
	}
	est.Judges = jc.rows()
	for _, r := range est.Rows {
		est.TotalUSD += r.CostUSD
	}
	for _, r := range est.Judges {
		est.TotalUSD += r.CostUSD
	}
	return est, nil
}

func (r *EstimateRow) add(calls, in, out int, cost bench.Cost) {
	r.Calls += calls
	r.PromptTokens += in * calls
	r.OutputTokens += out * calls
	r.CostUSD += cost.Total * float64(calls)
	r.Priced = r.Priced || !cost.Unknown
}

// judgeCosts adds up the judge calls of a dry run, per judge.
type judgeCosts struct {
	p     *Plan
	price interface {
		Cost(vendor, model, answered string, u bench.Usage) bench.Cost
	}
	byID  map[string]*EstimateRow
	order []string
}

// add counts the judge calls of answers answers of case c, each judged
// text of judged tokens.
func (j *judgeCosts) add(c *bench.Case, judged, answers int) {
	for _, a := range c.Assert {
		ce := eval.EstimateOf(a)
		if ce.Calls > 0 {
			id := cmp.Or(a.Provider, j.p.svc.cfg.Evaluation.JudgeProvider, "(no judge configured)")
			if eval.UsesOf(a.Type) == eval.UsesEmbedder {
				id = cmp.Or(a.Provider, j.p.svc.cfg.Evaluation.EmbeddingProvider, "(no embedding provider configured)")
			}
			in, out := ce.PromptTokens+judged, ce.ReplyTokens
			j.row(id).add(ce.Calls*answers, in, out, j.cost(id, in, out))
		}
		if ce.Embeds > 0 {
			id := j.p.svc.cfg.Evaluation.EmbeddingProvider
			if s, ok := a.Config["embedding_provider"].(string); ok && s != "" {
				id = s
			}
			id = cmp.Or(id, "(no embedding provider configured)")
			j.row(id).add(ce.Embeds*answers, judged, 0, j.cost(id, judged, 0))
		}
	}
}

func (j *judgeCosts) row(id string) *EstimateRow {
	if r, ok := j.byID[id]; ok {
		return r
	}
	r := &EstimateRow{Provider: id}
	j.byID[id] = r
	j.order = append(j.order, id)
	return r
}

// cost prices one judge call; a judge named by a target label or a
// simulator is priced by its configured vendor and model.
func (j *judgeCosts) cost(id string, in, out int) bench.Cost {
	name, model, _ := strings.Cut(id, ":")
	pc := j.p.svc.cfg.Provider(name)
	if model == "" {
		model = pc.DefaultModel
	}
	return j.price.Cost(pc.Type, model, model, bench.Usage{Prompt: in, Completion: out, Total: in + out})
}

func (j *judgeCosts) rows() []EstimateRow {
	out := make([]EstimateRow, len(j.order))
	for i, id := range j.order {
		out[i] = *j.byID[id]
	}
	return out
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
