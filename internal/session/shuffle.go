package session

import (
	"iter"
	"math/rand/v2"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// shuffled yields the cases in a random order drawn from the plan's seed:
// the same seed and cases give the same order, so a resumed run hands its
// work out as the first one did. It holds every case in memory, so memory
// grows with the suite's selected cases (an anytime-valid comparison needs
// cases in random order; see docs/ANALYSIS.md).
func (p *Plan) shuffled(all iter.Seq2[bench.Case, error]) iter.Seq2[bench.Case, error] {
	return func(yield func(bench.Case, error) bool) {
		var cs []bench.Case
		for c, err := range all {
			if err != nil {
				yield(c, err)
				return
			}
			cs = append(cs, c)
		}
		rng := rand.New(rand.NewPCG(p.seed, 0x5407f1e))
		rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
		for _, c := range cs {
			if !yield(c, nil) {
				return
			}
		}
	}
}
