package sequential

import (
	"fmt"
	"math"
)

// DefaultGridStep is the spacing of the null values a CS tests: 0.005 in
// difference units, half a point of pass rate, 401 tests.
const DefaultGridStep = 0.005

// CS is an always-valid confidence sequence for the mean of differences in
// [−1, 1], by inverting Test on a grid (see the package doc).
type CS struct {
	step  float64
	tests []*Test
}

// NewCS returns the (1−alpha) confidence sequence over a grid of null
// values step apart, from −1 to 1; step must divide into at most 20,000
// points.
func NewCS(alpha, step float64) (*CS, error) {
	if !(step > 0) || 2/step > 20000 {
		return nil, fmt.Errorf("confidence sequence: grid step %v: want a step in [0.0001, 2]", step)
	}
	k := int(math.Floor(2/step + 1e-9))
	cs := &CS{step: step, tests: make([]*Test, 0, k+1)}
	for i := 0; i <= k; i++ {
		t, err := NewTest(min(-1+float64(i)*step, 1), alpha)
		if err != nil {
			return nil, fmt.Errorf("confidence sequence: %w", err)
		}
		cs.tests = append(cs.tests, t)
	}
	return cs, nil
}

// Add takes the next difference; one outside [−1, 1] is refused and leaves
// the sequence unchanged.
func (c *CS) Add(d float64) error {
	if !(d >= -1 && d <= 1) {
		return fmt.Errorf("confidence sequence: %v: %w", d, ErrOutOfRange)
	}
	for _, t := range c.tests {
		if err := t.Add(d); err != nil {
			return err
		}
	}
	return nil
}

// Interval is the current interval: the hull of the null values not yet
// rejected, widened by one grid step and clipped to [−1, 1]. ok is false
// when every grid value has been rejected (possible with probability at
// most alpha).
func (c *CS) Interval() (lo, hi float64, ok bool) {
	first, last := -1, -1
	for i, t := range c.tests {
		if !t.Rejected() {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return 0, 0, false
	}
	lo = max(c.tests[first].Null()-c.step, -1)
	hi = min(c.tests[last].Null()+c.step, 1)
	return lo, hi, true
}
