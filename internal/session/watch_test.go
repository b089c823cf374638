package session_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

// stopper is a Watcher that asks the run to stop once after results have
// been saved.
type stopper struct {
	run   *session.Run
	after int

	mu         sync.Mutex
	dispatched []bench.Key
	saved      int
}

func (s *stopper) Dispatched(k bench.Key) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dispatched = append(s.dispatched, k)
}

func (s *stopper) Saved(batch []bench.Result) {
	s.mu.Lock()
	s.saved += len(batch)
	n := s.saved
	s.mu.Unlock()
	if s.after > 0 && n >= s.after {
		s.run.StopEarly("sequential")
	}
}

// TestStopEarlyKeepsResultsAndSaysSo: a watcher stops the run after 10
// results; the jobs already handed out finish (none is stored cancelled),
// the run is stored cancelled with the reason, and the watcher saw every
// stored result and every job in order.
func TestStopEarlyKeepsResultsAndSaysSo(t *testing.T) {
	t.Parallel()
	r, st := slowRun(t, 200)
	w := &stopper{run: r, after: 10}
	r.Watch(w)
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	res := r.Wait()
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	rs := stored(t, st, r.ID())
	if res.Run.Status != bench.RunCancelled || res.StoppedBy != session.StopEarly || len(rs) >= 200 || len(rs) < 10 {
		t.Fatalf("status %s, stopped by %q, %d of 200 results: want cancelled, %q, fewer", res.Run.Status, res.StoppedBy, len(rs), session.StopEarly)
	}
	for _, x := range rs {
		if x.Status != bench.StatusSuccess {
			t.Errorf("result %s stored %s: jobs handed out must finish", x.CaseID, x.Status)
		}
	}
	got, err := st.GetRun(context.Background(), r.ID())
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != bench.RunCancelled || got.Config[session.StopEarly] != "sequential" {
		t.Errorf("stored run: status %s, config %v: want cancelled with stopped_early=sequential", got.Status, got.Config)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.saved != len(rs) {
		t.Errorf("watcher saw %d saved results, the store holds %d", w.saved, len(rs))
	}
	if len(w.dispatched) < len(rs) || !slices.IsSortedFunc(w.dispatched, func(a, b bench.Key) int { return strings.Compare(a.CaseID, b.CaseID) }) {
		t.Errorf("dispatched %d keys (in order: %v) for %d results", len(w.dispatched), w.dispatched[:min(3, len(w.dispatched))], len(rs))
	}
}

// TestStopEarlyAfterEverythingRanCompletes: a stop asked once every job
// was handed out cut nothing, so the run completed and says so.
func TestStopEarlyAfterEverythingRanCompletes(t *testing.T) {
	t.Parallel()
	r, st := slowRun(t, 5)
	r.Watch(&stopper{run: r, after: 5})
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	res := r.Wait()
	if res.Run.Status != bench.RunCompleted || res.StoppedBy != "" || len(stored(t, st, r.ID())) != 5 {
		t.Errorf("status %s, stopped by %q: want completed", res.Run.Status, res.StoppedBy)
	}
}

// TestShuffleIsASeededPermutation: Shuffle hands out every case once, in
// an order that is not the file's and is the same for the same seed.
func TestShuffleIsASeededPermutation(t *testing.T) {
	t.Parallel()
	cfg := loadConfig(t, "")
	data := writeCases(t, "p", 30, "")
	order := func(seed uint64) []string {
		st := openStore(t)
		p, err := session.New(cfg, st, nil).Plan(context.Background(), session.Options{
			Datasets: []string{data}, Providers: []string{"echo"}, Concurrency: 1, NoCache: true, Shuffle: true, Seed: seed,
		}, session.ModeRun)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		r := p.NewRun()
		w := &stopper{run: r}
		r.Watch(w)
		if err := r.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		if res := r.Wait(); res.Err != nil || res.Run.Status != bench.RunCompleted {
			t.Fatalf("run: %v %s", res.Err, res.Run.Status)
		}
		var ids []string
		for _, k := range w.dispatched {
			ids = append(ids, k.CaseID)
		}
		return ids
	}
	a, b, c := order(7), order(7), order(8)
	if !slices.Equal(a, b) {
		t.Errorf("same seed, different orders:\n%v\n%v", a, b)
	}
	if slices.IsSorted(a) || slices.Equal(a, c) {
		t.Errorf("seed 7 order %v, seed 8 order %v: want shuffled and seed-dependent", a, c)
	}
	if sorted := slices.Compact(slices.Sorted(slices.Values(a))); len(a) != 30 || len(sorted) != 30 {
		t.Errorf("shuffled order %v: want each of 30 cases once", a)
	}
}
