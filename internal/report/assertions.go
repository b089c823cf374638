package report

import (
	"cmp"
	"slices"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// DefaultAssertionLimit is the number of distinct score names the
// per-assertion breakdown keeps before it is truncated.
const DefaultAssertionLimit = 200

// AssertionSummary is the verdicts of one score name (an assertion's or
// metric's name, as results record it) over the run.
//
// Every verdict is exactly one of Passed, Failed (scored and not passed)
// and Unscored: an unscored verdict is never read as a 0. MeanScore is the
// mean of the scored verdicts, nil when none was scored.
type AssertionSummary struct {
	Name      string   `json:"name"`
	Verdicts  int      `json:"verdicts"`
	Passed    int      `json:"passed"`
	Failed    int      `json:"failed"`
	Unscored  int      `json:"unscored"`
	MeanScore *float64 `json:"mean_score"`
	// UnscoredReason is the first unscored verdict's reason.
	UnscoredReason string `json:"unscored_reason,omitempty"`
	// PositionChecked counts the verdicts whose judge saw the answers in
	// both orders (bench.JudgeInfo.PositionConsistent is set), and
	// PositionConsistent those where it gave the same verdict both ways.
	PositionChecked    int `json:"position_checked,omitzero"`
	PositionConsistent int `json:"position_consistent,omitzero"`
}

// AssertionBreakdown is the per-assertion table of a run, sorted by name.
// When more distinct names arrive than the limit, the verdicts of the rest
// are left out and Truncated says so.
type AssertionBreakdown struct {
	Rows      []AssertionSummary `json:"rows"`
	Truncated bool               `json:"truncated,omitzero"`
	// OmittedVerdicts counts the verdicts of names beyond the limit.
	OmittedVerdicts int `json:"omitted_verdicts,omitzero"`
}

// assertionBuilder accumulates the breakdown as results stream past.
// Memory is bounded by the limit on names, never by the results.
type assertionBuilder struct {
	rows    map[string]*assertionAgg
	omitted int
	fresh   []string // scratch: one result's names not seen before
}

// add folds r's verdicts in; names beyond limit are counted as omitted.
func (b *assertionBuilder) add(r *bench.Result, limit int) {
	if len(r.Scores) == 0 {
		return
	}
	if b.rows == nil {
		b.rows = map[string]*assertionAgg{}
	}
	b.fresh = b.fresh[:0]
	for name, s := range r.Scores {
		if row := b.rows[name]; row != nil {
			row.add(s)
		} else {
			b.fresh = append(b.fresh, name)
		}
	}
	if room := limit - len(b.rows); len(b.fresh) > room {
		// Keep the names that sort first, so the table does not depend on
		// map order.
		slices.Sort(b.fresh)
		b.omitted += len(b.fresh) - max(room, 0)
		b.fresh = b.fresh[:max(room, 0)]
	}
	for _, name := range b.fresh {
		row := &assertionAgg{sum: AssertionSummary{Name: name}}
		row.add(r.Scores[name])
		b.rows[name] = row
	}
}

// assertionAgg is the running state behind one AssertionSummary.
type assertionAgg struct {
	sum      AssertionSummary
	scoreSum float64
	scoreN   int
}

// add counts one verdict.
func (g *assertionAgg) add(s bench.Score) {
	a := &g.sum
	a.Verdicts++
	switch {
	case s.Unscored:
		a.Unscored++
		if a.UnscoredReason == "" {
			a.UnscoredReason = truncate(oneLine(s.Reason), maxReason)
		}
	case s.Pass:
		a.Passed++
	default:
		a.Failed++
	}
	if !s.Unscored && finite(s.Score) {
		g.scoreSum += s.Score
		g.scoreN++
	}
	if s.Judge != nil && s.Judge.PositionConsistent != nil {
		a.PositionChecked++
		if *s.Judge.PositionConsistent {
			a.PositionConsistent++
		}
	}
}

// build returns the rows sorted by name, with their means.
func (b *assertionBuilder) build() AssertionBreakdown {
	out := AssertionBreakdown{
		Rows:            make([]AssertionSummary, 0, len(b.rows)),
		Truncated:       b.omitted > 0,
		OmittedVerdicts: b.omitted,
	}
	for _, g := range b.rows {
		r := g.sum
		if g.scoreN > 0 {
			m := g.scoreSum / float64(g.scoreN)
			r.MeanScore = &m
		}
		out.Rows = append(out.Rows, r)
	}
	slices.SortFunc(out.Rows, func(x, y AssertionSummary) int { return cmp.Compare(x.Name, y.Name) })
	return out
}
