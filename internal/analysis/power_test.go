package analysis_test

import (
	"math"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
)

func TestPowerFromABaselinesSpread(t *testing.T) {
	t.Parallel()
	side := collect(t, analysis.MetricPassed, "", res("p", "a", 0, true), res("p", "b", 0, true), res("p", "c", 0, false), res("p", "d", 0, false),
		res("p", "a", 1, true), res("p", "b", 1, true), res("p", "c", 1, false), res("p", "d", 1, false))
	p, err := analysis.PowerOf(side, analysis.PowerOptions{Margin: 0.02, Alpha: 0.05, Drop: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	// Per-case values 1, 1, 0, 0: sd = √(1/3); a paired difference √2 of it.
	sd := math.Sqrt(1.0 / 3)
	z := 1.6448536269514722 + 0.8416212335729143 // z(0.95) + z(0.8)
	need := func(effect float64) int { r := z * math.Sqrt2 * sd / effect; return int(math.Ceil(r * r)) }
	wantPass, wantCatch := need(0.02), need(0.08)
	if p.Cases != 4 || !near(p.SD, sd) || !near(p.SDDiff, math.Sqrt2*sd) || p.CasesToPass != wantPass || p.CasesToCatch != wantCatch || p.Power != 0.8 {
		t.Errorf("power %+v; want sd %v, %d cases to pass, %d to catch", *p, sd, wantPass, wantCatch)
	}
	if wantPass != 10303 && wantPass != 10304 && wantPass != 10305 {
		t.Errorf("cases to pass %d, want about 10,304 ((2.4865·0.8165/0.02)²)", wantPass)
	}
	for _, bad := range []analysis.PowerOptions{
		{Margin: 0, Alpha: 0.05, Drop: 0.1},
		{Margin: 0.05, Alpha: 0.05, Drop: 0.05},
		{Margin: 0.02, Alpha: 0.05, Drop: 0.1, Power: 0.4},
	} {
		if _, err := analysis.PowerOf(side, bad); err == nil {
			t.Errorf("PowerOf(%+v) accepted", bad)
		}
	}
	one := collect(t, analysis.MetricPassed, "", res("p", "a", 0, true))
	if _, err := analysis.PowerOf(one, analysis.PowerOptions{Margin: 0.02, Alpha: 0.05, Drop: 0.1}); !analysis.IsInputError(err) {
		t.Errorf("one case: %v, want an input error", err)
	}
}
