package analysis

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/llm-test-bench/llm-test-bench/internal/stats/inference"
)

// PowerOptions ask how many cases the gate needs.
type PowerOptions struct {
	// Margin and Alpha are the gate's (Options).
	Margin, Alpha float64
	// Drop is the real loss the gate should catch, in metric units; it
	// must exceed the margin.
	Drop float64
	// Power is the chance wanted both of passing an unchanged model and of
	// catching a drop of Drop (default 0.8).
	Power float64
}

// Power is how many cases the gate needs, from one run's spread.
type Power struct {
	Source string  `json:"source"`
	Cases  int     `json:"cases"` // the cases the spread was measured on
	Mean   float64 `json:"mean"`
	// SD is the standard deviation of the per-case values; SDDiff the
	// assumed one of a paired difference, √2·SD (two independent runs of
	// the same per-case noise).
	SD     float64 `json:"sd"`
	SDDiff float64 `json:"sd_diff"`
	Margin float64 `json:"margin"`
	Alpha  float64 `json:"alpha"`
	Drop   float64 `json:"drop"`
	Power  float64 `json:"power"`
	// CasesToPass is the number of cases with which an unchanged model
	// passes the gate with probability Power; CasesToCatch those with
	// which a real drop of Drop fails it with probability Power.
	CasesToPass  int `json:"cases_to_pass"`
	CasesToCatch int `json:"cases_to_catch"`
}

// PowerOf estimates, from side's per-case values, the cases the
// non-inferiority gate needs (normal approximation): with se = SDDiff/√n,
// an unchanged model passes with probability Φ(margin/se − z(1−α)) and a
// drop D is caught with probability Φ((D − margin)/se − z(1−α)).
func PowerOf(side *Side, o PowerOptions) (*Power, error) {
	if o.Power == 0 {
		o.Power = 0.8
	}
	switch {
	case !(o.Power > 0.5 && o.Power < 1):
		return nil, errors.New("power must be between 0.5 and 1")
	case !(o.Margin > 0):
		return nil, errors.New("margin must be above 0: with no margin an unchanged model never passes for sure")
	case !(o.Drop > o.Margin):
		return nil, fmt.Errorf("the drop to catch (%g) must exceed the margin (%g)", o.Drop, o.Margin)
	}
	n := len(side.cells)
	if n < 2 {
		return nil, &InputError{Msg: fmt.Sprintf("%s: %d cases; the spread needs at least 2", side.Source, n)}
	}
	xs := make([]float64, 0, n)
	for _, k := range sortedKeys(side) {
		c := side.cells[k]
		xs = append(xs, c.sum/float64(c.n))
	}
	avg := mean(xs)
	sd := math.Sqrt(sampleVariance(xs, avg))
	za, err := inference.ZQuantile(1 - o.Alpha)
	if err != nil {
		return nil, fmt.Errorf("alpha: %w", err)
	}
	zp, err := inference.ZQuantile(o.Power)
	if err != nil {
		return nil, fmt.Errorf("power: %w", err)
	}
	sdd := math.Sqrt2 * sd
	need := func(effect float64) int {
		r := (za.Value + zp.Value) * sdd / effect
		return int(math.Ceil(r * r))
	}
	return &Power{
		Source: side.Source, Cases: n, Mean: avg, SD: sd, SDDiff: sdd,
		Margin: o.Margin, Alpha: o.Alpha, Drop: o.Drop, Power: o.Power,
		CasesToPass: need(o.Margin), CasesToCatch: need(o.Drop - o.Margin),
	}, nil
}

// WritePower prints the estimate.
func WritePower(w io.Writer, p *Power) error {
	_, err := fmt.Fprintf(w, `Spread of %s: %d cases, mean %.4f, sd %.4f (a paired difference: %.4f)
Gate: margin %g, alpha %g; wanted probability %.0f%%
Cases for an unchanged model to pass:    %d
Cases to catch a real drop of %g:      %d
(Normal approximation; repetitions of a case averaged first. A spread of 0 needs no cases.)
`, p.Source, p.Cases, p.Mean, p.SD, p.SDDiff, p.Margin, p.Alpha, 100*p.Power, p.CasesToPass, p.Drop, p.CasesToCatch)
	return err
}
