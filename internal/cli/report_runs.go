package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// reportStore is what selecting a report's runs needs of the store.
type reportStore interface {
	store.RunStore
	store.ResultReader
	store.ResultQuerier
}

// selectReportRuns resolves the RUNs given and adds the runs --suite and
// --name select. A RUN that does not exist or holds no results is an input
// error; a selected run without results is left out with a note, and a
// selection that finds nothing is an input error.
func selectReportRuns(cmd *cobra.Command, st reportStore, f *reportFlags, refs []string) ([]*bench.Run, error) {
	var runs []*bench.Run
	named := map[string]string{}
	for _, ref := range refs {
		run, err := getRun(cmd, st, ref)
		if err != nil {
			return nil, err
		}
		if prev, ok := named[run.ID]; ok {
			return nil, configErr("%s and %s name the same run %s", prev, ref, runNumber(run.Seq))
		}
		named[run.ID] = ref
		runs = append(runs, run)
	}
	if f.suite != "" || f.name != "" {
		// A live or interrupted run is partial: only ended runs make a trend.
		ended := func(r *bench.Run) bool { return r.Status.Ended() }
		found, err := pageRuns(cmd, st, store.RunQuery{Suite: f.suite, Name: f.name}, f.last, ended)
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, inputErr(fmt.Errorf("no ended run matches %s; see `llm-test-bench runs list`", selection(f)))
		}
		for i := range found {
			if _, ok := named[found[i].ID]; !ok {
				runs = append(runs, &found[i])
			}
		}
	}
	return withResults(cmd, st, runs, named)
}

// pageRuns pages through the runs q selects, newest first, and returns
// the first limit (store.DefaultPage when limit is 0 or less) that keep
// accepts (every run when keep is nil).
func pageRuns(cmd *cobra.Command, st store.ResultQuerier, q store.RunQuery, limit int, keep func(*bench.Run) bool) ([]bench.Run, error) {
	if limit <= 0 {
		limit = store.DefaultPage
	}
	out := []bench.Run{}
	for {
		q.Limit = store.MaxPage
		if keep == nil {
			q.Limit = min(limit-len(out), store.MaxPage)
		}
		page, next, err := st.PageRuns(cmd.Context(), q)
		if err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		for i := range page {
			if keep == nil || keep(&page[i]) {
				out = append(out, page[i])
			}
			if len(out) == limit {
				return out, nil
			}
		}
		if next == "" {
			return out, nil
		}
		q.After = next
	}
}

// withResults checks that every run holds results, in one grouped query.
func withResults(cmd *cobra.Command, st store.ResultReader, runs []*bench.Run, named map[string]string) ([]*bench.Run, error) {
	ids := make([]string, len(runs))
	for i, r := range runs {
		ids[i] = r.ID
	}
	totals, err := st.Totals(cmd.Context(), ids...)
	if err != nil {
		return nil, fmt.Errorf("count results: %w", err)
	}
	var kept []*bench.Run
	for _, r := range runs {
		switch {
		case totals[r.ID].Results > 0:
			kept = append(kept, r)
		case named[r.ID] != "":
			return nil, inputErr(fmt.Errorf("run %s (%s) holds no results: nothing to report", runNumber(r.Seq), r.ID))
		default:
			fmt.Fprintf(cmd.ErrOrStderr(), "Left out run %s (%s): it holds no results\n", runNumber(r.Seq), r.ID)
		}
	}
	return kept, nil
}

// selection describes --suite and --name for a message.
func selection(f *reportFlags) string {
	var parts []string
	if f.suite != "" {
		parts = append(parts, fmt.Sprintf("--suite %q", f.suite))
	}
	if f.name != "" {
		parts = append(parts, fmt.Sprintf("--name %q", f.name))
	}
	return strings.Join(parts, " ")
}
