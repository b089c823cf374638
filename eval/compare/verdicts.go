package compare

import (
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

// Consistency counts the verdicts that compared answers in both orders
// (JudgeInfo.PositionConsistent is set) and, of those, the ones where the
// judge said the same both ways. A select-best group of n answers yields n
// such verdicts; a pairwise comparison one per answer compared with the
// baseline. Unscored verdicts and the baseline's own are not counted.
func Consistency(scores []bench.Score) (consistent, total int) {
	for _, s := range scores {
		if s.Judge == nil || s.Judge.PositionConsistent == nil {
			continue
		}
		total++
		if *s.Judge.PositionConsistent {
			consistent++
		}
	}
	return consistent, total
}

// settle gives every verdict of a group its share of the calls made
// through v (nil: none were made) and, where consistent[i] is not nil,
// whether the judge agreed with itself in both orders.
func settle(v *judge.Verdict, scores []bench.Score, consistent []*bool) []bench.Score {
	if v == nil {
		return scores
	}
	for i, share := range v.Shares(len(scores)) {
		if consistent != nil {
			share.PositionConsistent = consistent[i]
		}
		scores[i].Judge = share
	}
	return scores
}

// unscoredAll is the same unscored verdict for n answers.
func unscoredAll(n int, reason, raw string) []bench.Score {
	out := make([]bench.Score, n)
	for i := range out {
		out[i] = bench.Unscored(reason, raw)
	}
	return out
}

// label names answer i of a group in a reason: its number and, when the
// runner said, the target that wrote it.
func label(group []*eval.Input, i int) string {
	if p := group[i].Provider; p != "" {
		return fmt.Sprintf("answer %d (%s)", i, p)
	}
	return fmt.Sprintf("answer %d", i)
}

func boolPtr(b bool) *bool { return &b }
