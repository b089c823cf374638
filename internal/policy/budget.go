package policy

import (
	"math"
	"sync/atomic"
)

// Budget caps what a run may spend. It is an interface so that workers on
// several machines can later share one (Redis).
type Budget interface {
	// Spend adds usd to what was spent and reports whether the limit is now reached.
	Spend(usd float64) bool
	// Reached reports whether the limit has been reached.
	Reached() bool
	// Spent is the total so far, in USD.
	Spent() float64
	// Limit is the cap in USD; 0 means none.
	Limit() float64
}

// LocalBudget is a Budget within one process. A zero limit never stops.
type LocalBudget struct {
	limit float64
	bits  atomic.Uint64 // float64 bits of the amount spent
}

// NewBudget returns a budget of limit USD that has already spent spent.
func NewBudget(limit, spent float64) *LocalBudget {
	b := &LocalBudget{limit: limit}
	b.bits.Store(math.Float64bits(spent))
	return b
}

// Spend adds usd (ignored when not positive) and reports whether the limit is reached.
func (b *LocalBudget) Spend(usd float64) bool {
	if usd > 0 {
		for {
			old := b.bits.Load()
			next := math.Float64bits(math.Float64frombits(old) + usd)
			if b.bits.CompareAndSwap(old, next) {
				break
			}
		}
	}
	return b.Reached()
}

// Reached reports whether a limit is set and has been reached.
func (b *LocalBudget) Reached() bool { return b.limit > 0 && b.Spent() >= b.limit }

// Spent is the amount spent, in USD.
func (b *LocalBudget) Spent() float64 { return math.Float64frombits(b.bits.Load()) }

// Limit is the cap in USD, 0 for none.
func (b *LocalBudget) Limit() float64 { return b.limit }
