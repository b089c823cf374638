package analysis

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Key is what pairs a case across the two sides.
type Key struct {
	CaseID   string
	PromptID string
}

// cell sums one case's values over its repetitions.
type cell struct {
	sum float64
	n   int
}

// maxNamesListed bounds the assertion names an error lists.
const maxNamesListed = 20

// Side is one side of a comparison: one provider's per-case values from a
// run or a file. Collect fills it; Compare sets Mean and Unpaired.
type Side struct {
	// Source names where the results came from (a run or a file).
	Source string `json:"source"`
	// Provider is the provider whose results were used.
	Provider string `json:"provider"`
	// Results counts the provider's results read.
	Results int `json:"results"`
	// Errored counts the results whose call failed; they count as stored.
	Errored int `json:"errored"`
	// Unscored counts results left out because their verdict on the metric
	// is unscored; Missing those left out because they have no such
	// assertion.
	Unscored int `json:"unscored"`
	Missing  int `json:"missing"`
	// Cases counts the cases with at least one value.
	Cases int `json:"cases"`
	// Unpaired counts the cases absent from the other side.
	Unpaired int `json:"unpaired"`
	// Repeated is set when some case has more than one value (repetitions,
	// averaged).
	Repeated bool `json:"repeated"`
	// Mean is the mean of the per-case values over the paired cases.
	Mean float64 `json:"mean"`

	cells map[Key]cell
}

// ProviderError says that a side's provider cannot be chosen: the results
// hold several and none was named (Want is empty), or none is Want.
type ProviderError struct {
	Source string
	Want   string
	Have   []string
}

func (e *ProviderError) Error() string {
	if e.Want == "" {
		return fmt.Sprintf("%s holds results of %d providers (%s): choose one", e.Source, len(e.Have), strings.Join(e.Have, ", "))
	}
	return fmt.Sprintf("%s has no results from provider %q; it holds %s", e.Source, e.Want, strings.Join(e.Have, ", "))
}

// InputError is a problem with the results themselves: none to compare,
// or too few cases in common.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// Collect streams results once and sums the metric per case for one
// provider: provider when it is set, else the only one there is (a
// *ProviderError when there are several or provider is absent). Memory
// grows with the number of cases, not of results.
func Collect(ctx context.Context, source string, results iter.Seq2[bench.Result, error], m Metric, provider string) (*Side, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	s := &Side{Source: source, Provider: provider, cells: map[Key]cell{}}
	have := map[string]bool{}
	names := map[string]bool{}
	several := false
	read := 0
	for r, err := range results {
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", source, err)
		}
		if read++; read%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		have[r.Provider] = true
		if s.Provider == "" {
			s.Provider = r.Provider
		}
		if r.Provider != s.Provider {
			several = several || provider == ""
			continue
		}
		if several {
			continue
		}
		s.add(&r, m, names)
	}
	providers := slices.Sorted(maps.Keys(have))
	switch {
	case len(have) == 0:
		return nil, &InputError{Msg: fmt.Sprintf("%s holds no results", source)}
	case several:
		return nil, &ProviderError{Source: source, Have: providers}
	case !have[s.Provider]:
		return nil, &ProviderError{Source: source, Want: provider, Have: providers}
	case len(s.cells) == 0:
		return nil, noValues(s, m, names)
	}
	s.Cases = len(s.cells)
	return s, nil
}

// add counts one result of the chosen provider.
func (s *Side) add(r *bench.Result, m Metric, names map[string]bool) {
	s.Results++
	if r.Status != bench.StatusSuccess {
		s.Errored++
	}
	v := m.of(r)
	switch {
	case v.missing:
		s.Missing++
		for n := range r.Scores {
			if len(names) < maxNamesListed {
				names[n] = true
			}
		}
		return
	case v.unscored:
		s.Unscored++
		return
	}
	k := Key{CaseID: r.CaseID, PromptID: r.PromptID}
	c := s.cells[k]
	c.sum += v.x
	c.n++
	s.Repeated = s.Repeated || c.n > 1
	s.cells[k] = c
}

// noValues explains why no result of the side has a value.
func noValues(s *Side, m Metric, names map[string]bool) error {
	msg := fmt.Sprintf("%s: no result of %s has a value for metric %q (%d unscored, %d without it)", s.Source, s.Provider, m, s.Unscored, s.Missing)
	if s.Missing > 0 {
		if len(names) == 0 {
			msg += "; its results have no assertions"
		} else {
			msg += "; assertions present: " + strings.Join(slices.Sorted(maps.Keys(names)), ", ")
		}
		msg += " (or use --metric passed or score)"
	}
	return &InputError{Msg: msg}
}
