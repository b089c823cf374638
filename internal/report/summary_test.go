package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

func TestSummaryOfFixture(t *testing.T) {
	t.Parallel()
	s := fixtureSummary(t)
	type totals struct{ Total, Succeeded, Errored, Passed, Failed, Cached, Tokens int }
	if diff := cmp.Diff(totals{8, 5, 3, 2, 6, 1, 92}, totals{s.Total, s.Succeeded, s.Errored, s.Passed, s.Failed, s.Cached, s.Tokens}); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
	if math.Abs(s.CostUSD-0.0000687) > 1e-12 {
		t.Errorf("CostUSD = %v, want 0.0000687", s.CostUSD)
	}
	a := s.Providers[0]
	want := ProviderSummary{
		Provider: "anthropic:claude-haiku-4-5", Model: "claude-haiku-4-5",
		Results: 4, Succeeded: 2, Errored: 2, Passed: 1, Failed: 3, PassRate: 0.25,
		TokensPrompt: 41, TokensCompletion: 5, TokensTotal: 46,
		// Only the streamed call has a generation window: 2 completion
		// tokens over 550-275 ms after the first token.
		TokensPerSec: 2 / 0.275, CostUSD: 0.00003435, ModelCostUSD: 0.00003435,
		ErrorsByKind: map[string]int{"rate_limited": 1, "timeout": 1}, MeanScore: 0.5,
		// statsmodels proportion_confint(1, 4, method="wilson").
		PassRateCI: [2]float64{0.0455872608097006, 0.699358157417598},
		// Scores 1 (fr, repetition 0) and 0 (de, repetition 1): the
		// repetition makes the error clustered, over two one-result cases,
		// where it equals sd/√n = 0.5; t(0.975, 1) = tan(π·0.475).
		Scored: 2, MeanScoreSE: new(0.5), MeanScoreDF: 1, MeanScoreSEMethod: SEClustered, ScoreClusters: 2,
		MeanScoreCI: &[2]float64{0.5 - math.Tan(math.Pi*0.475)*0.5, 0.5 + math.Tan(math.Pi*0.475)*0.5},
		// fr passed once and errored once (one verdict: not flaky, not
		// all passed), de failed, it timed out: no case passed every
		// repetition; Wilson's upper end for 0 of 3 is z²/(3+z²).
		Flakiness: &Flakiness{Cases: 3, CasesAllPassedCI: [2]float64{0, 3.841458820694124 / 6.841458820694124}},
	}
	opts := cmp.Options{
		cmpopts.IgnoreFields(ProviderSummary{}, "Latency", "TTFT"),
		cmpopts.EquateApprox(0, 1e-9),
	}
	if diff := cmp.Diff(want, a, opts); diff != "" {
		t.Errorf("provider summary (-want +got):\n%s", diff)
	}
	if a.Latency.Count != 2 || !near(a.Latency.P50, 550) || !near(a.Latency.Max, 1100) || a.TTFT.Count != 1 || !near(a.TTFT.P50, 275) {
		t.Errorf("latency = %+v ttft = %+v", a.Latency, a.TTFT)
	}
	// The cached result is left out of the openai timing figures.
	if o := s.Providers[1]; o.Latency.Count != 2 || o.Cached != 1 {
		t.Errorf("openai latency count = %d cached = %d, want 2 and 1", o.Latency.Count, o.Cached)
	}
	if s.FirstAt != fixtureResults()[0].CreatedAt || s.LastAt != fixtureResults()[7].CreatedAt {
		t.Errorf("FirstAt/LastAt = %v/%v", s.FirstAt, s.LastAt)
	}
}

func TestMatrix(t *testing.T) {
	t.Parallel()
	s := fixtureSummary(t)
	var got [][]string
	for _, row := range s.Matrix.Rows {
		states := []string{row.CaseID}
		for _, c := range row.Cells {
			states = append(states, c.State)
		}
		got = append(got, states)
	}
	want := [][]string{
		{"fr", CellPartial, CellPass},
		{"de", CellFail, CellFail},
		{`x<y>&"z"`, CellNone, CellFail},
		{"it", CellError, CellError},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("matrix states, case order = first seen (-want +got):\n%s", diff)
	}
	if r := s.Matrix.Rows[1].Cells[0].Reason; r != `icontains: missing "berlin"` {
		t.Errorf("cell reason = %q", r)
	}
}

func TestMatrixTruncates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		limit, cases     int
		wantRows, wantOm int
	}{
		{"under the limit", 10, 5, 5, 0},
		{"at the limit", 5, 5, 5, 0},
		{"over the limit", 3, 5, 3, 4}, // 2 cases x 2 providers left out
		{"default limit", 0, 3, 3, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := NewAggregator(bench.Run{})
			a.MatrixLimit = tt.limit
			for i := range tt.cases {
				for _, p := range []string{"b", "a"} {
					a.Add(&bench.Result{CaseID: fmt.Sprint("c", i), Provider: p, Status: bench.StatusSuccess, Passed: true})
				}
			}
			m := a.Summary().Matrix
			if len(m.Rows) != tt.wantRows || m.OmittedResults != tt.wantOm || m.Truncated != (tt.wantOm > 0) {
				t.Errorf("rows=%d omitted=%d truncated=%v, want %d, %d", len(m.Rows), m.OmittedResults, m.Truncated, tt.wantRows, tt.wantOm)
			}
			if diff := cmp.Diff([]string{"a", "b"}, m.Providers); diff != "" {
				t.Errorf("providers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAggregatorPercentilesMatchBruteForce(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	a := NewAggregator(bench.Run{})
	var lat, ttft []float64
	for i := range 20000 {
		l := math.Round(math.Exp(6+0.7*r.NormFloat64())*1000) / 1000
		f := math.Round(l*r.Float64()*1000) / 1000
		lat, ttft = append(lat, l), append(ttft, f)
		a.Add(&bench.Result{CaseID: fmt.Sprint(i % 50), Provider: "p", Status: bench.StatusSuccess, LatencyMs: l, TTFTMs: f})
	}
	slices.Sort(lat)
	slices.Sort(ttft)
	p := a.Summary().Providers[0]
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"p50", p.Latency.P50, rank(lat, 0.50)}, {"p90", p.Latency.P90, rank(lat, 0.90)},
		{"p95", p.Latency.P95, rank(lat, 0.95)}, {"p99", p.Latency.P99, rank(lat, 0.99)},
		{"max", p.Latency.Max, lat[len(lat)-1]}, {"mean", p.Latency.Mean, mean(lat)},
		{"ttft p50", p.TTFT.P50, rank(ttft, 0.50)}, {"ttft p99", p.TTFT.P99, rank(ttft, 0.99)},
	} {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v within HDR precision (0.1%%)", c.name, c.got, c.want)
		}
	}
}

func TestSummaryIsRepeatable(t *testing.T) {
	t.Parallel()
	a := NewAggregator(bench.Run{ID: "r"})
	a.Add(&bench.Result{CaseID: "c", Provider: "p", Status: bench.StatusError, Error: &bench.ErrorInfo{Kind: "auth"}})
	first := a.Summary()
	first.Providers[0].ErrorsByKind["auth"] = 99 // callers may not corrupt the aggregate
	a.Add(&bench.Result{CaseID: "c", Provider: "p", Status: bench.StatusSuccess, Passed: true})
	second := a.Summary()
	if second.Total != 2 || second.Providers[0].ErrorsByKind["auth"] != 1 || second.Matrix.Rows[0].Cells[0].State != CellPartial {
		t.Errorf("second summary = total %d, auth %d, cell %s; want 2, 1, partial",
			second.Total, second.Providers[0].ErrorsByKind["auth"], second.Matrix.Rows[0].Cells[0].State)
	}
}

func TestAggregatorIgnoresNonFinite(t *testing.T) {
	t.Parallel()
	a := NewAggregator(bench.Run{})
	a.Add(&bench.Result{Provider: "p", Status: bench.StatusSuccess, LatencyMs: math.NaN(), Score: math.Inf(1), Cost: bench.Cost{Total: math.NaN()}})
	s := a.Summary()
	if s.CostUSD != 0 || s.Providers[0].Latency.Count != 0 || s.Providers[0].MeanScore != 0 {
		t.Errorf("non-finite input leaked: cost %v latency count %d score %v", s.CostUSD, s.Providers[0].Latency.Count, s.Providers[0].MeanScore)
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, s, false); err != nil {
		t.Fatal(err)
	}
}

func rank(sorted []float64, q float64) float64 {
	i := int(q*float64(len(sorted)) + 0.5)
	return sorted[min(max(i, 1), len(sorted))-1]
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func near(got, want float64) bool { return math.Abs(got-want) <= want*2e-3+1e-3 }

// FuzzUserDataInReports feeds arbitrary user text (case id, response,
// reasons) through the CSV and JUnit writers: CSV must read back to the same
// text (after formula neutralisation) and JUnit must stay well-formed XML.
func FuzzUserDataInReports(f *testing.F) {
	f.Add("fr", "Paris", "ok")
	f.Add(`x<y>&"z"`, hostile, "found <script>")
	f.Add("=cmd|' /C calc'!A0", "\x00\x1b[31m\ufffe\xff", "]]>")
	f.Add("-1", "line\r\nbreak", "")
	f.Fuzz(func(t *testing.T, caseID, response, reason string) {
		r := bench.Result{
			ID: "r1", CaseID: caseID, Provider: "p:" + caseID, Status: bench.StatusSuccess, Response: response,
			Scores:    map[string]bench.Score{"check": {Reason: reason}},
			CreatedAt: time.Unix(0, 0).UTC(),
		}
		rs := []bench.Result{r, {ID: "r2", CaseID: caseID, Status: bench.StatusError, Error: &bench.ErrorInfo{Message: reason}}}
		recs, err := csv.NewReader(strings.NewReader(renderResults(t, FormatCSV, bench.Run{}, rs))).ReadAll()
		if err != nil {
			t.Fatalf("CSV does not parse: %v", err)
		}
		// encoding/csv turns \r\n inside quoted fields into \n.
		wantResp := strings.ReplaceAll(neutralise(response), "\r\n", "\n")
		if len(recs) != 3 || recs[1][indexOf(csvHeader, "response")] != wantResp {
			t.Fatalf("CSV response = %q, want %q", recs[1][indexOf(csvHeader, "response")], wantResp)
		}
		dec := xml.NewDecoder(strings.NewReader(renderResults(t, FormatJUnit, bench.Run{Name: caseID}, rs)))
		for {
			if _, err := dec.Token(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("JUnit is not well-formed XML: %v", err)
			}
		}
	})
}

// benchResult is a typical successful result.
func benchResult(i int) bench.Result {
	return bench.Result{
		ID: fmt.Sprint("res-", i), RunID: "run", CaseID: fmt.Sprint("case-", i%500), PromptID: "terse",
		Provider: []string{"openai:gpt-4o-mini", "anthropic:claude-haiku-4-5"}[i%2], Model: "m",
		Status: bench.StatusSuccess, Prompt: "Answer in one word: capital of France?", Response: "Paris",
		FinishReason: "stop", LatencyMs: 200 + float64(i%1000), TTFTMs: 80 + float64(i%300),
		Tokens: bench.Usage{Prompt: 21, Completion: 2, Total: 23}, Cost: bench.Cost{Input: 3e-6, Output: 1e-6, Total: 4e-6, Currency: "USD"},
		Scores: map[string]bench.Score{"icontains": {Score: 1, Pass: true, Reason: `contains "paris"`}},
		Score:  1, Passed: i%7 != 0, Tags: []string{"easy"}, CreatedAt: time.Unix(1764324000, 0).UTC(),
	}
}

func BenchmarkAggregatorAdd(b *testing.B) {
	rs := make([]bench.Result, 4096)
	for i := range rs {
		rs[i] = benchResult(i)
	}
	a := NewAggregator(bench.Run{})
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		a.Add(&rs[i%len(rs)])
	}
}

func BenchmarkRenderJSONL(b *testing.B) {
	r := benchResult(1)
	results := func(yield func(bench.Result, error) bool) {
		for range b.N {
			if !yield(r, nil) {
				return
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := Render(context.Background(), io.Discard, FormatJSONL, bench.Run{}, &Summary{}, results); err != nil {
		b.Fatal(err)
	}
}
