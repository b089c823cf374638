package report

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Result metadata keys under which the runner records what the judges of
// one answer used. In memory the counts are ints and the cost a float64;
// read back from the store they are all float64 (or json.Number).
const (
	metaJudgeCalls  = "judge_calls"
	metaJudgeCached = "judge_cached"
	metaJudgeTokens = "judge_tokens"
	metaJudgeCost   = "judge_cost_usd"
)

// Grading is how a set of results was graded, apart from the models under
// test: the verdicts that could not be reached and what the judges (and
// embedders) called to reach the others used.
//
// An unscored verdict (bench.Score.Unscored) is counted in Unscored and
// nowhere else: it is neither a pass nor a fail of its assertion, and it
// is left out of its case's score. A gating one fails its case, so the
// result is counted in Failed like any other failure and, in addition, in
// UnscoredResults. The record keeps no assertion weights, so a result is
// taken to have an unscored gating verdict when it succeeded, did not pass
// and carries an unscored verdict (a passing result's unscored verdicts
// did not gate it).
//
// The judges' cost is part of every result's cost (CostUSD); JudgeCostUSD
// is that part and ModelCostUSD the rest, what the models under test cost.
type Grading struct {
	Unscored        int `json:"unscored,omitzero"`
	UnscoredResults int `json:"unscored_results,omitzero"`
	// JudgeCalls counts the judge and embedding calls, JudgeCached those
	// answered from the cache (they cost nothing).
	JudgeCalls   int     `json:"judge_calls,omitzero"`
	JudgeCached  int     `json:"judge_cached,omitzero"`
	JudgeTokens  int     `json:"judge_tokens,omitzero"`
	JudgeCostUSD float64 `json:"judge_cost_usd,omitzero"`
	// JudgeUnpriced counts the verdicts one of whose judge calls had no
	// price: JudgeCostUSD leaves those calls out.
	JudgeUnpriced int `json:"judge_unpriced,omitzero"`
}

// addGrading counts r's verdicts and judge usage; judgeCost is what costOf read.
func (g *Grading) addGrading(r *bench.Result, judgeCost float64) {
	for _, s := range r.Scores {
		if s.Unscored {
			g.Unscored++
		}
		if s.Judge != nil && s.Judge.CostUnknown {
			g.JudgeUnpriced++
		}
	}
	if unscoredGating(r) {
		g.UnscoredResults++
	}
	g.JudgeCalls += metaCount(r.Metadata, metaJudgeCalls)
	g.JudgeCached += metaCount(r.Metadata, metaJudgeCached)
	g.JudgeTokens += metaCount(r.Metadata, metaJudgeTokens)
	g.JudgeCostUSD += judgeCost
}

// resultCost is one result's cost, split between the model under test and
// its judges.
type resultCost struct {
	total, model, judge float64
	unpriced            bool
}

// costOf splits r's cost. When the model's own cost is not known (no
// price, or not a number) only the judges' part is, and the result counts
// as unpriced: so total = model + judge always holds.
func costOf(r *bench.Result) resultCost {
	judge := metaNumber(r.Metadata, metaJudgeCost)
	c := resultCost{judge: judge, total: judge}
	switch {
	case r.Cost.Unknown:
		c.unpriced = true
	case finite(r.Cost.Total):
		c.total = r.Cost.Total
		c.model = r.Cost.Total - judge
	}
	return c
}

// unscoredGating says whether r failed for want of a verdict: it succeeded,
// did not pass and carries an unscored verdict.
func unscoredGating(r *bench.Result) bool {
	if r.Status != bench.StatusSuccess || r.Passed {
		return false
	}
	for _, s := range r.Scores {
		if s.Unscored {
			return true
		}
	}
	return false
}

// unscoredText is how reports show a verdict that could not be reached:
// "unscored: <reason>", never a 0.
func unscoredText(reason string) string {
	if reason == "" {
		return "unscored"
	}
	return "unscored: " + reason
}

// caseScored says whether r's case score is a score: false when every
// verdict it carries is unscored, whose case score is a placeholder.
func caseScored(r *bench.Result) bool {
	for _, s := range r.Scores {
		if !s.Unscored {
			return true
		}
	}
	return len(r.Scores) == 0
}

// metaNumber reads a number the runner recorded in a result's metadata,
// as it is in memory (int, int64, float64) or after a JSON round trip
// (float64, json.Number). A missing, negative or malformed value is 0.
func metaNumber(m map[string]any, key string) float64 {
	var f float64
	switch v := m[key].(type) {
	case int:
		f = float64(v)
	case int64:
		f = float64(v)
	case float64:
		f = v
	case json.Number:
		n, err := v.Float64()
		if err != nil {
			return 0
		}
		f = n
	default:
		return 0
	}
	if !finite(f) || f < 0 {
		return 0
	}
	return f
}

// maxMetaCount bounds a count read from metadata, so that a corrupt value
// cannot overflow an int.
const maxMetaCount = 1 << 53

// metaCount reads a count from a result's metadata.
func metaCount(m map[string]any, key string) int {
	return int(math.Round(min(metaNumber(m, key), maxMetaCount)))
}

// JudgeLine is the one-line account of the run's judges, "" when no judge
// was called: "judges: 12 calls (3 from cache), 4,567 tokens, $0.0123 —
// models under test: $0.0456". When every judge answer came from the
// cache it says so in those words.
func (s *Summary) JudgeLine() string { return judgeLine(&s.Grading, s.ModelCostUSD, s.Unpriced) }

// JudgeLine is JudgeLine for one provider's results.
func (p *ProviderSummary) JudgeLine() string {
	return judgeLine(&p.Grading, p.ModelCostUSD, p.Unpriced)
}

func judgeLine(g *Grading, modelUSD float64, unpriced int) string {
	if g.JudgeCalls == 0 {
		return ""
	}
	var calls string
	switch {
	case g.JudgeCached >= g.JudgeCalls && g.JudgeCalls == 1:
		calls = "the one judge answer came from the cache"
	case g.JudgeCached >= g.JudgeCalls:
		calls = fmt.Sprintf("all %s judge answers came from the cache", fmtInt(g.JudgeCalls))
	default:
		calls = fmt.Sprintf("%s (%s from cache)", plural(g.JudgeCalls, "call", "calls"), fmtInt(g.JudgeCached))
	}
	return fmt.Sprintf("judges: %s, %s, %s — models under test: %s", calls, plural(g.JudgeTokens, "token", "tokens"),
		FormatCost(g.JudgeCostUSD, g.JudgeUnpriced), FormatCost(modelUSD, unpriced))
}

// UnscoredLine is the one-line account of the verdicts that could not be
// reached, "" when there were none: "unscored: 3 verdicts; 2 results
// failed for want of one".
func (s *Summary) UnscoredLine() string {
	if s.Unscored == 0 {
		return ""
	}
	return "unscored: " + s.unscoredCounts()
}

// unscoredCounts is "3 verdicts; 2 results failed for want of one".
func (g *Grading) unscoredCounts() string {
	failed := "no result failed for them"
	if g.UnscoredResults > 0 {
		failed = plural(g.UnscoredResults, "result", "results") + " failed for want of one"
	}
	return plural(g.Unscored, "verdict", "verdicts") + "; " + failed
}

// plural is "1 call" or "12 calls", with thousands separators.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmtInt(n) + " " + many
}
