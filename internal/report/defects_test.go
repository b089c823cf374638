package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

func TestFormatUSD(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   float64
		want string
	}{
		{0, "$0"},
		{0.000015, "$0.000015"}, // printed $0.0000 before
		{0.0000687, "$0.000069"},
		{0.00000012345, "$0.00000012"},
		{0.00000999, "$0.000010"}, // rounding carries into the next digit
		{0.0012346, "$0.001235"},
		{0.0125, "$0.0125"},
		{0.5, "$0.5000"},
		{12.345, "$12.35"},
		{1234.5, "$1234.50"},
		{-0.000015, "-$0.000015"},
		{math.NaN(), "—"},
		{math.Inf(1), "—"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			if got := FormatUSD(tt.in); got != tt.want {
				t.Errorf("FormatUSD(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFormatCost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		usd      float64
		unpriced int
		want     string
	}{
		{"all priced", 0.000015, 0, "$0.000015"},
		{"all priced and free", 0, 0, "$0"},
		{"none priced", 0, 3, "unknown"},
		{"partly priced", 0.25, 1, "$0.2500 + unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := FormatCost(tt.usd, tt.unpriced); got != tt.want {
				t.Errorf("FormatCost(%v, %d) = %q, want %q", tt.usd, tt.unpriced, got, tt.want)
			}
		})
	}
}

func TestThroughput(t *testing.T) {
	t.Parallel()
	ok := func(lat, ttft float64, completion int) bench.Result {
		return bench.Result{Provider: "p", Status: bench.StatusSuccess, LatencyMs: lat, TTFTMs: ttft, Tokens: bench.Usage{Completion: completion}}
	}
	tests := []struct {
		name    string
		results []bench.Result
		want    float64
	}{
		{"streamed", []bench.Result{ok(1100, 100, 50)}, 50},
		{"two streamed calls pool their windows", []bench.Result{ok(1100, 100, 50), ok(600, 100, 50)}, 100 / 1.5},
		{"echo: microseconds after the first token", []bench.Result{ok(0.009, 0.004, 41)}, 0},
		{"window just under the floor", []bench.Result{ok(100+MinGenerationMs-0.001, 100, 5)}, 0},
		{"window at the floor", []bench.Result{ok(100+MinGenerationMs, 100, 5)}, 5 / (MinGenerationMs / 1000)},
		{"not streamed: no first token", []bench.Result{ok(900, 0, 40)}, 0},
		{"no completion tokens", []bench.Result{ok(900, 100, 0)}, 0},
		{"short calls do not dilute long ones", []bench.Result{ok(1100, 100, 50), ok(0.01, 0.005, 40), ok(500, 0, 30)}, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := NewAggregator(bench.Run{})
			for _, r := range tt.results {
				a.Add(&r)
			}
			if got := a.Summary().Providers[0].TokensPerSec; math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("TokensPerSec = %v, want %v", got, tt.want)
			}
		})
	}
}

// echoResults are what the echo provider records: 41 tokens in about ten
// microseconds, streamed and not.
func echoResults() []bench.Result {
	return []bench.Result{
		{ID: "e1", CaseID: "a", Provider: "echo", Model: "echo", Status: bench.StatusSuccess, Passed: true, LatencyMs: 0.009, TTFTMs: 0.004, Tokens: bench.Usage{Completion: 41, Total: 82}},
		{ID: "e2", CaseID: "b", Provider: "echo", Model: "echo", Status: bench.StatusSuccess, Passed: true, LatencyMs: 0.009, Tokens: bench.Usage{Completion: 41, Total: 82}},
	}
}

func TestEchoThroughputIsNotReported(t *testing.T) {
	t.Parallel()
	md := renderResults(t, FormatMarkdown, bench.Run{ID: "r"}, echoResults())
	if !strings.Contains(md, "| 164 | — |") {
		t.Errorf("markdown tokens/s cell is not —:\n%s", md)
	}
	if !strings.Contains(md, "— tokens/s: no streamed answer lasted 10 ms or more after its first token") {
		t.Errorf("markdown does not explain the —:\n%s", md)
	}
	html := renderResults(t, FormatHTML, bench.Run{ID: "r"}, echoResults())
	if !strings.Contains(html, "<dt>Throughput</dt><dd>—</dd>") {
		t.Error("HTML throughput is not —")
	}
}

// noStreamResults are results of a --no-stream run: no first token, no TTFT.
func noStreamResults() []bench.Result {
	return []bench.Result{
		{ID: "n1", CaseID: "a", Provider: "openai:gpt-4o-mini", Model: "gpt-4o-mini", Status: bench.StatusSuccess, Passed: true, LatencyMs: 812, Tokens: bench.Usage{Completion: 9, Total: 30}},
		{ID: "n2", CaseID: "b", Provider: "openai:gpt-4o-mini", Model: "gpt-4o-mini", Status: bench.StatusSuccess, LatencyMs: 640, Tokens: bench.Usage{Completion: 7, Total: 28}},
	}
}

func TestNotStreamedHasNoTTFT(t *testing.T) {
	t.Parallel()
	run := bench.Run{ID: "r"}
	tests := []struct {
		format string
		check  func(t *testing.T, out string)
	}{
		{FormatMarkdown, func(t *testing.T, out string) {
			if !strings.Contains(out, "| 812 | n/a |") || !strings.Contains(out, "TTFT n/a: no call streamed a first token") {
				t.Errorf("markdown TTFT is not n/a with a note:\n%s", out)
			}
		}},
		{FormatHTML, func(t *testing.T, out string) {
			if !strings.Contains(out, "<dt>TTFT p50 / p95</dt><dd>n/a (not streamed)</dd>") {
				t.Error("HTML TTFT is not n/a (not streamed)")
			}
		}},
		{FormatCSV, func(t *testing.T, out string) {
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			for _, rec := range recs[1:] {
				if got := rec[indexOf(csvHeader, "ttft_ms")]; got != "" {
					t.Errorf("CSV ttft_ms = %q, want empty for a call with no first token", got)
				}
			}
		}},
		{FormatJSON, func(t *testing.T, out string) {
			var doc struct {
				Summary struct {
					Providers []map[string]json.RawMessage `json:"providers"`
				} `json:"summary"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			if _, ok := doc.Summary.Providers[0]["ttft_ms"]; ok {
				t.Errorf("JSON summary has ttft_ms for a provider that never streamed: %s", out)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			t.Parallel()
			tt.check(t, renderResults(t, tt.format, run, noStreamResults()))
		})
	}
	t.Run("table", func(t *testing.T) {
		t.Parallel()
		s, _ := Summarize(t.Context(), run, Slice(noStreamResults()))
		var buf bytes.Buffer
		if err := WriteTable(&buf, s, false); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "  n/a  ") || !strings.Contains(buf.String(), "TTFT n/a:") {
			t.Errorf("table TTFT is not n/a with a note:\n%s", buf.String())
		}
	})
}

// unpriced are results of a model with no price, beside a priced one.
func unpriced() []bench.Result {
	return []bench.Result{
		{ID: "u1", CaseID: "a", Provider: "openai:o1", Model: "o1", Status: bench.StatusSuccess, Passed: true, LatencyMs: 900,
			Tokens: bench.Usage{Prompt: 20, Completion: 9, Total: 29}, Cost: bench.Cost{Currency: "USD", Unknown: true}},
		{ID: "u2", CaseID: "b", Provider: "openai:o1", Model: "o1", Status: bench.StatusSuccess, Passed: true, LatencyMs: 800,
			Tokens: bench.Usage{Prompt: 20, Completion: 9, Total: 29}, Cost: bench.Cost{Currency: "USD", Unknown: true}},
		{ID: "p1", CaseID: "a", Provider: "openai:gpt-4o-mini", Model: "gpt-4o-mini", Status: bench.StatusSuccess, Passed: true, LatencyMs: 500,
			Tokens: bench.Usage{Prompt: 20, Completion: 9, Total: 29}, Cost: bench.Cost{Total: 0.000015, Currency: "USD"}},
	}
}

func TestUnknownCostIsNeverZero(t *testing.T) {
	t.Parallel()
	run := bench.Run{ID: "r"}
	const warning = `openai:o1: 2 results have no price (model "o1"): cost unknown; set input_per_mtok and output_per_mtok under [providers.openai.pricing."o1"]`
	tests := []struct {
		format string
		want   []string
		not    []string
	}{
		{FormatMarkdown, []string{"| $0.000015 |", "| unknown |", "**Total cost:** $0.000015 + unknown", "> **Warning:** openai:o1: 2 results have no price"}, []string{"| $0 |"}},
		{FormatHTML, []string{`<div class="l">Cost</div><div class="v">$0.000015 &#43; unknown</div>`, "<dt>Cost</dt><dd>unknown</dd>", `Warning: openai:o1: 2 results have no price`}, []string{"<dd>$0</dd>"}},
		{FormatJSON, []string{`"unpriced":2`, `"cost":{"input":0,"output":0,"total":0,"currency":"USD","unknown":true}`}, nil},
		{FormatJSONL, []string{`"unknown":true`}, nil},
		{FormatCSV, []string{",unknown,unknown,unknown,"}, []string{"u1,r,a,,openai:o1,o1,0,success,true,0,900,,20,9,0,0,29,0,"}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			t.Parallel()
			out := renderResults(t, tt.format, run, unpriced())
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("%s lacks %q:\n%s", tt.format, w, out)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(out, w) {
					t.Errorf("%s contains %q", tt.format, w)
				}
			}
		})
	}
	t.Run("summary", func(t *testing.T) {
		t.Parallel()
		s, _ := Summarize(t.Context(), run, Slice(unpriced()))
		if s.Unpriced != 2 || s.Providers[1].Unpriced != 2 || s.Providers[0].Unpriced != 0 || s.CostUSD != 0.000015 {
			t.Errorf("unpriced = %d (o1 %d, gpt-4o-mini %d), cost %v; want 2, 2, 0, 0.000015", s.Unpriced, s.Providers[1].Unpriced, s.Providers[0].Unpriced, s.CostUSD)
		}
		if w := s.Warnings(); len(w) != 1 || w[0] != warning {
			t.Errorf("Warnings() = %q, want [%q]", w, warning)
		}
		var buf bytes.Buffer
		if err := WriteTable(&buf, s, false); err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{"  unknown\n", "cost $0.000015 + unknown\n", "Warning: " + warning + "\n"} {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("table lacks %q:\n%s", w, buf.String())
			}
		}
	})
}
