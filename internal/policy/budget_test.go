package policy

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLocalBudget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		limit, spent float64
		spends       []float64
		wantReached  []bool
		wantSpent    float64
	}{
		{name: "no limit never stops", spends: []float64{5, 1e6}, wantReached: []bool{false, false}, wantSpent: 1e6 + 5},
		{name: "reached exactly at the limit", limit: 1, spends: []float64{0.5, 0.25, 0.25}, wantReached: []bool{false, false, true}, wantSpent: 1},
		{name: "passes the limit", limit: 1, spends: []float64{0.75, 0.5}, wantReached: []bool{false, true}, wantSpent: 1.25},
		{name: "starts from what was spent", limit: 1, spent: 0.75, spends: []float64{0.125, 0.125}, wantReached: []bool{false, true}, wantSpent: 1},
		{name: "already over on resume", limit: 1, spent: 2, spends: []float64{0}, wantReached: []bool{true}, wantSpent: 2},
		{name: "zero and negative amounts are ignored", limit: 1, spends: []float64{-5, 0, 0.5}, wantReached: []bool{false, false, false}, wantSpent: 0.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := NewBudget(tc.limit, tc.spent)
			var _ Budget = b
			if b.Limit() != tc.limit {
				t.Errorf("Limit = %v, want %v", b.Limit(), tc.limit)
			}
			for i, usd := range tc.spends {
				if got := b.Spend(usd); got != tc.wantReached[i] {
					t.Errorf("Spend(%v) #%d = %v, want %v", usd, i, got, tc.wantReached[i])
				}
				if b.Reached() != tc.wantReached[i] {
					t.Errorf("Reached after #%d = %v, want %v", i, b.Reached(), tc.wantReached[i])
				}
			}
			if b.Spent() != tc.wantSpent {
				t.Errorf("Spent = %v, want %v", b.Spent(), tc.wantSpent)
			}
		})
	}
}

func TestLocalBudgetConcurrentSpends(t *testing.T) {
	t.Parallel()
	b := NewBudget(0, 0)
	var (
		wg     sync.WaitGroup
		spends atomic.Int64
	)
	// Spend from several goroutines for a while: long enough for them to
	// overlap and be preempted mid-spend, where an update could be lost.
	stop := time.Now().Add(200 * time.Millisecond)
	for range 8 {
		wg.Go(func() {
			n := int64(0)
			for time.Now().Before(stop) {
				for range 1000 {
					b.Spend(0.125) // exact in binary: the sum must be exact too
				}
				n += 1000
			}
			spends.Add(n)
		})
	}
	wg.Wait()
	if want := float64(spends.Load()) * 0.125; b.Spent() != want {
		t.Errorf("Spent = %v after %d spends of 0.125, want %v (lost updates)", b.Spent(), spends.Load(), want)
	}
}
