// Package sequential holds anytime-valid tests: tests that may be checked
// after every observation and stopped as soon as they reject, without the
// inflated false-positive rate that repeatedly checking a fixed-sample test
// brings.
//
// # The test
//
// Test is the two-sided test by betting of Waudby-Smith and Ramdas
// ("Estimating means of bounded random variables by betting", JRSS B,
// 2023) for H0: the mean of paired differences d_i ∈ [−1, 1] equals a null
// value μ0. Each d is mapped to x = (d+1)/2 ∈ [0, 1], with null m =
// (μ0+1)/2. Two gamblers start with half a unit each: one bets that the
// mean is above m, the other that it is below:
//
//	K⁺_t = Π_{i≤t} (1 + λ⁺_i (x_i − m)),   K⁻_t = Π_{i≤t} (1 − λ⁻_i (x_i − m)),
//	K_t  = ½ K⁺_t + ½ K⁻_t.
//
// The bets λ±_i ≥ 0 are predictable (they use only x_1..x_{i−1}): the
// approximate growth-rate-optimal plug-in ("aGRAPA") of the paper,
//
//	λ⁺_i = clip((μ̂ − m) / (σ̂² + (μ̂ − m)²), 0, c/m),
//	λ⁻_i = clip((m − μ̂) / (σ̂² + (μ̂ − m)²), 0, c/(1−m)),
//
// with the paper's regularised running estimates μ̂_t = (½ + Σ x_i)/(t+1)
// and σ̂²_t = (¼ + Σ (x_i − μ̂_i)²)/(t+1), and c = ½, so that every factor
// stays at or above ½. Under H0 (each x_i has conditional mean m given the
// past) both products are nonnegative martingales with mean 1, and so is K.
// Ville's inequality then gives P(sup_t K_t ≥ 1/α) ≤ α: rejecting as soon
// as K_t reaches 1/α, at any time and however often it is checked, keeps
// the false-positive rate at or below α. The anytime-valid p-value is
// min(1, 1/max_{s≤t} K_s).
//
// # The confidence sequence
//
// CS inverts the test on a grid of null values: at every time t it holds
// the differences not yet rejected by their own test (each run with the
// same data), so with probability at least 1−α the true mean is inside at
// every t at once. It reports the hull of the grid values still standing,
// widened by one grid step on each side, since values between grid points
// are not tested. Its cost is one test update per grid point per
// observation.
package sequential

import (
	"errors"
	"fmt"
	"math"
)

// betShare caps a bet so that a factor 1 ± λ(x − m) never falls below
// 1 − betShare (the paper's c).
const betShare = 0.5

// Test is the two-sided anytime-valid test of H0: mean(d) = Null, for
// differences d in [−1, 1]. The zero value is not usable; use NewTest.
// State is constant in size, whatever the number of observations.
type Test struct {
	null  float64 // μ0 in difference units
	m     float64 // the null on the x = (d+1)/2 scale
	alpha float64

	n int
	// sumX and sumSq feed the running mean and variance estimates.
	sumX, sumSq float64
	// logPlus and logMinus are log K⁺ and log K⁻.
	logPlus, logMinus float64
	maxLogK           float64
}

// NewTest returns the test of H0: mean(d) = null at level alpha, with
// null in [−1, 1] and alpha in (0, 1).
func NewTest(null, alpha float64) (*Test, error) {
	if !(null >= -1 && null <= 1) {
		return nil, fmt.Errorf("sequential test: null %v: want a value in [-1, 1]", null)
	}
	if !(alpha > 0 && alpha < 1) {
		return nil, fmt.Errorf("sequential test: alpha %v: want a value in (0, 1)", alpha)
	}
	return &Test{null: null, m: (null + 1) / 2, alpha: alpha}, nil
}

// ErrOutOfRange is returned by Add for a difference outside [−1, 1] (NaN
// included): the test's guarantee holds only for bounded differences.
var ErrOutOfRange = errors.New("difference outside [-1, 1]")

// Add takes the next difference. A difference outside [−1, 1] is refused
// and leaves the test unchanged.
func (t *Test) Add(d float64) error {
	if !(d >= -1 && d <= 1) {
		return fmt.Errorf("sequential test: %v: %w", d, ErrOutOfRange)
	}
	x := (d + 1) / 2
	mu, v := t.estimates()
	lp, lm := bets(mu, v, t.m)
	t.logPlus += math.Log1p(lp * (x - t.m))
	t.logMinus += math.Log1p(-lm * (x - t.m))
	// The running estimates include x only after its bet was placed.
	t.n++
	t.sumX += x
	mu = (0.5 + t.sumX) / float64(t.n+1)
	t.sumSq += (x - mu) * (x - mu)
	t.maxLogK = max(t.maxLogK, t.LogE()) // K_0 = 1: the max starts at log 1 = 0
	return nil
}

// estimates are the regularised running mean and variance of the x seen
// so far (½ and ¼ before any).
func (t *Test) estimates() (mu, v float64) {
	k := float64(t.n + 1)
	return (0.5 + t.sumX) / k, (0.25 + t.sumSq) / k
}

// bets are the aGRAPA bets of both gamblers for the next observation.
func bets(mu, v, m float64) (plus, minus float64) {
	g := (mu - m) / (v + (mu-m)*(mu-m))
	if m > 0 {
		plus = min(max(g, 0), betShare/m)
	} else {
		plus = max(g, 0)
	}
	if m < 1 {
		minus = min(max(-g, 0), betShare/(1-m))
	} else {
		minus = max(-g, 0)
	}
	return plus, minus
}

// N is the number of differences taken.
func (t *Test) N() int { return t.n }

// Null is the tested mean difference.
func (t *Test) Null() float64 { return t.null }

// Alpha is the test's level.
func (t *Test) Alpha() float64 { return t.alpha }

// LogE is log K_t, the log of the current e-value (0 before any data).
func (t *Test) LogE() float64 {
	return logMeanExp(t.logPlus, t.logMinus)
}

// E is K_t, the current e-value: 1 before any data, the wealth of the two
// gamblers together after. Past the largest float64 it stays there (LogE
// keeps the exact value), so it can always be printed and encoded.
func (t *Test) E() float64 { return finiteExp(t.LogE()) }

// MaxE is the largest e-value so far (1 before any data), capped as E.
func (t *Test) MaxE() float64 { return finiteExp(t.maxLogK) }

// P is the anytime-valid p-value, min(1, 1/MaxE), and never below the
// smallest positive float64 (a bound, not an underflow to 0).
func (t *Test) P() float64 {
	return min(1, max(math.Exp(-t.maxLogK), math.SmallestNonzeroFloat64))
}

func finiteExp(x float64) float64 { return min(math.Exp(x), math.MaxFloat64) }

// Rejected reports whether the e-value has reached 1/Alpha at some time:
// the null is rejected, and stays rejected.
func (t *Test) Rejected() bool { return t.maxLogK >= -math.Log(t.alpha) }

// Direction is +1 when the gambler betting on a mean above the null holds
// more, −1 when the other does, 0 when they hold the same.
func (t *Test) Direction() int {
	switch {
	case t.logPlus > t.logMinus:
		return 1
	case t.logPlus < t.logMinus:
		return -1
	}
	return 0
}

// logMeanExp is log(½e^a + ½e^b) without overflow.
func logMeanExp(a, b float64) float64 {
	hi, lo := max(a, b), min(a, b)
	return hi + math.Log1p(math.Exp(lo-hi)) - math.Ln2
}
