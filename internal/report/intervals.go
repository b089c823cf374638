package report

import (
	"math"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/stats/inference"
)

// DefaultScoreCaseLimit is the number of distinct (provider, case, prompt)
// keys the Aggregator keeps per-case counts for (caseSum), the state behind
// the standard error clustered by case and behind Flakiness. Each key costs
// about 60 bytes, so the limit bounds that state near 60 MB however many
// cases a run has.
const DefaultScoreCaseLimit = 1_000_000

// Confidence of every interval in a summary: 95%.
const (
	ciAlpha      = 0.05
	ciConfidence = 1 - ciAlpha
)

// Methods of ProviderSummary.MeanScoreSEMethod.
const (
	// SEIID is sd/√n over the scored results, with n−1 degrees of freedom.
	SEIID = "iid"
	// SEClustered treats the scores of one case (case id and prompt id) as
	// one cluster, with C/(C−1) and C−1 degrees of freedom for C cases.
	SEClustered = "clustered"
)

// caseSum is one case's share of a provider's results: the count and sum
// of its scores, behind the clustered error, and the count of its results,
// succeeded calls and passes, behind its flakiness (see Flakiness).
type caseSum struct {
	sum                           float64
	n, results, succeeded, passed uint32
}

// flaky reports whether the case's succeeded repetitions disagree: at
// least one passed and at least one failed its assertions.
func (c caseSum) flaky() bool { return c.passed > 0 && c.succeeded > c.passed }

// scoreStats accumulates a provider's case scores: the exact sum behind the
// mean, Welford's running mean and sum of squared deviations behind the
// plain standard error, and per case (every case with a result, scored or
// not) the counts in caseSum, keyed by a 64-bit hash of the case and prompt
// ids so the state does not grow with the ids' length. flaky lists the
// first flaky cases by id, with the ids themselves.
type scoreStats struct {
	n          int
	sum        float64
	wMean, wM2 float64
	// cases is nil until the first result and again once capped.
	cases  map[uint64]caseSum
	capped bool
	flaky  flakyList
}

// add folds one result in: its score, when it has one (see scoreOf), into
// the sums, and its outcome into its case's counts. keys counts the case
// keys held by the whole Aggregator; when a new key would take it past
// limit, this provider drops its per-case state (returning its keys to the
// pool) and is marked capped, so its standard error falls back to the
// unclustered one and its flakiness is not known.
func (s *scoreStats) add(r *bench.Result, keys *int, limit int) {
	x, scored := scoreOf(r)
	if scored {
		s.n++
		s.sum += x
		d := x - s.wMean
		s.wMean += d / float64(s.n)
		s.wM2 += d * (x - s.wMean)
	}
	if s.capped {
		return
	}
	k := caseKey(r.CaseID, r.PromptID)
	c, seen := s.cases[k]
	if !seen {
		if *keys >= limit {
			*keys -= len(s.cases)
			s.cases, s.capped, s.flaky = nil, true, flakyList{}
			return
		}
		if s.cases == nil {
			s.cases = map[uint64]caseSum{}
		}
		*keys++
	}
	was := c.flaky()
	c.results++
	if r.Status == bench.StatusSuccess {
		c.succeeded++
		if r.Passed {
			c.passed++
		}
	}
	if scored {
		c.n++
		c.sum += x
	}
	s.cases[k] = c
	if !was && c.flaky() {
		s.flaky.add(r.CaseID, r.PromptID, maxFlakyListed)
	}
}

// caseKey is the 64-bit FNV-1a hash of the case id, a zero byte and the
// prompt id. Two keys colliding (odds about k²/2⁶⁵ for k keys, below 1e-7
// at the default limit) would merge two cases' sums.
func caseKey(caseID, promptID string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(caseID); i++ {
		h = (h ^ uint64(caseID[i])) * prime
	}
	h *= prime // the separator byte, zero
	for i := 0; i < len(promptID); i++ {
		h = (h ^ uint64(promptID[i])) * prime
	}
	return h
}

// spread is a mean score's standard error and interval.
type spread struct {
	se       float64
	df       int
	method   string
	clusters int
	ok       bool
}

// spread computes the standard error of the mean score: clustered by case
// when clustered is true and the per-case sums were kept, unclustered
// otherwise. ok is false when there is too little data: fewer than two
// scores, or fewer than two cases when clustering.
func (s *scoreStats) spread(clustered bool) spread {
	if s.n < 2 {
		return spread{}
	}
	n := float64(s.n)
	if !clustered || s.capped {
		return spread{se: math.Sqrt(s.wM2 / (n - 1) / n), df: s.n - 1, method: SEIID, ok: true}
	}
	m := s.sum / n
	meat, c := 0.0, 0
	for _, cs := range s.cases {
		if cs.n == 0 {
			continue // a case none of whose results was scored
		}
		d := cs.sum - float64(cs.n)*m
		meat += d * d
		c++
	}
	if c < 2 {
		return spread{}
	}
	cf := float64(c)
	return spread{se: math.Sqrt(cf / (cf - 1) * meat / (n * n)), df: c - 1, method: SEClustered, clusters: c, ok: true}
}

// setScore fills a provider summary's mean score and its spread.
func (s *scoreStats) setScore(p *ProviderSummary, repeated bool) {
	p.Scored = s.n
	if s.n == 0 {
		return
	}
	p.MeanScore = s.sum / float64(s.n)
	p.ScoreCasesCapped = repeated && s.capped
	sp := s.spread(repeated)
	if !sp.ok {
		return
	}
	q, err := inference.TQuantile(1-ciAlpha/2, float64(sp.df))
	if err != nil {
		return // df ≥ 1 here, which TQuantile always accepts
	}
	se := sp.se
	p.MeanScoreSE = &se
	p.MeanScoreCI = &[2]float64{p.MeanScore - q.Value*se, p.MeanScore + q.Value*se}
	p.MeanScoreDF = sp.df
	p.MeanScoreSEMethod = sp.method
	p.ScoreClusters = sp.clusters
}

// wilson is the 95% Wilson interval of passed out of n, the zero interval
// (left out of JSON) when n is 0.
func wilson(passed, n int) [2]float64 {
	ci, err := inference.ProportionCI(passed, n, ciAlpha)
	if err != nil {
		return [2]float64{}
	}
	return ci.Wilson
}

// scoreOf reports whether r contributes a case score to its provider's mean,
// and the score: a succeeded result with a finite score of which at least
// one verdict was scored.
func scoreOf(r *bench.Result) (float64, bool) {
	if r.Status != bench.StatusSuccess || !finite(r.Score) || !caseScored(r) {
		return 0, false
	}
	return r.Score, true
}
