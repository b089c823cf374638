package session

import (
	"context"

	"github.com/llm-test-bench/llm-test-bench/internal/profile"
)

// foldProfiles makes the finished run's results its contribution to the
// model profiles that `optimize` reads, whichever front end ran it. A run
// that has not ended (interrupted, to be continued) is folded when it
// does; a continued run's sums were read back whole from the store, so
// its contribution replaces the earlier one. A failure is logged, not
// returned: the results are stored, and `optimize --rebuild` re-derives
// every profile from them.
func (r *Run) foldProfiles(ctx context.Context) {
	if !profile.Folds(r.run) {
		return
	}
	parts, err := r.profiles.Parts()
	if err == nil {
		err = r.svc.store.FoldProfiles(ctx, r.run.ID, parts)
	}
	if err != nil {
		r.svc.log.Warn("model profiles not updated; `llm-test-bench optimize --rebuild` re-derives them", "run", r.run.ID, "error", err)
	}
}
