package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/stats/inference"
)

// rep is one repetition of case c (prompt pr) by provider p: "P" passed,
// "F" failed its assertions, "E" a failed call.
func rep(p, c, pr string, i int, outcome byte) bench.Result {
	r := bench.Result{Provider: p, CaseID: c, PromptID: pr, Repetition: i, Status: bench.StatusSuccess}
	switch outcome {
	case 'P':
		r.Passed, r.Score = true, 1
	case 'E':
		r.Status = bench.StatusError
		r.Error = &bench.ErrorInfo{Kind: "overloaded"}
	}
	return r
}

// repeated builds provider p's results from "case/prompt": outcomes.
func repeated(p string, cases map[string]string) []bench.Result {
	var out []bench.Result
	for key, outcomes := range cases {
		c, pr, _ := strings.Cut(key, "/")
		for i := range len(outcomes) {
			out = append(out, rep(p, c, pr, i, outcomes[i]))
		}
	}
	return out
}

// flakyFixture has six cases of three repetitions: one passed every time,
// two disagree on their answers, one failed every time, one passed every
// time it got an answer (and once did not), one disagrees around a failed
// call. The same case id under another prompt is another case.
func flakyFixture(p string) []bench.Result {
	return repeated(p, map[string]string{
		"a/t": "PPP", "b/t": "PFP", "c/t": "FFF", "d/t": "PEP", "b/u": "FPF", "f/t": "PEF",
	})
}

func wilsonOf(t *testing.T, passed, n int) [2]float64 {
	t.Helper()
	ci, err := inference.ProportionCI(passed, n, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	return ci.Wilson
}

// TestFlakiness: pass^k counts the cases whose every repetition passed (a
// failed call is not a pass), a case is flaky when its answered
// repetitions disagree (a failed call is not a disagreement), the flaky
// cases are listed by (case, prompt) with their pass counts and Wilson
// intervals, and none of it depends on the order the results arrive in.
func TestFlakiness(t *testing.T) {
	t.Parallel()
	rs := flakyFixture("p")
	want := &Flakiness{
		Cases: 6, CasesAllPassed: 1, CasesAllPassedRate: 1.0 / 6, CasesAllPassedCI: wilsonOf(t, 1, 6), FlakyCases: 3,
		Flaky: []FlakyCase{
			{CaseID: "b", PromptID: "t", Passes: "2/3", Passed: 2, Results: 3, PassRate: 2.0 / 3, PassRateCI: wilsonOf(t, 2, 3)},
			{CaseID: "b", PromptID: "u", Passes: "1/3", Passed: 1, Results: 3, PassRate: 1.0 / 3, PassRateCI: wilsonOf(t, 1, 3)},
			{CaseID: "f", PromptID: "t", Passes: "1/3", Passed: 1, Results: 3, Errored: 1, PassRate: 1.0 / 3, PassRateCI: wilsonOf(t, 1, 3)},
		},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 5 {
		rng.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
		s, err := Summarize(context.Background(), bench.Run{}, Slice(rs))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, s.Providers[0].Flakiness, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
			t.Fatalf("order %d: flakiness (-want +got):\n%s", trial, diff)
		}
	}

	// Without repetitions there is nothing to say, and JSON says nothing.
	single := NewAggregator(bench.Run{})
	for i := range 3 {
		r := rep("q", fmt.Sprint("case-", i), "t", 0, "PFP"[i])
		single.Add(&r)
	}
	p := single.Summary().Providers[0]
	b, _ := json.Marshal(p)
	if p.Flakiness != nil || bytes.Contains(b, []byte("flaky")) || bytes.Contains(b, []byte("cases_all_passed")) {
		t.Errorf("unrepeated provider: flakiness %+v, JSON %s", p.Flakiness, b)
	}
}

// TestUnscoredCaseIsNoCluster: the per-case counts now hold every case
// with a result, but a case none of whose results was scored (here two
// failed calls) is no cluster of the mean score's error.
func TestUnscoredCaseIsNoCluster(t *testing.T) {
	t.Parallel()
	rs := repeated("p", map[string]string{"a/t": "PF", "b/t": "FP", "c/t": "EE"})
	s, err := Summarize(context.Background(), bench.Run{}, Slice(rs))
	if err != nil {
		t.Fatal(err)
	}
	if p := s.Providers[0]; p.ScoreClusters != 2 || p.MeanScoreDF != 1 || p.Flakiness == nil || p.Cases != 3 || p.FlakyCases != 2 {
		t.Errorf("clusters %d df %d flakiness %+v, want 2 clusters, df 1, 2 of 3 cases flaky", p.ScoreClusters, p.MeanScoreDF, p.Flakiness)
	}
}

// TestFlakinessJSON: the summary JSON carries the documented names, flat
// in each provider.
func TestFlakinessJSON(t *testing.T) {
	t.Parallel()
	s, err := Summarize(context.Background(), bench.Run{}, Slice(flakyFixture("p")))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var run struct {
		Providers []map[string]any `json:"providers"`
	}
	if err := json.Unmarshal(b, &run); err != nil {
		t.Fatal(err)
	}
	p := run.Providers[0]
	for k, v := range map[string]any{"cases": 6.0, "cases_all_passed": 1.0, "flaky_cases": 3.0} {
		if p[k] != v {
			t.Errorf("%s = %v, want %v", k, p[k], v)
		}
	}
	if ci, ok := p["cases_all_passed_ci"].([]any); !ok || len(ci) != 2 {
		t.Errorf("cases_all_passed_ci = %v, want [low, high]", p["cases_all_passed_ci"])
	}
	flaky, _ := p["flaky"].([]any)
	if len(flaky) != 3 {
		t.Fatalf("flaky = %v, want 3 cases", p["flaky"])
	}
	last := flaky[2].(map[string]any)
	for k, v := range map[string]any{"case_id": "f", "prompt_id": "t", "passes": "1/3", "passed": 1.0, "results": 3.0, "errored": 1.0} {
		if last[k] != v {
			t.Errorf("flaky[2].%s = %v, want %v", k, last[k], v)
		}
	}
}

// TestFlakyListIsBounded: with more flaky cases than are listed, the list
// holds the first 50 by id whatever the arrival order, the count is
// complete, and the reports say how many are not shown.
func TestFlakyListIsBounded(t *testing.T) {
	t.Parallel()
	const n = 60
	var rs []bench.Result
	for i := n - 1; i >= 0; i-- { // the largest ids first: each later one evicts
		c := fmt.Sprintf("case-%02d", i)
		rs = append(rs, rep("p", c, "t", 0, 'P'), rep("p", c, "t", 1, 'F'))
	}
	rs = append(rs, rep("p", "ok", "t", 0, 'P'), rep("p", "ok", "t", 1, 'P'))
	s, err := Summarize(context.Background(), bench.Run{}, Slice(rs))
	if err != nil {
		t.Fatal(err)
	}
	f := s.Providers[0].Flakiness
	if f == nil || f.FlakyCases != n || len(f.Flaky) != maxFlakyListed || f.Cases != n+1 || f.CasesAllPassed != 1 {
		t.Fatalf("flakiness %+v, want %d flaky, %d listed, 1 of %d all passed", f, n, maxFlakyListed, n+1)
	}
	for i, c := range f.Flaky {
		if want := fmt.Sprintf("case-%02d", i); c.CaseID != want || c.Passes != "1/2" {
			t.Fatalf("listed %d = %s %s, want %s 1/2", i, c.CaseID, c.Passes, want)
		}
	}
	var table bytes.Buffer
	if err := WriteTable(&table, s, false); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]string{
		"table": {"Flaky: 60 of 61 cases of p (case-00 [t] 1/2, case-01 [t] 1/2, case-02 [t] 1/2, case-03 [t] 1/2, case-04 [t] 1/2, … 55 more); every repetition passed in 1 of 61 cases (1.6% "},
		"md":    {"**Flaky cases of p** (60):", "- case-49 \\[t\\] — 1/2 passed (50.0% [", "- … and 10 more\n", "| p | 61 | 1 (1.6% ["},
		"html":  {"p: 10 more flaky cases are not listed (the first 50 by id are).", "<td class=\"mono\">case-00 [t]</td><td class=\"num\">1/2</td>"},
	} {
		got := table.String()
		if name != "table" {
			got = renderResults(t, name, bench.Run{}, rs)
		}
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q:\n%s", name, w, got)
			}
		}
	}
}

// TestFlakyShownInReports: the flaky cases and pass^k reach the terminal
// table, Markdown and HTML, and user ids cannot break any of them.
func TestFlakyShownInReports(t *testing.T) {
	t.Parallel()
	rs := flakyFixture("p")
	rs = append(rs, repeated("q", map[string]string{"<b>\x1b[31m|x/t": "PF", "ok/t": "PP"})...)
	s, err := Summarize(context.Background(), bench.Run{}, Slice(rs))
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	if err := WriteTable(&table, s, false); err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"table": table.String(),
		"md":    renderResults(t, FormatMarkdown, bench.Run{}, rs),
		"html":  renderResults(t, FormatHTML, bench.Run{}, rs),
	}
	for name, want := range map[string][]string{
		"table": {"Flaky: 3 of 6 cases of p (b [t] 2/3, b [u] 1/3, f [t] 1/3); every repetition passed in 1 of 6 cases (16.7% [3.0–56.4]).\n",
			"Flaky: 1 of 2 cases of q (<b>[31m|x [t] 1/2); every repetition passed in 1 of 2 cases"},
		"md": {"## Repeated cases", "| p | 6 | 1 (16.7% [3.0–56.4]) | 3 |", "- f \\[t\\] — 1/3 passed (33.3% [6.1–79.2]), 1 call failed\n",
			"\\<b\\>\x1b\\[31m\\|x \\[t\\] — 1/2 passed"},
		"html": {"<h2>Flaky cases</h2>", "<dd>every repetition passed in 1 of 6 cases (16.7% [3.0–56.4]); 3 flaky</dd>",
			"<td class=\"mono\">b [u]</td><td class=\"num\">1/3</td><td class=\"num\">33.3% [6.1–79.2]</td><td class=\"num\">0</td>",
			"&lt;b&gt;"},
	} {
		for _, w := range want {
			if !strings.Contains(outputs[name], w) {
				t.Errorf("%s lacks %q:\n%s", name, w, outputs[name])
			}
		}
	}
	if strings.Contains(outputs["table"], "\x1b") || strings.Contains(outputs["html"], "<b>") {
		t.Error("a case id's markup or escape codes reached the table or the HTML")
	}

	// Repeats that all agree: no table line, and the HTML says so.
	calm := repeated("p", map[string]string{"a/t": "PP", "b/t": "FF"})
	s, err = Summarize(context.Background(), bench.Run{}, Slice(calm))
	if err != nil {
		t.Fatal(err)
	}
	table.Reset()
	if err := WriteTable(&table, s, false); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(table.String(), "Flaky") {
		t.Errorf("table has a flaky line with no flaky case:\n%s", table.String())
	}
	if html := renderResults(t, FormatHTML, bench.Run{}, calm); !strings.Contains(html, "None: the repetitions of every case agree.") {
		t.Errorf("HTML does not say the repeats agree:\n%s", html)
	}
}

// TestFlakinessCapFallsBack: past ScoreCaseLimit a provider whose results
// repeat cases has no flakiness at all (not a partial count), is flagged
// and warned about; one within the limit keeps its figures.
func TestFlakinessCapFallsBack(t *testing.T) {
	t.Parallel()
	a := NewAggregator(bench.Run{})
	a.ScoreCaseLimit = 8
	for _, r := range flakyFixture("a-first") {
		a.Add(&r)
	}
	for _, r := range flakyFixture("b-over") {
		a.Add(&r)
	}
	s := a.Summary()
	first, over := s.Providers[0], s.Providers[1]
	if first.Flakiness == nil || first.FlakyCases != 3 || first.ScoreCasesCapped {
		t.Errorf("provider within the limit: flakiness %+v capped %v, want 3 flaky", first.Flakiness, first.ScoreCasesCapped)
	}
	if over.Flakiness != nil || !over.ScoreCasesCapped {
		t.Errorf("capped provider: flakiness %+v capped %v, want none and capped", over.Flakiness, over.ScoreCasesCapped)
	}
	if w := s.Warnings(); len(w) != 1 || !strings.Contains(w[0], "b-over") || !strings.Contains(w[0], "flaky cases are not counted") {
		t.Errorf("warnings %q", w)
	}
	if ids := a.providers["b-over"].scores.flaky.ids; a.caseKeys > a.ScoreCaseLimit || len(ids) != 0 {
		t.Errorf("%d case keys held (limit %d), %d flaky ids kept for the capped provider", a.caseKeys, a.ScoreCaseLimit, len(ids))
	}
}

// TestFlakyStateIsBounded folds 200,000 results, 100,000 cases each of
// which turns flaky on its second repetition, in the order that makes the
// list work hardest (every new flaky id the smallest yet): the list never
// holds more than 50 ids, and the per-case counts cost what the clustered
// error's sums cost (under 80 bytes a case, see TestScoreCaseKeyCost).
func TestFlakyStateIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("folds 200,000 results")
	}
	// Not parallel: the heap is measured.
	const n = 100_000
	a := NewAggregator(bench.Run{})
	base := liveHeap()
	for repetition, outcome := range []byte{'P', 'F'} {
		for i := n - 1; i >= 0; i-- {
			r := rep("p", fmt.Sprintf("case-%06d", i), "t", repetition, outcome)
			a.Add(&r)
			if l := &a.providers["p"].scores.flaky; len(l.ids) > maxFlakyListed || cap(l.ids) > 2*maxFlakyListed {
				t.Fatalf("flaky list holds %d ids (capacity %d), limit %d", len(l.ids), cap(l.ids), maxFlakyListed)
			}
		}
	}
	h := liveHeap()
	per := float64(h-min(h, base)) / n
	f := a.Summary().Providers[0].Flakiness
	if f == nil || f.FlakyCases != n || len(f.Flaky) != maxFlakyListed || f.Flaky[0].CaseID != "case-000000" {
		if f == nil {
			t.Fatal("no flakiness")
		}
		t.Fatalf("%d flaky, %d listed from %s, want %d and %d from case-000000", f.FlakyCases, len(f.Flaky), f.Flaky[0].CaseID, n, maxFlakyListed)
	}
	if per > 80 {
		t.Errorf("%.0f bytes a case, want under 80", per)
	}
	t.Logf("%.0f bytes a case for %d flaky cases", per, n)
}
