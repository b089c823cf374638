package judge

import "github.com/llm-test-bench/llm-test-bench/bench"

// Shares splits what the verdict's calls used among n verdicts reached
// together, such as the answers of one side-by-side comparison, the way
// the runner splits a group's judge cost among its answers: the cost and
// every token count evenly (the tokens' remainder on the first share), the
// calls and cache hits counted on the first share only. The shares add up
// to the verdict's totals (the cost up to floating-point rounding), so a
// report that sums JudgeInfo over the answers counts each call once. Each
// share names the verdict's judge, model, prompt and embedding provider,
// and carries its CostUnknown. Shares returns nil when n < 1.
func (v *Verdict) Shares(n int) []*bench.JudgeInfo {
	if n < 1 {
		return nil
	}
	total := v.info
	out := make([]*bench.JudgeInfo, n)
	for i := range out {
		s := bench.JudgeInfo{
			Provider: total.Provider, Model: total.Model, Prompt: total.Prompt, Embedding: total.Embedding,
			CostUSD: total.CostUSD / float64(n), CostUnknown: total.CostUnknown,
			Tokens: shareUsage(total.Tokens, i, n),
		}
		if i == 0 {
			s.Calls, s.Cached = total.Calls, total.Cached
		}
		out[i] = &s
	}
	return out
}

// shareUsage is share i of n of u: each count divided evenly, its
// remainder on share 0.
func shareUsage(u bench.Usage, i, n int) bench.Usage {
	part := func(x int) int {
		if i == 0 {
			return x/n + x%n
		}
		return x / n
	}
	return bench.Usage{
		Prompt: part(u.Prompt), Completion: part(u.Completion), Cached: part(u.Cached),
		Reasoning: part(u.Reasoning), Total: part(u.Total),
		CacheWrite: part(u.CacheWrite), CacheWrite1h: part(u.CacheWrite1h),
	}
}
