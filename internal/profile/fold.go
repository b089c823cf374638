package profile

import (
	"context"
	"fmt"
	"slices"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// Folds says whether run is folded into the profiles: a run that called
// models (the run service's, whose saved options are under "bench") and
// has ended (completed, failed, cancelled or stopped at its cost limit).
// Its results are measurements whichever way it ended; a run with none
// contributes nothing. A running or interrupted run is folded when it
// ends. An `eval` run re-scores answers another run (or another tool)
// produced and is left out, so the same answers never count twice.
func Folds(run *bench.Run) bool {
	_, called := run.Config["bench"]
	return called && run.Status.Ended()
}

// Reader is what FoldRun reads and writes.
type Reader interface {
	store.ResultReader
	store.ProfileStore
}

// FoldRun reads runID's stored results in one pass and makes them the
// run's contribution to the profiles (replacing an earlier one).
func FoldRun(ctx context.Context, st Reader, runID string) (results int64, err error) {
	var b Builder
	for r, err := range st.Results(ctx, runID, store.ResultFilter{}) {
		if err != nil {
			return 0, fmt.Errorf("fold run %s into profiles: read results: %w", runID, err)
		}
		b.Add(&r)
		results++
	}
	parts, err := b.Parts()
	if err != nil {
		return 0, fmt.Errorf("fold run %s into profiles: %w", runID, err)
	}
	if err := st.FoldProfiles(ctx, runID, parts); err != nil {
		return 0, err
	}
	return results, nil
}

// RebuildStore is what Rebuild needs.
type RebuildStore interface {
	store.RunStore
	Reader
}

// Rebuilt says what a rebuild read.
type Rebuilt struct {
	Runs    int   `json:"runs"`
	Results int64 `json:"results"`
}

// listPage is how many runs Rebuild lists at a time.
const listPage = 500

// Rebuild deletes every profile and folds every ended run again, oldest
// first, one run's results at a time: memory holds the run ids and one
// run's sums. A run that ends while it rebuilds is folded by its own
// hook, before or after; folding is idempotent, so it counts once.
func Rebuild(ctx context.Context, st RebuildStore) (Rebuilt, error) {
	var ids []string
	seen := map[string]bool{} // a run created while listing shifts the pages
	for off := 0; ; off += listPage {
		runs, err := st.ListRuns(ctx, store.RunFilter{Limit: listPage, Offset: off})
		if err != nil {
			return Rebuilt{}, fmt.Errorf("rebuild profiles: list runs: %w", err)
		}
		for i := range runs {
			if Folds(&runs[i]) && !seen[runs[i].ID] {
				seen[runs[i].ID] = true
				ids = append(ids, runs[i].ID)
			}
		}
		if len(runs) < listPage {
			break
		}
	}
	slices.Reverse(ids) // ListRuns is newest first
	if err := st.ResetProfiles(ctx); err != nil {
		return Rebuilt{}, fmt.Errorf("rebuild profiles: %w", err)
	}
	var out Rebuilt
	for _, id := range ids {
		n, err := FoldRun(ctx, st, id)
		if err != nil {
			return out, fmt.Errorf("rebuild profiles: %w", err)
		}
		out.Runs++
		out.Results += n
	}
	return out, nil
}
