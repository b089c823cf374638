package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// fakeFinder keeps runs in memory, as a backend would.
type fakeFinder struct {
	runs []bench.Run
	err  error
}

func (f fakeFinder) RunByID(_ context.Context, id string) (*bench.Run, error) {
	for i := range f.runs {
		if f.runs[i].ID == id {
			return &f.runs[i], f.err
		}
	}
	return nil, f.err
}

func (f fakeFinder) RunBySeq(_ context.Context, seq int64) (*bench.Run, error) {
	for i := range f.runs {
		if f.runs[i].Seq == seq {
			return &f.runs[i], f.err
		}
	}
	return nil, f.err
}

func (f fakeFinder) RunsByPrefix(_ context.Context, prefix string, limit int) ([]bench.Run, error) {
	var out []bench.Run
	for _, r := range f.runs {
		if strings.HasPrefix(r.ID, prefix) && len(out) < limit {
			out = append(out, r)
		}
	}
	return out, f.err
}

var fakeRuns = fakeFinder{runs: []bench.Run{
	{ID: "01a24cca-0001", Seq: 1}, {ID: "01a24cca-0002", Seq: 2}, {ID: "01a24cca-0003", Seq: 3},
	{ID: "01a24cca-0004", Seq: 4}, {ID: "7", Seq: 5},
}}

func TestResolveRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ref     string
		want    string
		wantErr error
		has     string
	}{
		{ref: "7", want: "7"}, // an id that looks like a number wins
		{ref: "5", want: "7"},
		{ref: "#4", want: "01a24cca-0004"},
		{ref: "01a24cca", wantErr: store.ErrAmbiguous, has: "01a24cca-0001 (#1), 01a24cca-0002 (#2), 01a24cca-0003 (#3) and more; give more characters or the run number"},
		{ref: "#-1", wantErr: store.ErrNotFound, has: "not a run number"},
		{ref: "#99999999999999999999", wantErr: store.ErrNotFound},
		{ref: "ab", wantErr: store.ErrRefTooShort},
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			t.Parallel()
			got, err := store.ResolveRun(t.Context(), tc.ref, fakeRuns)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.has) {
					t.Fatalf("ResolveRun(%q) = %v, %v; want %v with %q", tc.ref, got, err, tc.wantErr, tc.has)
				}
				return
			}
			if err != nil || got.ID != tc.want {
				t.Fatalf("ResolveRun(%q) = %v, %v; want %s", tc.ref, got, err, tc.want)
			}
		})
	}
}

func TestResolveRunPassesFinderErrorsThrough(t *testing.T) {
	t.Parallel()
	boom := errors.New("database on fire")
	for _, ref := range []string{"#1", "1", "01a24cca-0001", "01a24c"} {
		_, err := store.ResolveRun(t.Context(), ref, fakeFinder{err: boom})
		var re *store.RefError
		if !errors.Is(err, boom) || errors.As(err, &re) {
			t.Errorf("ResolveRun(%q) = %v; want the finder's error, not a reference error", ref, err)
		}
	}
}

func TestDeriveStatus(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		status    bench.RunStatus
		updated   time.Time
		heartbeat time.Time
		want      bench.RunStatus
	}{
		{"fresh heartbeat", bench.RunRunning, now.Add(-time.Hour), now.Add(-time.Second), bench.RunRunning},
		{"stale heartbeat", bench.RunRunning, now.Add(-time.Hour), now.Add(-store.StaleAfter - time.Second), bench.RunInterrupted},
		{"exactly at the threshold", bench.RunRunning, now.Add(-time.Hour), now.Add(-store.StaleAfter), bench.RunRunning},
		{"no heartbeat, recent update", bench.RunRunning, now.Add(-time.Second), time.Time{}, bench.RunRunning},
		{"no heartbeat, old update", bench.RunRunning, now.Add(-time.Hour), time.Time{}, bench.RunInterrupted},
		{"resumed after a stale heartbeat", bench.RunRunning, now, now.Add(-time.Hour), bench.RunRunning},
		{"finished long ago", bench.RunCompleted, now.Add(-time.Hour), time.Time{}, bench.RunCompleted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := bench.Run{Status: tc.status, UpdatedAt: tc.updated, HeartbeatAt: tc.heartbeat}
			store.DeriveStatus(&r, now)
			if r.Status != tc.want {
				t.Errorf("status %s, want %s", r.Status, tc.want)
			}
		})
	}
}

// FuzzResolveRun feeds arbitrary references (they come from the command
// line): no panic, and every failure is a reference error that quotes the
// reference.
func FuzzResolveRun(f *testing.F) {
	for _, s := range []string{"", "#", "#1", "1", "01a24cca", "01a24cca-0001", "ab\x00cd", "#+5", "０１２３４５"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		run, err := store.ResolveRun(context.Background(), ref, fakeRuns)
		if err == nil {
			if run == nil {
				t.Fatal("no run and no error")
			}
			return
		}
		var re *store.RefError
		if !errors.As(err, &re) || re.Ref != ref {
			t.Fatalf("ResolveRun(%q) = %v; want a RefError for it", ref, err)
		}
	})
}
