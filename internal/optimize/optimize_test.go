package optimize

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/internal/pricing"
	"github.com/llm-test-bench/llm-test-bench/internal/stats"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// fixturePrices prices acme's models per 1M tokens (input, output).
func fixturePrices() *pricing.Table {
	return pricing.Default().WithOverrides(map[string]pricing.Price{
		"acme:big":    {InputPerMTok: 2, OutputPerMTok: 10},
		"acme:small":  {InputPerMTok: 0.1, OutputPerMTok: 0.4},
		"acme:huge":   {InputPerMTok: 10, OutputPerMTok: 40},
		"acme:middle": {InputPerMTok: 1, OutputPerMTok: 4},
	})
}

// prof is a profile of n results, passed of them passing, every one with
// 1000 prompt and 500 completion tokens and latency ms.
func prof(t *testing.T, provider, model string, n, passed int64, ms float64) store.ModelProfile {
	t.Helper()
	var sk stats.Sketch
	for range n {
		sk.Add(ms)
	}
	enc, err := sk.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return store.ModelProfile{Runs: 2, ProfileStats: store.ProfileStats{
		Provider: provider, Model: model, Results: n, Succeeded: n, Passed: passed, Scored: n, ScoreSum: float64(passed),
		Tokens:       store.TokenSums{Prompt: 1000 * n, Completion: 500 * n},
		LatencyCount: n, LatencySumMs: ms * float64(n), Latency: enc,
	}}
}

func vendor(p string) string { v, _, _ := strings.Cut(p, ":"); return v }

func fixture(t *testing.T) []store.ModelProfile {
	measured := prof(t, "other:custom", "custom", 100, 92, 250)
	measured.Priced, measured.CostUSD = 100, 0.5 // the table does not price it: $0.005 a request
	unknown := prof(t, "other:mystery", "mystery", 100, 100, 10)
	return []store.ModelProfile{
		prof(t, "acme:big", "big", 100, 95, 200),     // $0.007
		prof(t, "acme:small", "small", 100, 80, 100), // $0.0003
		prof(t, "acme:huge", "huge", 100, 97, 900),   // $0.03
		prof(t, "acme:middle", "middle", 100, 70, 300),
		measured, unknown,
	}
}

func TestOptimizeFrontierAndChoice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		q        float64
		lat      time.Duration
		chosen   string
		reasons  map[string]string
		frontier []string
	}{
		{name: "threshold only", q: 0.9, chosen: "other:custom"},
		{name: "latency rules out the measured one", q: 0.9, lat: 120 * time.Millisecond, reasons: map[string]string{
			"other:custom": "p95 latency 250", "acme:big": "p95 latency 200", "acme:small": "quality 0.8000 is below 0.9000",
			"other:mystery": "cost unknown",
		}},
		{name: "high bar", q: 0.96, lat: time.Second, chosen: "acme:huge"},
		{name: "any quality", q: 0, chosen: "acme:small"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := Optimize(fixture(t), Options{Metric: MetricPassed, QualityThreshold: tt.q, MaxLatency: tt.lat,
				MonthlyRequests: 1000, Prices: fixturePrices(), Vendor: vendor})
			if err != nil {
				t.Fatal(err)
			}
			// middle is dominated by small (cheaper, faster, better);
			// mystery has no cost, so it is on no frontier.
			if d := cmp.Diff([]string{"acme:big", "acme:huge", "acme:small", "other:custom"}, res.Frontier); d != "" {
				t.Errorf("frontier (-want +got):\n%s", d)
			}
			if res.Chosen != tt.chosen || (res.Choice == nil) != (tt.chosen == "") {
				t.Fatalf("chose %q (reason %q), want %q", res.Chosen, res.Reason, tt.chosen)
			}
			for _, m := range res.Models {
				if want, ok := tt.reasons[m.Label()]; ok && !strings.Contains(strings.Join(m.Reasons, "; "), want) {
					t.Errorf("%s reasons %q, want %q", m.Label(), m.Reasons, want)
				}
			}
		})
	}
}

func TestOptimizeCosts(t *testing.T) {
	t.Parallel()
	res, err := Optimize(fixture(t), Options{Metric: MetricPassed, QualityThreshold: 0.5, MonthlyRequests: 1000, Prices: fixturePrices(), Vendor: vendor})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		perRequest, monthly float64
		source              string
	}{
		"acme:big":      {(1000*2 + 500*10) / 1e6, 7, CostTable},
		"acme:small":    {(1000*0.1 + 500*0.4) / 1e6, 0.3, CostTable},
		"other:custom":  {0.005, 5, CostMeasured},
		"other:mystery": {math.NaN(), math.NaN(), CostUnknown},
	}
	for _, m := range res.Models {
		w, ok := want[m.Label()]
		if !ok {
			continue
		}
		if m.CostSource != w.source {
			t.Errorf("%s cost source %q, want %q", m.Label(), m.CostSource, w.source)
		}
		if math.IsNaN(w.perRequest) {
			if m.CostPerRequest != nil || m.MonthlyCostUSD != nil {
				t.Errorf("%s cost %v, want unknown", m.Label(), *m.CostPerRequest)
			}
			continue
		}
		if m.CostPerRequest == nil || math.Abs(*m.CostPerRequest-w.perRequest) > 1e-12 || math.Abs(*m.MonthlyCostUSD-w.monthly) > 1e-9 {
			t.Errorf("%s cost %v a request, %v a month; want %v, %v", m.Label(), m.CostPerRequest, m.MonthlyCostUSD, w.perRequest, w.monthly)
		}
	}
	if res.PricesAsOf != pricing.Default().AsOf() {
		t.Errorf("prices as of %q", res.PricesAsOf)
	}
}

func TestOptimizeQualityFigures(t *testing.T) {
	t.Parallel()
	few := prof(t, "acme:big", "big", 10, 9, 200)
	res, err := Optimize([]store.ModelProfile{few}, Options{Metric: MetricPassed, QualityThreshold: 0.8, Prices: fixturePrices(), Vendor: vendor})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Models[0]
	// The Wilson formula for 9 of 10 at 95% (z = 1.959963984540054).
	if m.QualityCI == nil || math.Abs(m.QualityCI[0]-0.5958499732047616) > 1e-9 || math.Abs(m.QualityCI[1]-0.982123786904927) > 1e-9 {
		t.Errorf("Wilson interval %v", m.QualityCI)
	}
	if !m.FewSamples || !m.NearThreshold || m.Runs != 2 || *m.LatencyP95Ms < 199.9 || *m.LatencyP95Ms > 200.2 {
		t.Errorf("model %+v", m)
	}
	few.ScoreSum = 4.5
	res, err = Optimize([]store.ModelProfile{few}, Options{Metric: MetricScore, QualityThreshold: 0.5, Prices: fixturePrices(), Vendor: vendor})
	if err != nil || *res.Models[0].Quality != 0.45 || res.Models[0].QualityCI != nil || res.Choice != nil {
		t.Errorf("score metric: %+v, %v", res, err)
	}
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{
		{Metric: "f1", Prices: fixturePrices()},
		{Metric: MetricPassed, QualityThreshold: 1.5, Prices: fixturePrices()},
		{Metric: MetricPassed, QualityThreshold: math.NaN(), Prices: fixturePrices()},
		{Metric: MetricPassed, MonthlyRequests: -1, Prices: fixturePrices()},
		{Metric: MetricPassed},
	} {
		if _, err := Optimize(nil, o); err == nil {
			t.Errorf("Optimize accepted %+v", o)
		}
	}
}

func TestParseLatency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{"", 0, false}, {"2s", 2 * time.Second, false}, {"1500ms", 1500 * time.Millisecond, false},
		{"1500", 1500 * time.Millisecond, false}, {" 2.5 ", 2500 * time.Microsecond, false},
		{"0", 0, true}, {"-1s", 0, true}, {"NaN", 0, true}, {"1e300", 0, true}, {"fast", 0, true}, {"0s", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseLatency(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("ParseLatency(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.bad)
		}
	}
}

func FuzzParseLatency(f *testing.F) {
	for _, s := range []string{"2s", "1500ms", "1500", "-1", "NaN", "1e400", "1h2m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseLatency(s)
		if err == nil && d < 0 {
			t.Fatalf("ParseLatency(%q) = %v", s, d)
		}
		if err == nil && strings.TrimSpace(s) != "" && d == 0 {
			t.Fatalf("ParseLatency(%q) = 0 without error", s)
		}
	})
}
