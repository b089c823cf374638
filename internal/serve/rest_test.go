package serve_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/api"
)

// TestRESTFlow drives every REST route of API.md against the assembled
// server, each exchange checked against the OpenAPI document.
func TestRESTFlow(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, k storeKind) {
		s := startServer(t, k, serverOptions{})
		admin := s.user("admin", "admin")
		checkRefresh(t, admin)

		builtin := admin.create(map[string]any{"name": "builtin-run", "datasets": []string{"builtin:reasoning"},
			"providers": []string{"simulator:sim-large"}, "tags": map[string]string{"team": "a"}})
		inline := admin.create(map[string]any{"name": "inline-run", "suite": inlineSuite(12),
			"providers": []string{"simulator:echo", "simulator:sim-large"}, "concurrency": 3, "tags": map[string]string{"team": "b"}})
		for _, id := range []string{builtin.ID, inline.ID} {
			b := admin.finished(id)
			if b.Status != "completed" || b.Progress.Done != b.Progress.Total || b.Progress.Total == 0 || b.FinishedAt == nil {
				t.Fatalf("benchmark %s ended %+v", id, b)
			}
			checkEachOnce(t, s.st, id, b.Progress.Total)
		}
		if got := admin.get(inline.ID); got.Progress.Total != 24 || got.Totals.Results != 24 {
			t.Fatalf("inline run: %+v, want 24 results (12 cases x 2 providers)", got)
		}

		checkBenchmarkLists(t, admin, builtin.ID, inline.ID)
		all := checkResults(t, admin, inline.ID)
		checkExports(t, admin, inline.ID, all)
		checkProviders(t, admin)
		checkEvaluate(t, admin)
		checkCompare(t, admin)
		checkCancel(t, s, admin)
		checkAPIKeys(t, s, admin)
		checkLogout(t, s, admin)
	})
}

// checkRefresh: a refresh gives a new pair and spends the old token.
func checkRefresh(t *testing.T, c *session) {
	old := c.tokens
	a := c.s.do("", "POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": old.RefreshToken})
	a.want(t, http.StatusOK)
	a.decode(t, &c.tokens)
	if c.tokens.RefreshToken == old.RefreshToken || c.tokens.AccessToken == "" {
		t.Fatalf("refresh answered %s", a.body)
	}
	c.bearer = c.tokens.AccessToken
	c.do("GET", "/api/v1/benchmarks", nil).want(t, http.StatusOK)
	// Reusing the spent token revokes the family (SECURITY_TESTS 11), so
	// log in again for the rest of the flow.
	c.s.do("", "POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": old.RefreshToken}).want(t, http.StatusUnauthorized)
	c.login()
}

func checkBenchmarkLists(t *testing.T, c *session, builtinID, inlineID string) {
	list := func(query string) []string {
		var ids []string
		cursor := ""
		for range 100 {
			a := c.do("GET", "/api/v1/benchmarks?limit=1&"+query+"&cursor="+url.QueryEscape(cursor), nil)
			a.want(t, http.StatusOK)
			var p api.Page[api.Benchmark]
			a.decode(t, &p)
			for _, b := range p.Items {
				ids = append(ids, b.ID)
			}
			if p.NextCursor == nil {
				slices.Sort(ids)
				return ids
			}
			cursor = *p.NextCursor
		}
		t.Fatalf("benchmarks %s: too many pages", query)
		return nil
	}
	both := []string{builtinID, inlineID}
	slices.Sort(both)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", both},
		{"status=completed", both},
		{"status=running", nil},
		{"tag=team%3Da", []string{builtinID}},
		{"tag=team", both},
		{"tag=team%3Dz", nil},
		{"name=inline", []string{inlineID}},
		{"name=nothing-like-it", nil},
	} {
		if got := list(tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("GET /benchmarks?%s: %v, want %v", tc.query, got, tc.want)
		}
	}
}

// checkResults pages through the inline run's results and checks every
// filter of API.md against the same filter applied to the whole list.
func checkResults(t *testing.T, c *session, runID string) []bench.Result {
	all := c.results("benchmark_id=" + runID)
	if len(all) != 24 {
		t.Fatalf("paged %d results, want 24", len(all))
	}
	seen := map[string]bool{}
	for _, r := range all {
		if seen[r.ID] {
			t.Fatalf("result %s on two pages", r.ID)
		}
		seen[r.ID] = true
	}
	passedCount := 0
	for _, r := range all {
		if r.Passed {
			passedCount++
		}
	}
	if passedCount == 0 || passedCount == len(all) {
		t.Fatalf("%d of %d passed; the filters need both", passedCount, len(all))
	}
	probe := all[0]
	type filter struct {
		query string
		keep  func(bench.Result) bool
	}
	filters := []filter{
		{"provider=simulator:echo", func(r bench.Result) bool { return r.Provider == "simulator:echo" }},
		{"model=sim-large", func(r bench.Result) bool { return r.Model == "sim-large" }},
		{"status=success", func(r bench.Result) bool { return r.Status == bench.StatusSuccess }},
		{"status=error", func(r bench.Result) bool { return r.Status == bench.StatusError }},
		{"passed=true", func(r bench.Result) bool { return r.Passed }},
		{"passed=false", func(r bench.Result) bool { return !r.Passed }},
		{"case_id=c004", func(r bench.Result) bool { return r.CaseID == "c004" }},
		{"tag=even", func(r bench.Result) bool { return slices.Contains(r.Tags, "even") }},
		{"min_score=0.5", func(r bench.Result) bool { return r.Score >= 0.5 }},
		{"max_score=0.5", func(r bench.Result) bool { return r.Score <= 0.5 }},
		{"q=zebra", func(r bench.Result) bool { return strings.Contains(r.Prompt+" "+r.Response, "zebra") }},
		{"q=apple&provider=simulator:echo&passed=true", func(r bench.Result) bool {
			return r.Provider == "simulator:echo" && r.Passed && strings.Contains(r.Prompt+r.Response, "apple")
		}},
	}
	for _, f := range filters {
		var want []string
		for _, r := range all {
			if f.keep(r) {
				want = append(want, r.ID)
			}
		}
		var got []string
		for _, r := range c.results("benchmark_id=" + runID + "&" + f.query) {
			got = append(got, r.ID)
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("results %s: %d results, want %d", f.query, len(got), len(want))
		}
	}
	if n := len(c.results("benchmark_id=" + runID + "&q=zebra")); n != 2 {
		t.Errorf("q=zebra: %d results, want 2 (case c001 on two providers)", n)
	}

	a := c.do("GET", "/api/v1/results/"+probe.ID, nil)
	a.want(t, http.StatusOK)
	var one bench.Result
	a.decode(t, &one)
	if one.ID != probe.ID || one.Prompt != probe.Prompt || one.Response != probe.Response || one.CaseID != probe.CaseID {
		t.Errorf("GET /results/%s: %+v, want %+v", probe.ID, one, probe)
	}
	c.do("GET", "/api/v1/results/00000000-0000-7000-8000-000000000000", nil).want(t, http.StatusNotFound)
	return all
}

// export posts an export request and returns the answer.
func (c *session) export(id, format string) answer {
	c.s.t.Helper()
	return c.do("POST", "/api/v1/results/export", map[string]string{"benchmark_id": id, "format": format})
}

// checkExports: each format holds every result of the run, once, with
// its content.
func checkExports(t *testing.T, c *session, runID string, all []bench.Result) {
	byID := map[string]bench.Result{}
	for _, r := range all {
		byID[r.ID] = r
	}
	same := func(format string, got []bench.Result) {
		t.Helper()
		if len(got) != len(all) {
			t.Errorf("%s export: %d results, want %d", format, len(got), len(all))
		}
		seen := map[string]bool{}
		for _, r := range got {
			w, ok := byID[r.ID]
			switch {
			case !ok || seen[r.ID]:
				t.Errorf("%s export: result %s unknown or twice", format, r.ID)
			case r.RunID != runID || r.CaseID != w.CaseID || r.Provider != w.Provider || r.Prompt != w.Prompt ||
				r.Response != w.Response || r.Passed != w.Passed || r.Status != w.Status:
				t.Errorf("%s export: result %s is %+v, the API says %+v", format, r.ID, r, w)
			}
			seen[r.ID] = true
		}
	}

	a := c.export(runID, "jsonl")
	a.want(t, http.StatusOK)
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/jsonl") {
		t.Errorf("jsonl export Content-Type %q", ct)
	}
	if cd := a.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Errorf("export Content-Disposition %q", cd)
	}
	var lines []bench.Result
	for _, line := range bytes.Split(bytes.TrimSpace(a.body), []byte("\n")) {
		var r bench.Result
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("jsonl export line %q: %v", line, err)
		}
		lines = append(lines, r)
	}
	same("jsonl", lines)

	a = c.export(runID, "json")
	a.want(t, http.StatusOK)
	var doc struct {
		Run     bench.Run       `json:"run"`
		Summary json.RawMessage `json:"summary"`
		Results []bench.Result  `json:"results"`
	}
	a.decode(t, &doc)
	if doc.Run.ID != runID || len(doc.Summary) == 0 {
		t.Errorf("json export: run %q, summary %s", doc.Run.ID, doc.Summary)
	}
	same("json", doc.Results)

	a = c.export(runID, "csv")
	a.want(t, http.StatusOK)
	rows, err := csv.NewReader(bytes.NewReader(a.body)).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("csv export: %v (%d rows)", err, len(rows))
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	var fromCSV []bench.Result
	for _, row := range rows[1:] {
		r := bench.Result{ID: row[col["id"]], RunID: row[col["run_id"]], CaseID: row[col["case_id"]],
			Provider: row[col["provider"]], Status: bench.Status(row[col["status"]])}
		w := byID[r.ID]
		// The CSV's prompt, response and passed columns are checked
		// through the record the API answered.
		r.Prompt, r.Response, r.Passed = w.Prompt, w.Response, w.Passed
		if p, ok := col["passed"]; ok && row[p] != fmt.Sprint(w.Passed) {
			t.Errorf("csv export: result %s passed %q, want %v", r.ID, row[p], w.Passed)
		}
		fromCSV = append(fromCSV, r)
	}
	same("csv", fromCSV)

	c.export(runID, "xml").want(t, http.StatusBadRequest)
	c.export("00000000-0000-7000-8000-000000000000", "csv").want(t, http.StatusNotFound)
}

func checkProviders(t *testing.T, c *session) {
	a := c.do("GET", "/api/v1/providers", nil)
	a.want(t, http.StatusOK)
	var ps []api.ProviderInfo
	if err := json.Unmarshal(a.body, &ps); err != nil {
		var page api.Page[api.ProviderInfo]
		a.decode(t, &page)
		ps = page.Items
	}
	if !slices.ContainsFunc(ps, func(p api.ProviderInfo) bool { return p.Name == "simulator" && p.Configured }) {
		t.Errorf("GET /providers: %s, want the configured simulator", a.body)
	}
	a = c.do("GET", "/api/v1/providers/simulator", nil)
	a.want(t, http.StatusOK)
	var p api.ProviderInfo
	a.decode(t, &p)
	if p.Name != "simulator" {
		t.Errorf("GET /providers/simulator: %s", a.body)
	}
	c.do("GET", "/api/v1/providers/simulator/models", nil).want(t, http.StatusOK)
	a = c.do("POST", "/api/v1/providers/simulator/health", nil)
	a.want(t, http.StatusOK)
	var h api.Health
	a.decode(t, &h)
	if h.Name != "simulator" || !h.Healthy {
		t.Errorf("POST /providers/simulator/health: %s", a.body)
	}
	c.do("GET", "/api/v1/providers/no-such-vendor", nil).want(t, http.StatusNotFound)
}

func checkEvaluate(t *testing.T, c *session) {
	for _, tc := range []struct {
		response string
		passed   bool
	}{{"the answer is 42", true}, {"no idea", false}} {
		a := c.do("POST", "/api/v1/evaluate", map[string]any{"prompt": "6 x 7?", "response": tc.response,
			"assertions": []map[string]any{{"type": "contains", "value": "42"}}})
		a.want(t, http.StatusOK)
		var r api.EvaluateResult
		a.decode(t, &r)
		if r.Passed != tc.passed || len(r.Scores) != 1 {
			t.Errorf("evaluate %q: %s, want passed=%v", tc.response, a.body, tc.passed)
		}
	}
	c.do("POST", "/api/v1/evaluate", map[string]any{"response": "x", "assertions": []map[string]any{{"type": "no-such-check"}}}).
		want(t, http.StatusBadRequest)
}

func checkCompare(t *testing.T, c *session) {
	a := c.do("POST", "/api/v1/compare", map[string]any{"providers": []string{"simulator:echo", "simulator:sim-large"}, "prompt": "say hello"})
	a.want(t, http.StatusAccepted)
	var b api.Benchmark
	a.decode(t, &b)
	done := c.finished(b.ID)
	if done.Status != "completed" || done.Progress.Done != 2 || done.Tags["compare"] != "true" {
		t.Fatalf("compare run ended %+v", done)
	}
	rs := c.results("benchmark_id=" + b.ID)
	provs := []string{}
	for _, r := range rs {
		provs = append(provs, r.Provider)
	}
	slices.Sort(provs)
	if !slices.Equal(provs, []string{"simulator:echo", "simulator:sim-large"}) {
		t.Errorf("compare results from %v", provs)
	}
}

// checkCancel cancels a benchmark mid-run: it ends cancelled and keeps
// what it had finished.
func checkCancel(t *testing.T, s *testServer, c *session) {
	b := c.create(map[string]any{"name": "to-cancel", "suite": inlineSuite(400), "providers": []string{"simulator:echo"}, "concurrency": 1})
	c.waitFor(b.ID, "progress", 30*time.Second, func(b api.Benchmark) bool { return b.Progress.Done >= 3 })
	a := c.do("POST", "/api/v1/benchmarks/"+b.ID+"/cancel", nil)
	a.want(t, http.StatusAccepted)
	end := c.finished(b.ID)
	if end.Status != "cancelled" {
		t.Fatalf("cancelled benchmark ended %s", end.Status)
	}
	kept := c.results("benchmark_id=" + b.ID + "&status=success")
	if len(kept) < 3 || len(kept) >= 400 {
		t.Fatalf("%d successful results kept after the cancel, want at least the 3 seen and fewer than 400", len(kept))
	}
	for k, n := range keyCounts(t, s.st, b.ID) {
		if n != 1 {
			t.Errorf("cancelled run: record %+v stored %d times", k, n)
		}
	}
	c.do("POST", "/api/v1/benchmarks/"+b.ID+"/cancel", nil).want(t, http.StatusConflict)
}

func checkAPIKeys(t *testing.T, s *testServer, c *session) {
	a := c.do("POST", "/api/v1/auth/apikey", map[string]any{"name": "ci"})
	a.want(t, http.StatusCreated)
	var key struct {
		ID, Key, Prefix, Name string
	}
	a.decode(t, &key)
	if !strings.HasPrefix(key.Key, "ltb_") || !strings.HasPrefix(key.Key, key.Prefix) || key.Name != "ci" {
		t.Fatalf("created key %s", a.body)
	}
	s.do(key.Key, "GET", "/api/v1/benchmarks", nil).want(t, http.StatusOK)
	c.do("DELETE", "/api/v1/auth/apikey/"+key.ID, nil).want(t, http.StatusNoContent)
	a = s.do(key.Key, "GET", "/api/v1/benchmarks", nil)
	a.want(t, http.StatusUnauthorized)
	if a.header.Get("WWW-Authenticate") == "" {
		t.Error("401 without WWW-Authenticate")
	}
	_ = context.Background()
}

func checkLogout(t *testing.T, s *testServer, c *session) {
	c.do("POST", "/api/v1/auth/logout", map[string]string{"refresh_token": c.tokens.RefreshToken}).want(t, http.StatusNoContent)
	a := c.do("GET", "/api/v1/benchmarks", nil)
	a.want(t, http.StatusUnauthorized)
	if !strings.HasPrefix(a.header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("401 with WWW-Authenticate %q", a.header.Get("WWW-Authenticate"))
	}
	s.do("", "POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": c.tokens.RefreshToken}).want(t, http.StatusUnauthorized)
}
