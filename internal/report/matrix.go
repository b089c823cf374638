package report

import (
	"slices"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Cell states of the pass/fail matrix.
const (
	CellPass    = "pass"    // every result passed
	CellFail    = "fail"    // no result passed and at least one call succeeded
	CellPartial = "partial" // some results passed
	CellError   = "error"   // every call failed
	CellNone    = "none"    // the provider has no result for the case
)

// maxReason bounds the reason kept per matrix cell.
const maxReason = 240

// Cell aggregates one case x provider pair over prompts and repetitions;
// its counters mean what ProviderSummary's do (Failed includes Errored).
type Cell struct {
	Provider string `json:"provider"`
	State    string `json:"state"`
	Results  int    `json:"results"`
	Passed   int    `json:"passed"`
	Failed   int    `json:"failed"`
	Errored  int    `json:"errored"`
	// Unscored counts the results that failed for want of a verdict
	// (see Grading); they are in Failed too.
	Unscored int `json:"unscored,omitzero"`
	// Score is the mean case score of the succeeded results that have one
	// (see ProviderSummary.MeanScore); Scored counts them.
	Score  float64 `json:"score"`
	Scored int     `json:"scored"`
	// Reason is the first failing assertion's or error's explanation.
	Reason string `json:"reason,omitempty"`

	scoreSum float64
}

// MatrixRow is one case across all providers, in Matrix.Providers order.
type MatrixRow struct {
	CaseID string `json:"case_id"`
	Cells  []Cell `json:"cells"`
}

// Matrix is the cases x providers pass/fail grid. Cases appear in the order
// they were first seen. When more distinct cases arrive than the limit, the
// rest are left out and Truncated says so.
type Matrix struct {
	Providers []string    `json:"providers"`
	Rows      []MatrixRow `json:"rows"`
	Truncated bool        `json:"truncated"`
	// OmittedResults counts the results of cases beyond the limit.
	OmittedResults int `json:"omitted_results"`
}

// matrixBuilder accumulates cells as results stream past.
type matrixBuilder struct {
	cases   []string
	index   map[string]int
	cells   []map[string]*Cell // per case, by provider
	omitted int
}

// add folds r into its cell, unless its case is beyond limit.
func (m *matrixBuilder) add(r *bench.Result, limit int) {
	if m.index == nil {
		m.index = map[string]int{}
	}
	i, ok := m.index[r.CaseID]
	if !ok {
		if len(m.cases) >= limit {
			m.omitted++
			return
		}
		i = len(m.cases)
		m.index[r.CaseID] = i
		m.cases = append(m.cases, r.CaseID)
		m.cells = append(m.cells, map[string]*Cell{})
	}
	c := m.cells[i][r.Provider]
	if c == nil {
		c = &Cell{Provider: r.Provider}
		m.cells[i][r.Provider] = c
	}
	c.Results++
	switch {
	case r.Status != bench.StatusSuccess:
		c.Errored++
		c.Failed++
	case r.Passed:
		c.Passed++
	default:
		c.Failed++
	}
	if unscoredGating(r) {
		c.Unscored++
	}
	if r.Status == bench.StatusSuccess && finite(r.Score) && caseScored(r) {
		c.scoreSum += r.Score
		c.Scored++
	}
	if c.Reason == "" && !r.Passed {
		c.Reason = truncate(FailureReason(r), maxReason)
	}
}

// build lays the cells out in the given provider order.
func (m *matrixBuilder) build(providers []string) Matrix {
	out := Matrix{
		Providers:      slices.Clone(providers),
		Rows:           make([]MatrixRow, len(m.cases)),
		Truncated:      m.omitted > 0,
		OmittedResults: m.omitted,
	}
	for i, id := range m.cases {
		row := MatrixRow{CaseID: id, Cells: make([]Cell, len(providers))}
		for j, p := range providers {
			c := m.cells[i][p]
			if c == nil {
				row.Cells[j] = Cell{Provider: p, State: CellNone}
				continue
			}
			cell := *c
			if cell.Scored > 0 {
				cell.Score = cell.scoreSum / float64(cell.Scored)
			}
			cell.State = cellState(&cell)
			row.Cells[j] = cell
		}
		out.Rows[i] = row
	}
	return out
}

func cellState(c *Cell) string {
	switch {
	case c.Results == 0:
		return CellNone
	case c.Passed == c.Results:
		return CellPass
	case c.Errored == c.Results:
		return CellError
	case c.Passed == 0:
		return CellFail
	default:
		return CellPartial
	}
}

// outcome is a result's status, with "passed" or "failed" for succeeded calls.
func outcome(r *bench.Result) string {
	switch {
	case r.Status != bench.StatusSuccess:
		return string(r.Status)
	case r.Passed:
		return "passed"
	default:
		return "failed"
	}
}

// FailureReason explains why a result did not pass: the call's error, or
// the failing assertions as "name: reason" joined by "; " in name order,
// an unscored one as "name: unscored: reason" (no verdict, not a 0).
func FailureReason(r *bench.Result) string {
	if r.Status != bench.StatusSuccess {
		msg := string(r.Status)
		if r.Error != nil {
			if r.Error.Kind != "" {
				msg = r.Error.Kind
			}
			if r.Error.Message != "" {
				msg += ": " + r.Error.Message
			}
		}
		return msg
	}
	if r.Passed {
		return ""
	}
	names := make([]string, 0, len(r.Scores))
	for name, s := range r.Scores {
		if !s.Pass {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var b strings.Builder
	for i, name := range names {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(name)
		switch s := r.Scores[name]; {
		case s.Unscored:
			b.WriteString(": ")
			b.WriteString(unscoredText(s.Reason))
		case s.Reason != "":
			b.WriteString(": ")
			b.WriteString(s.Reason)
		}
	}
	if b.Len() == 0 {
		return "score below threshold"
	}
	return b.String()
}

// truncate shortens s to at most n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	count := 0
	for i := range s {
		if count == n {
			return s[:i] + "…"
		}
		count++
	}
	return s
}
