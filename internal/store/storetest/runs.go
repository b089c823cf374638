package storetest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sync/errgroup"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// runStoreTests is the RunStore section.
var runStoreTests = []test{
	{"Lifecycle", testRunLifecycle},
	{"References", testRunRefs},
	{"Numbers", testRunNumbers},
	{"List", testListRuns},
	{"Liveness", testLiveness},
	{"LivenessFilters", testLivenessFilters},
}

func testRunLifecycle(t *testing.T, s store.Store) {
	ctx := ctxT(t)
	zone := time.FixedZone("X", 5*3600+30*60)
	run := &bench.Run{
		ID: "run-lifecycle-1", Name: "nightly", Description: "desc", UserID: "u1", Status: bench.RunRunning,
		Config: map[string]any{"suite": "s.yaml", "concurrency": 4.0, "providers": []any{"a", "b"}},
		Tags:   map[string]string{"team": "ml"}, Total: 40,
		CreatedAt: store.Now().In(zone), UpdatedAt: store.Now(), HeartbeatAt: store.Now().In(zone),
	}
	mustCreate(t, s, run)
	if err := s.CreateRun(ctx, run); err == nil {
		t.Error("CreateRun with a duplicate id succeeded")
	}
	if run.Seq <= 0 {
		t.Errorf("CreateRun left Seq = %d, want a run number", run.Seq)
	}
	want := *run
	want.CreatedAt, want.HeartbeatAt = run.CreatedAt.UTC(), run.HeartbeatAt.UTC()
	got, err := s.GetRun(ctx, run.ID)
	if err != nil {
		t.Fatalf("GetRun: %v", err)
	}
	if d := cmp.Diff(&want, got); d != "" {
		t.Errorf("GetRun mismatch (-want +got):\n%s", d)
	}

	run.Status = bench.RunCompleted
	run.Total = 41
	run.Totals = bench.Totals{Results: 41, Succeeded: 40, Errored: 1, Passed: 39, Failed: 2, CostUSD: 0.0123, Tokens: 999}
	run.Config = nil
	run.UpdatedAt = run.UpdatedAt.Add(time.Minute)
	run.Name = "renamed" // not saved by UpdateRun
	if err := s.UpdateRun(ctx, run); err != nil {
		t.Fatalf("UpdateRun: %v", err)
	}
	want.Status, want.Total, want.Totals, want.UpdatedAt = run.Status, run.Total, run.Totals, run.UpdatedAt
	want.Config = map[string]any{}
	got, err = s.GetRun(ctx, run.ID)
	if err != nil {
		t.Fatalf("GetRun after update: %v", err)
	}
	if d := cmp.Diff(&want, got); d != "" {
		t.Errorf("GetRun after update mismatch (-want +got):\n%s", d)
	}

	if err := s.UpdateRun(ctx, newRun("missing-run", 0)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateRun(missing) = %v, want ErrNotFound", err)
	}
	if err := s.DeleteRun(ctx, run.ID); err != nil {
		t.Fatalf("DeleteRun: %v", err)
	}
	if _, err := s.GetRun(ctx, run.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetRun after delete = %v, want ErrNotFound", err)
	}
	if err := s.DeleteRun(ctx, run.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteRun twice = %v, want ErrNotFound", err)
	}

	bare := newRun("bare-run", 1)
	mustCreate(t, s, bare)
	got, err = s.GetRun(ctx, bare.ID)
	if err != nil {
		t.Fatalf("GetRun(bare): %v", err)
	}
	wantBare := *bare
	wantBare.Config, wantBare.Tags = map[string]any{}, map[string]string{}
	if d := cmp.Diff(&wantBare, got); d != "" {
		t.Errorf("nil maps not normalised (-want +got):\n%s", d)
	}
}

func testListRuns(t *testing.T, s store.Store) {
	for i := range 55 {
		r := newRun(fmt.Sprintf("list-%02d", i), i)
		if i%5 == 0 {
			r.Status = bench.RunFailed
		}
		mustCreate(t, s, r)
	}
	names := func(runs []bench.Run) []string {
		out := []string{}
		for _, r := range runs {
			out = append(out, r.ID)
		}
		return out
	}
	tests := []struct {
		name string
		f    store.RunFilter
		want []string
	}{
		{"default limit 50, newest first", store.RunFilter{}, func() []string {
			var w []string
			for i := 54; i >= 5; i-- {
				w = append(w, fmt.Sprintf("list-%02d", i))
			}
			return w
		}()},
		{"limit offset", store.RunFilter{Limit: 3, Offset: 2}, []string{"list-52", "list-51", "list-50"}},
		{"status", store.RunFilter{Status: bench.RunFailed, Limit: 4}, []string{"list-50", "list-45", "list-40", "list-35"}},
		{"past the end", store.RunFilter{Offset: 100}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.ListRuns(ctxT(t), tc.f)
			if err != nil {
				t.Fatalf("ListRuns: %v", err)
			}
			if d := cmp.Diff(tc.want, names(got)); d != "" {
				t.Errorf("ListRuns(%+v) (-want +got):\n%s", tc.f, d)
			}
		})
	}
}

func testRunRefs(t *testing.T, s store.Store) {
	// UUIDv7 ids made minutes apart share their first 8 characters.
	a := newRun("01a24cca-3f10-7000-8000-00000000000a", 0)
	b := newRun("01a24cca-4e21-7000-8000-00000000000b", 1)
	c := newRun("01a24ccb-0000-7000-8000-00000000000c", 2)
	short := newRun("abc", 3)
	digits := newRun("0123456789-d", 4)
	mustCreate(t, s, a, b, c, short, digits)
	tests := []struct {
		ref     string
		want    string
		wantErr error
		msg     string // the whole error text, when set
		has     []string
	}{
		{ref: a.ID, want: a.ID},
		{ref: "01a24ccb", want: c.ID},
		{ref: "01a24cca-4e", want: b.ID},
		{ref: "abc", want: "abc"}, // an exact id of any length
		{ref: "#1", want: a.ID},
		{ref: "2", want: b.ID},
		{ref: "00003", want: c.ID},
		{ref: "012345", want: digits.ID}, // six digits: an id prefix
		{ref: "01a24cc", wantErr: store.ErrAmbiguous, has: []string{"ambiguous: matches", a.ID + " (#1)", b.ID + " (#2)", c.ID + " (#3)"}},
		{ref: "01a24cca", wantErr: store.ErrAmbiguous, has: []string{a.ID, b.ID}},
		{ref: "01a2", wantErr: store.ErrRefTooShort, msg: `run reference "01a2": too short (at least 6 characters or a run number)`},
		{ref: "zyxwv", wantErr: store.ErrRefTooShort},
		{ref: "", wantErr: store.ErrRefTooShort},
		{ref: "#9", wantErr: store.ErrNotFound, msg: `run reference "#9": no run #9`},
		{ref: "#0", wantErr: store.ErrNotFound},
		{ref: "#x", wantErr: store.ErrNotFound},
		{ref: "01234", wantErr: store.ErrNotFound}, // five digits: run #1234
		{ref: "123456", wantErr: store.ErrNotFound},
		{ref: "nomatch-at-all", wantErr: store.ErrNotFound, msg: `run reference "nomatch-at-all": not found`},
		{ref: "01a24c%", wantErr: store.ErrNotFound},
		{ref: "01a24cc_-3f10", wantErr: store.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			t.Parallel()
			got, err := s.GetRun(ctxT(t), tc.ref)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("GetRun(%q) = %v, %v; want %v", tc.ref, got, err, tc.wantErr)
				}
				if errors.Is(tc.wantErr, store.ErrRefTooShort) && !errors.Is(err, store.ErrNotFound) {
					t.Errorf("a reference too short is not also ErrNotFound: %v", err)
				}
				if tc.msg != "" && err.Error() != tc.msg {
					t.Errorf("error %q, want %q", err, tc.msg)
				}
				for _, h := range tc.has {
					if !strings.Contains(err.Error(), h) {
						t.Errorf("error %q does not name %q", err, h)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("GetRun(%q): %v", tc.ref, err)
			}
			if got.ID != tc.want {
				t.Errorf("GetRun(%q).ID = %q, want %q", tc.ref, got.ID, tc.want)
			}
		})
	}
}

// testRunNumbers checks that numbers are assigned in creation order, are
// unique under concurrent creation and are never reused.
func testRunNumbers(t *testing.T, s store.Store) {
	ctx := ctxT(t)
	for i := range 3 {
		r := newRun(fmt.Sprintf("num-%d", i), i)
		r.Seq = 99 // the store assigns it
		mustCreate(t, s, r)
		if r.Seq != int64(i+1) {
			t.Errorf("run %d got number %d, want %d", i, r.Seq, i+1)
		}
	}
	if err := s.DeleteRun(ctx, "num-2"); err != nil {
		t.Fatal(err)
	}
	again := newRun("num-again", 5)
	mustCreate(t, s, again)
	if again.Seq <= 3 {
		t.Errorf("number %d given again after the run that had it was deleted", again.Seq)
	}
	got, err := s.GetRun(ctx, fmt.Sprintf("#%d", again.Seq))
	if err != nil || got.ID != again.ID || got.Seq != again.Seq {
		t.Fatalf("GetRun(#%d) = %+v, %v", again.Seq, got, err)
	}

	const n = 24
	var g errgroup.Group
	runs := make([]*bench.Run, n)
	for i := range n {
		runs[i] = newRun(fmt.Sprintf("conc-%02d", i), 10+i)
		g.Go(func() error { return s.CreateRun(ctx, runs[i]) })
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("concurrent CreateRun: %v", err)
	}
	seen := map[int64]string{}
	for _, r := range runs {
		if prev, dup := seen[r.Seq]; dup || r.Seq <= again.Seq {
			t.Errorf("run %s got number %d (also %q)", r.ID, r.Seq, prev)
		}
		seen[r.Seq] = r.ID
	}
	list, err := s.ListRuns(ctx, store.RunFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range list {
		if r.ID == "num-1" && r.Seq != 2 {
			t.Errorf("ListRuns: num-1 has number %d, want 2", r.Seq)
		}
		if want, ok := seen[r.Seq]; ok && want != r.ID {
			t.Errorf("ListRuns: number %d is %s, CreateRun said %s", r.Seq, r.ID, want)
		}
	}
}

// liveRun returns a running run created and updated at `updated`.
func liveRun(id string, updated time.Time) *bench.Run {
	return &bench.Run{ID: id, Status: bench.RunRunning, CreatedAt: updated, UpdatedAt: updated}
}

// statusOf returns the status GetRun reports for id.
func statusOf(t *testing.T, s store.Store, id string) bench.RunStatus {
	t.Helper()
	r, err := s.GetRun(ctxT(t), id)
	if err != nil {
		t.Fatalf("GetRun(%s): %v", id, err)
	}
	return r.Status
}

func testLiveness(t *testing.T, s store.Store) {
	ctx := ctxT(t)
	now := store.Now()
	stale := now.Add(-2 * store.StaleAfter)
	// A run killed before heartbeats existed: only its start was recorded.
	mustCreate(t, s, liveRun("killed", stale))
	if got := statusOf(t, s, "killed"); got != bench.RunInterrupted {
		t.Errorf("run last updated %v ago is %s, want interrupted", now.Sub(stale), got)
	}
	if err := s.Heartbeat(ctx, "killed", now); err != nil {
		t.Fatalf("Heartbeat: %v", err)
	}
	r, err := s.GetRun(ctx, "killed")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != bench.RunRunning || !r.HeartbeatAt.Equal(now) || r.HeartbeatAt.Location() != time.UTC {
		t.Errorf("after a fresh heartbeat: status %s, heartbeat %v; want running, %v", r.Status, r.HeartbeatAt, now)
	}
	// The heartbeat stops: the process died.
	if err := s.Heartbeat(ctx, "killed", stale); err != nil {
		t.Fatalf("Heartbeat: %v", err)
	}
	if got := statusOf(t, s, "killed"); got != bench.RunInterrupted {
		t.Errorf("run with a stale heartbeat is %s, want interrupted", got)
	}
	// Resuming it updates the run, which counts as a sign of life.
	r.Status, r.UpdatedAt = bench.RunRunning, store.Now()
	if err := s.UpdateRun(ctx, r); err != nil {
		t.Fatalf("UpdateRun: %v", err)
	}
	if got := statusOf(t, s, "killed"); got != bench.RunRunning {
		t.Errorf("resumed run is %s, want running", got)
	}
	r.Status = bench.RunInterrupted
	if err := s.UpdateRun(ctx, r); err == nil {
		t.Error("UpdateRun stored the derived status interrupted")
	}

	done := liveRun("done", stale)
	done.Status, done.HeartbeatAt = bench.RunCompleted, stale
	mustCreate(t, s, done)
	if got := statusOf(t, s, "done"); got != bench.RunCompleted {
		t.Errorf("finished run with an old heartbeat is %s, want completed", got)
	}
	beating := liveRun("beating", stale)
	beating.HeartbeatAt = now
	mustCreate(t, s, beating)
	if got := statusOf(t, s, "beating"); got != bench.RunRunning {
		t.Errorf("run with a fresh heartbeat is %s, want running", got)
	}
	if err := s.Heartbeat(ctx, "no-such-run", now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Heartbeat(missing) = %v, want ErrNotFound", err)
	}
}

func testLivenessFilters(t *testing.T, s store.Store) {
	now := store.Now()
	stale := now.Add(-time.Minute)
	mustCreate(t, s, liveRun("live-1", now), liveRun("dead-2", stale))
	old := liveRun("revived-3", stale)
	old.HeartbeatAt = now
	mustCreate(t, s, old)
	mustCreate(t, s, newRun("finished-4", 0))
	tests := []struct {
		status bench.RunStatus
		want   map[string]bench.RunStatus
	}{
		{"", map[string]bench.RunStatus{"live-1": bench.RunRunning, "dead-2": bench.RunInterrupted,
			"revived-3": bench.RunRunning, "finished-4": bench.RunCompleted}},
		{bench.RunRunning, map[string]bench.RunStatus{"live-1": bench.RunRunning, "revived-3": bench.RunRunning}},
		{bench.RunInterrupted, map[string]bench.RunStatus{"dead-2": bench.RunInterrupted}},
		{bench.RunCompleted, map[string]bench.RunStatus{"finished-4": bench.RunCompleted}},
	}
	// Not parallel: a parallel subtest starts only when a slot frees, which
	// on a loaded machine can be after the live runs went stale.
	for _, tc := range tests {
		t.Run(string(tc.status), func(t *testing.T) {
			runs, err := s.ListRuns(ctxT(t), store.RunFilter{Status: tc.status})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bench.RunStatus{}
			for _, r := range runs {
				got[r.ID] = r.Status
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("ListRuns(status %q) (-want +got):\n%s", tc.status, d)
			}
		})
	}
}
