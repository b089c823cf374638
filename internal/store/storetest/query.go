package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// resultQuerierTests is the ResultQuerier section.
var resultQuerierTests = []test{
	{"QueryFilters", testQueryFilters},
	{"QueryPagingWhileWriting", testQueryPagingWhileWriting},
	{"QueryBadCursor", testQueryBadCursor},
	{"QueryText", testQueryText},
	{"GetResult", testGetResult},
	{"PageRuns", testPageRuns},
}

// newestFirst sorts results as the pages do: created_at, then id, both
// descending.
func newestFirst(rs []bench.Result) {
	slices.SortFunc(rs, func(a, b bench.Result) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
}

// walkResults reads every page of q, checking each page's size, and
// returns the ids in page order.
func walkResults(t *testing.T, s store.Store, q store.ResultQuery) []string {
	t.Helper()
	got := []string{}
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatalf("QueryResults(%+v): no last page", q)
		}
		items, next, err := s.QueryResults(ctxT(t), q)
		if err != nil {
			t.Fatalf("QueryResults(%+v): %v", q, err)
		}
		if len(items) > store.PageSize(q.Limit) {
			t.Fatalf("QueryResults(%+v): %d items, page size %d", q, len(items), store.PageSize(q.Limit))
		}
		if next != "" && len(items) != store.PageSize(q.Limit) {
			t.Fatalf("QueryResults(%+v): short page of %d with a next cursor", q, len(items))
		}
		got = append(got, ids(items)...)
		if next == "" {
			return got
		}
		q.After = next
	}
}

// traceOf is the trace of the fixture's traced runs; qc is not traced.
var traceOf = map[string]string{"qa": "4bf92f3577b34da6a3ce929d0e0e4736", "qb": "0af7651916cd43dd8448eb211c80319c"}

// queryFixture writes 24 results over three runs (alice's, bob's and an
// unowned one) whose fields vary independently, two per created_at so
// that the id breaks ties.
func queryFixture(t *testing.T, s store.Store) []bench.Result {
	t.Helper()
	runs := []*bench.Run{newRun("qa", 0), newRun("qb", 1), newRun("qc", 2)}
	runs[0].UserID, runs[1].UserID = "alice", "bob"
	mustCreate(t, s, runs...)
	var rs []bench.Result
	for i := range 24 {
		r := bench.Result{
			ID: fmt.Sprintf("q-%02d", i), RunID: runs[i%3].ID, CaseID: fmt.Sprintf("case-%d", i%4), PromptID: "p", Repetition: i,
			Provider: []string{"openai", "anthropic"}[i%2], Model: []string{"m1", "m2", "m3"}[i/2%3],
			Status: bench.StatusSuccess, Passed: i%3 != 1, Score: float64(i%10) / 10,
			Tags: [][]string{{"smoke", "math"}, {"math"}, nil, {}}[i%4],
			// Written out of order: the pages follow created_at, not the writes.
			CreatedAt: epoch.Add(time.Duration((23-i)/2) * time.Second),
		}
		if i%5 == 0 {
			r.Status = bench.StatusError
		}
		if tr := traceOf[r.RunID]; tr != "" && i%4 != 3 { // a run traced but for some results (a resume with tracing off)
			r.TraceID, r.SpanID = tr, fmt.Sprintf("%016x", i+1)
		}
		rs = append(rs, r)
	}
	mustWrite(t, s, rs[:10])
	mustWrite(t, s, rs[10:])
	return rs
}

func testQueryFilters(t *testing.T, s store.Store) {
	rs := queryFixture(t, s)
	yes, no := true, false
	f := func(v float64) *float64 { return &v }
	owner := map[string]string{"qa": "alice", "qb": "bob"}
	hasTag := func(r bench.Result, tag string) bool { return slices.Contains(r.Tags, tag) }
	tests := []struct {
		name string
		q    store.ResultQuery
		keep func(r bench.Result) bool
	}{
		{"none", store.ResultQuery{}, func(bench.Result) bool { return true }},
		{"run", store.ResultQuery{RunID: "qb"}, func(r bench.Result) bool { return r.RunID == "qb" }},
		{"user", store.ResultQuery{UserID: "alice"}, func(r bench.Result) bool { return owner[r.RunID] == "alice" }},
		{"user without runs", store.ResultQuery{UserID: "carol"}, func(bench.Result) bool { return false }},
		{"provider", store.ResultQuery{Provider: "anthropic"}, func(r bench.Result) bool { return r.Provider == "anthropic" }},
		{"model", store.ResultQuery{Model: "m2"}, func(r bench.Result) bool { return r.Model == "m2" }},
		{"case", store.ResultQuery{CaseID: "case-3"}, func(r bench.Result) bool { return r.CaseID == "case-3" }},
		{"status", store.ResultQuery{Status: bench.StatusError}, func(r bench.Result) bool { return r.Status == bench.StatusError }},
		{"trace", store.ResultQuery{TraceID: traceOf["qb"]}, func(r bench.Result) bool { return r.TraceID == traceOf["qb"] }},
		{"unknown trace", store.ResultQuery{TraceID: "00000000000000000000000000000001"}, func(bench.Result) bool { return false }},
		{"trace failed", store.ResultQuery{TraceID: traceOf["qa"], Passed: &no}, func(r bench.Result) bool {
			return r.TraceID == traceOf["qa"] && !r.Passed
		}},
		{"passed", store.ResultQuery{Passed: &yes}, func(r bench.Result) bool { return r.Passed }},
		{"failed", store.ResultQuery{Passed: &no}, func(r bench.Result) bool { return !r.Passed }},
		{"min score", store.ResultQuery{MinScore: f(0.5)}, func(r bench.Result) bool { return r.Score >= 0.5 }},
		{"max score", store.ResultQuery{MaxScore: f(0.3)}, func(r bench.Result) bool { return r.Score <= 0.3 }},
		{"score range inclusive", store.ResultQuery{MinScore: f(0.2), MaxScore: f(0.2)}, func(r bench.Result) bool { return r.Score == 0.2 }},
		{"tag", store.ResultQuery{Tag: "math"}, func(r bench.Result) bool { return hasTag(r, "math") }},
		{"tag of fewer", store.ResultQuery{Tag: "smoke"}, func(r bench.Result) bool { return hasTag(r, "smoke") }},
		{"unknown tag", store.ResultQuery{Tag: "ma"}, func(bench.Result) bool { return false }},
		{"run provider passed", store.ResultQuery{RunID: "qb", Provider: "openai", Passed: &yes}, func(r bench.Result) bool {
			return r.RunID == "qb" && r.Provider == "openai" && r.Passed
		}},
		{"user status", store.ResultQuery{UserID: "alice", Status: bench.StatusError}, func(r bench.Result) bool {
			return owner[r.RunID] == "alice" && r.Status == bench.StatusError
		}},
		{"user other run", store.ResultQuery{UserID: "alice", RunID: "qb"}, func(bench.Result) bool { return false }},
		{"tag score model", store.ResultQuery{Tag: "math", MinScore: f(0.3), Model: "m1"}, func(r bench.Result) bool {
			return hasTag(r, "math") && r.Score >= 0.3 && r.Model == "m1"
		}},
		{"case failed max score", store.ResultQuery{CaseID: "case-1", Passed: &no, MaxScore: f(0.7)}, func(r bench.Result) bool {
			return r.CaseID == "case-1" && !r.Passed && r.Score <= 0.7
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var kept []bench.Result
			for _, r := range rs {
				if tc.keep(r) {
					kept = append(kept, r)
				}
			}
			newestFirst(kept)
			want := ids(kept)
			for _, limit := range []int{0, 1, 3} {
				q := tc.q
				q.Limit = limit
				if d := gocmp.Diff(want, walkResults(t, s, q)); d != "" {
					t.Errorf("limit %d (-want +got):\n%s", limit, d)
				}
			}
		})
	}
	t.Run("default page", func(t *testing.T) {
		t.Parallel()
		items, next, err := s.QueryResults(ctxT(t), store.ResultQuery{})
		if err != nil || len(items) != len(rs) || next != "" {
			t.Fatalf("QueryResults() = %d items, next %q, %v; want all %d and no next", len(items), next, err, len(rs))
		}
		if d := gocmp.Diff(rs[0], findResult(items, rs[0].ID), normalised()); d != "" {
			t.Errorf("a page item differs from what was written (-want +got):\n%s", d)
		}
	})
}

// normalised compares results as the suite's normalisation leaves them.
func normalised() gocmp.Option {
	return gocmp.Transformer("normalise", func(r bench.Result) bench.Result {
		if r.Scores == nil {
			r.Scores = map[string]bench.Score{}
		}
		if r.Tags == nil {
			r.Tags = []string{}
		}
		if r.Metadata == nil {
			r.Metadata = map[string]any{}
		}
		return r
	})
}

func findResult(rs []bench.Result, id string) bench.Result {
	for _, r := range rs {
		if r.ID == id {
			return r
		}
	}
	return bench.Result{}
}

// testQueryPagingWhileWriting walks pages of two results while another
// goroutine keeps writing newer results: every result present before the
// walk comes back exactly once, and nothing comes back twice.
func testQueryPagingWhileWriting(t *testing.T, s store.Store) {
	mustCreate(t, s, newRun("pw", 0))
	const n = 150
	var before []bench.Result
	for i := range n {
		r := bench.Result{ID: fmt.Sprintf("pw-%04d", i), RunID: "pw", CaseID: fmt.Sprint(i), Status: bench.StatusSuccess,
			CreatedAt: epoch.Add(time.Duration(i/3) * time.Millisecond)} // three per instant
		before = append(before, r)
	}
	mustWrite(t, s, before)
	ctx, cancel := context.WithCancel(ctxT(t))
	var wg sync.WaitGroup
	var writeErr error
	wg.Go(func() {
		for i := 0; ctx.Err() == nil; i++ {
			r := bench.Result{ID: fmt.Sprintf("pw-new-%04d", i), RunID: "pw", CaseID: fmt.Sprint("new", i),
				Status: bench.StatusSuccess, CreatedAt: epoch.Add(time.Hour + time.Duration(i)*time.Millisecond)}
			if err := s.WriteResults(ctx, []bench.Result{r}); err != nil {
				if ctx.Err() == nil {
					writeErr = err
				}
				return
			}
		}
	})
	got := walkResults(t, s, store.ResultQuery{Limit: 2})
	cancel()
	wg.Wait()
	if writeErr != nil {
		t.Fatalf("concurrent WriteResults: %v", writeErr)
	}
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
		if seen[id] > 1 {
			t.Errorf("%s returned twice", id)
		}
	}
	for _, r := range before {
		if seen[r.ID] != 1 {
			t.Errorf("%s returned %d times, want once", r.ID, seen[r.ID])
		}
	}
}

func testQueryBadCursor(t *testing.T, s store.Store) {
	mustCreate(t, s, newRun("bc", 0))
	mustWrite(t, s, []bench.Result{fullResult("bc", 1), fullResult("bc", 2)})
	at := epoch.Add(time.Hour)
	t.Run("values no text column holds", func(t *testing.T) {
		t.Parallel()
		for _, v := range []string{"a\x00b", "\xff\xfe"} {
			items, _, err := s.QueryResults(ctxT(t), store.ResultQuery{Provider: v, RunID: v, Tag: v, UserID: v, Model: v, CaseID: v, TraceID: v})
			if err != nil || len(items) != 0 {
				t.Errorf("QueryResults(%q filters) = %d items, %v; want none", v, len(items), err)
			}
			runs, _, err := s.PageRuns(ctxT(t), store.RunQuery{Name: v, Tag: v, Origin: v, UserID: v, Suite: v})
			if err != nil || len(runs) != 0 {
				t.Errorf("PageRuns(%q filters) = %d runs, %v; want none", v, len(runs), err)
			}
		}
	})
	tests := map[string]struct{ results, runs string }{
		"garbage":          {"not a cursor!", "not a cursor!"},
		"base64 of junk":   {"AAAA", "AAAA"},
		"the other list's": {store.Cursor{At: at, ID: "x"}.Encode(store.RunCursor), store.Cursor{At: at, ID: "x"}.Encode(store.ResultCursor)},
		"time out of range": {
			store.Cursor{At: time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC), ID: "x"}.Encode(store.ResultCursor),
			store.Cursor{At: time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC), ID: "x"}.Encode(store.RunCursor),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, _, err := s.QueryResults(ctxT(t), store.ResultQuery{After: tc.results}); !errors.Is(err, store.ErrBadCursor) {
				t.Errorf("QueryResults = %v, want ErrBadCursor", err)
			}
			if _, _, err := s.PageRuns(ctxT(t), store.RunQuery{After: tc.runs}); !errors.Is(err, store.ErrBadCursor) {
				t.Errorf("PageRuns = %v, want ErrBadCursor", err)
			}
		})
	}
	t.Run("well-formed cursor of text", func(t *testing.T) {
		t.Parallel()
		// A hand-made cursor only moves where the page starts.
		c := store.Cursor{At: at, ID: "' OR 1=1 --"}
		items, _, err := s.QueryResults(ctxT(t), store.ResultQuery{After: c.Encode(store.ResultCursor)})
		if err != nil || len(items) != 2 {
			t.Errorf("QueryResults = %d items, %v; want both", len(items), err)
		}
		runs, _, err := s.PageRuns(ctxT(t), store.RunQuery{After: c.Encode(store.RunCursor)})
		if err != nil || len(runs) != 1 {
			t.Errorf("PageRuns = %d runs, %v; want 1", len(runs), err)
		}
	})
}

func testQueryText(t *testing.T, s store.Store) {
	ta, tb := newRun("ta", 0), newRun("tb", 1)
	ta.UserID, tb.UserID = "alice", "bob"
	mustCreate(t, s, ta, tb)
	texts := [][2]string{
		{"translate the weather report", "le bulletin"},
		{"write a haiku", "autumn moonlight on the weather vane"},
		{"summarise", "sunny or cloudy"},
		{`say "hello" near the gate`, "done"},
		{"minus-sign and star*", "x"},
		{"sunny days", "no clouds"},
	}
	var rs []bench.Result
	for i, tx := range texts {
		rs = append(rs, bench.Result{ID: fmt.Sprintf("t%d", i+1), RunID: "ta", CaseID: fmt.Sprint(i), Status: bench.StatusSuccess,
			Prompt: tx[0], Response: tx[1], CreatedAt: epoch.Add(time.Duration(i) * time.Second)})
	}
	// bob's copy of the weather report, for the ownership filter.
	rs = append(rs, bench.Result{ID: "t9", RunID: "tb", CaseID: "b", Status: bench.StatusSuccess,
		Prompt: "the weather report again", CreatedAt: epoch.Add(time.Minute)})
	mustWrite(t, s, rs)
	tests := []struct {
		text string
		user string
		want []string
	}{
		{text: "weather", want: []string{"t9", "t2", "t1"}},
		{text: "weather", user: "alice", want: []string{"t2", "t1"}},
		{text: "moonlight", want: []string{"t2"}},                    // response only
		{text: "haiku  weather", want: []string{"t2"}},               // one in the prompt, one in the response
		{text: "translate weather", want: []string{"t1"}},            // both in the prompt
		{text: "Weather REPORTS", want: []string{"t9", "t1"}},        // case and stemming
		{text: "weather moonlight haiku vane", want: []string{"t2"}}, // every word must occur
		{text: "weather sunny", want: []string{}},                    // never in one result
		{text: "sunny OR cloudy", want: []string{"t3"}},              // OR is a word, not an operator
		{text: "NEAR gate", want: []string{"t4"}},                    // NEAR too
		{text: `"hello"`, want: []string{"t4"}},                      // quotes
		{text: `say" hello"`, want: []string{"t4"}},                  // unbalanced quotes
		{text: "minus -sign", want: []string{"t5"}},                  // - is no negation
		{text: "star*", want: []string{"t5"}},                        // * is no prefix
		{text: "sta*", want: []string{}},                             //
		{text: "weather NOT(report) {prompt}: ^x", want: []string{}}, // syntax characters
		{text: `* - " ( ) : ^ +`, want: []string{}},                  // no word at all
		{text: "title:weather", want: []string{}},                    // no column filter
		{text: "weather", user: "carol", want: []string{}},
		{text: "weather\x00report", want: []string{"t9", "t1"}},      // a NUL separates words
		{text: "weather \xff\xfe", want: []string{"t9", "t2", "t1"}}, // invalid UTF-8 is no word
	}
	t.Run("searches", func(t *testing.T) { // all done before the rewrite below
		for _, tc := range tests {
			t.Run(tc.text+"/"+tc.user, func(t *testing.T) {
				t.Parallel()
				for _, limit := range []int{0, 1} {
					got := walkResults(t, s, store.ResultQuery{Text: tc.text, UserID: tc.user, Limit: limit})
					if d := gocmp.Diff(tc.want, got); d != "" {
						t.Errorf("Text %q, user %q, limit %d (-want +got):\n%s", tc.text, tc.user, limit, d)
					}
				}
			})
		}
	})
	t.Run("follows rewrites", func(t *testing.T) {
		r := rs[1]
		r.ID, r.Response = "t2-retry", "a plain answer"
		mustWrite(t, s, []bench.Result{r}) // the upsert replaces the response
		if got := walkResults(t, s, store.ResultQuery{Text: "moonlight"}); len(got) != 0 {
			t.Errorf("old response still found: %v", got)
		}
		if got := walkResults(t, s, store.ResultQuery{Text: "plain answer haiku"}); !slices.Equal(got, []string{"t2-retry"}) {
			t.Errorf("new response: %v, want [t2-retry]", got)
		}
	})
}

func testGetResult(t *testing.T, s store.Store) {
	mustCreate(t, s, newRun("gr", 0))
	full := fullResult("gr", 7)
	mustWrite(t, s, []bench.Result{full})
	got, err := s.GetResult(ctxT(t), full.ID)
	if err != nil {
		t.Fatalf("GetResult: %v", err)
	}
	if d := gocmp.Diff(&full, got); d != "" {
		t.Errorf("GetResult (-want +got):\n%s", d)
	}
	if _, err := s.GetResult(ctxT(t), "res-missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetResult(missing) = %v, want ErrNotFound", err)
	}
}

func testPageRuns(t *testing.T, s store.Store) {
	now := store.Now()
	var runs []*bench.Run
	for i := range 16 {
		r := newRun(fmt.Sprintf("pr-%02d", i), i/2) // two per instant
		r.Name = []string{"Nightly Eval", "smoke", "nightly-regression", "adhoc"}[i%4]
		r.UserID = []string{"alice", "bob", ""}[i%3]
		r.Status = []bench.RunStatus{bench.RunCompleted, bench.RunQueued, bench.RunFailed, bench.RunRunning}[i%4]
		if r.Status == bench.RunRunning && i%8 == 3 { // alive: the rest are interrupted
			r.UpdatedAt = now
		}
		r.Tags = []map[string]string{{"team": "ml", "env": "prod"}, {"team": "ops"}, nil, {"k": "v=w"}}[i%4]
		if i%2 == 0 {
			r.Config = map[string]any{"bench": map[string]any{"origin": "server"}}
		} else if i%3 == 0 {
			r.Config = map[string]any{"bench": map[string]any{"origin": "cli"}}
		}
		if b, ok := r.Config["bench"].(map[string]any); ok {
			b["datasets"] = suiteSets[i%len(suiteSets)]
		}
		runs = append(runs, r)
	}
	for _, i := range []int{5, 0, 15, 9, 1, 2, 3, 4, 6, 7, 8, 10, 11, 12, 13, 14} { // created out of order
		mustCreate(t, s, runs[i])
	}
	origin := func(r *bench.Run) string {
		b, _ := r.Config["bench"].(map[string]any)
		o, _ := b["origin"].(string)
		return o
	}
	derived := func(r *bench.Run) bench.RunStatus {
		c := *r
		store.DeriveStatus(&c, time.Now())
		return c.Status
	}
	tests := []struct {
		name string
		q    store.RunQuery
		keep func(r *bench.Run) bool
	}{
		{"none", store.RunQuery{}, func(*bench.Run) bool { return true }},
		{"queued", store.RunQuery{Status: bench.RunQueued}, func(r *bench.Run) bool { return r.Status == bench.RunQueued }},
		{"running", store.RunQuery{Status: bench.RunRunning}, func(r *bench.Run) bool { return derived(r) == bench.RunRunning }},
		{"interrupted", store.RunQuery{Status: bench.RunInterrupted}, func(r *bench.Run) bool { return derived(r) == bench.RunInterrupted }},
		{"user", store.RunQuery{UserID: "bob"}, func(r *bench.Run) bool { return r.UserID == "bob" }},
		{"name any case", store.RunQuery{Name: "NIGHTLY"}, func(r *bench.Run) bool { return r.Name != "smoke" && r.Name != "adhoc" }},
		{"name middle", store.RunQuery{Name: "y-reg"}, func(r *bench.Run) bool { return r.Name == "nightly-regression" }},
		{"name with LIKE characters", store.RunQuery{Name: "%"}, func(*bench.Run) bool { return false }},
		{"tag key", store.RunQuery{Tag: "team"}, func(r *bench.Run) bool { _, ok := r.Tags["team"]; return ok }},
		{"tag key=value", store.RunQuery{Tag: "team=ml"}, func(r *bench.Run) bool { return r.Tags["team"] == "ml" }},
		{"tag value with =", store.RunQuery{Tag: "k=v=w"}, func(r *bench.Run) bool { return r.Tags["k"] == "v=w" }},
		{"tag empty value", store.RunQuery{Tag: "team="}, func(*bench.Run) bool { return false }},
		{"origin", store.RunQuery{Origin: "server"}, func(r *bench.Run) bool { return origin(r) == "server" }},
		{"suite exact", store.RunQuery{Suite: "suites/qa.yaml"}, func(r *bench.Run) bool { return ranSuite(r, "suites/qa.yaml", "./suites/qa.yaml") }},
		{"suite file name", store.RunQuery{Suite: "qa.yaml"}, func(r *bench.Run) bool { return ranSuite(r, "suites/qa.yaml", "./suites/qa.yaml") }},
		{"suite built-in by name", store.RunQuery{Suite: "reasoning"}, func(r *bench.Run) bool { return ranSuite(r, "builtin:reasoning") }},
		{"suite built-in by path", store.RunQuery{Suite: "builtin:reasoning"}, func(r *bench.Run) bool { return ranSuite(r, "builtin:reasoning") }},
		{"suite is not a substring", store.RunQuery{Suite: "a.yaml"}, func(*bench.Run) bool { return false }},
		{"suite with LIKE characters", store.RunQuery{Suite: "%.yaml"}, func(r *bench.Run) bool { return ranSuite(r, "x/%.yaml") }},
		{"suite and name", store.RunQuery{Suite: "reasoning", Name: "smoke"}, func(r *bench.Run) bool {
			return ranSuite(r, "builtin:reasoning") && r.Name == "smoke"
		}},
		{"combined", store.RunQuery{UserID: "alice", Origin: "server", Name: "eval"}, func(r *bench.Run) bool {
			return r.UserID == "alice" && origin(r) == "server" && r.Name == "Nightly Eval"
		}},
		{"interrupted of bob's", store.RunQuery{Status: bench.RunInterrupted, UserID: "bob"}, func(r *bench.Run) bool {
			return derived(r) == bench.RunInterrupted && r.UserID == "bob"
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var kept []*bench.Run
			for _, r := range runs {
				if tc.keep(r) {
					kept = append(kept, r)
				}
			}
			slices.SortFunc(kept, func(a, b *bench.Run) int {
				if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
					return c
				}
				return cmp.Compare(b.ID, a.ID)
			})
			want := []string{}
			for _, r := range kept {
				want = append(want, r.ID)
			}
			for _, limit := range []int{0, 1, 3} {
				q := tc.q
				q.Limit = limit
				got := []string{}
				for {
					page, next, err := s.PageRuns(ctxT(t), q)
					if err != nil {
						t.Fatalf("PageRuns(%+v): %v", q, err)
					}
					if len(page) > store.PageSize(limit) {
						t.Fatalf("PageRuns(%+v): %d runs", q, len(page))
					}
					for _, r := range page {
						got = append(got, r.ID)
						if r.Status != derived(runs[idx(r.ID)]) {
							t.Errorf("%s: status %s, want %s", r.ID, r.Status, derived(runs[idx(r.ID)]))
						}
					}
					if next == "" {
						break
					}
					q.After = next
				}
				if d := gocmp.Diff(want, got); d != "" {
					t.Errorf("limit %d (-want +got):\n%s", limit, d)
				}
			}
		})
	}
}

// suiteSets are the datasets the PageRuns fixture's runs ran, by index:
// paths as bench --dataset took them, a built-in, two suites in one run,
// none, and a value that is not a list.
var suiteSets = []any{
	[]string{"suites/qa.yaml"}, []string{"builtin:reasoning"}, []string{"./suites/qa.yaml", "builtin:reasoning"},
	[]string{}, "builtin:reasoning", []string{"x/%.yaml", "suites/qa.yaml.bak"},
}

// ranSuite reports whether r's saved datasets (a list) hold one of names.
func ranSuite(r *bench.Run, names ...string) bool {
	b, _ := r.Config["bench"].(map[string]any)
	sets, _ := b["datasets"].([]string)
	for _, s := range sets {
		if slices.Contains(names, s) {
			return true
		}
	}
	return false
}

// idx is the fixture index of a run id "pr-NN".
func idx(id string) int {
	i, _ := strconv.Atoi(strings.TrimPrefix(id, "pr-"))
	return i
}
