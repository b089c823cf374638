package policy

import (
	"context"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/cache"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// fakeEmbedder embeds each text as [len, 1], failing call n with errs[n-1].
type fakeEmbedder struct {
	*fakeProvider
	mu    sync.Mutex
	calls int
	errs  []error
	seen  []string // model of each call
}

func (f *fakeEmbedder) Embed(_ context.Context, model string, inputs []string) (provider.Embeddings, error) {
	f.mu.Lock()
	f.calls++
	n := f.calls
	f.seen = append(f.seen, model)
	f.mu.Unlock()
	if n <= len(f.errs) && f.errs[n-1] != nil {
		return provider.Embeddings{}, f.errs[n-1]
	}
	out := provider.Embeddings{Model: "embed-1", Usage: bench.Usage{Prompt: 3 * len(inputs), Total: 3 * len(inputs)}}
	for _, in := range inputs {
		out.Vectors = append(out.Vectors, []float64{float64(len(in)), 1})
	}
	return out, nil
}

func TestEmbedIsRetriedCachedAndCosted(t *testing.T) {
	t.Parallel()
	inner := &fakeEmbedder{fakeProvider: scripted(), errs: []error{perr(provider.KindOverloaded)}}
	c, b := newMapCache(), NewBudget(0, 0)
	price := func(model string, u bench.Usage) bench.Cost {
		return bench.Cost{Input: float64(u.Prompt) / 100, Total: float64(u.Prompt) / 100, Currency: "USD"}
	}
	p, _ := wrap(t, inner, Options{Cache: c, Price: price, Budget: b, Settings: Settings{MaxRetries: 2}})
	ctx := context.Background()
	first := p.Embed(ctx, "", []string{"ab", "abcd"}, Call{Kind: cache.KindEmbedding})
	if first.Err != nil || first.Attempts != 2 || first.Cached {
		t.Fatalf("first embed: err %v, attempts %d, cached %v; want success on the second attempt", first.Err, first.Attempts, first.Cached)
	}
	want := [][]float64{{2, 1}, {4, 1}}
	if diff := cmp.Diff(want, first.Embeddings.Vectors); diff != "" {
		t.Errorf("vectors (-want +got):\n%s", diff)
	}
	if first.Cost.Total != 0.06 || b.Spent() != 0.06 {
		t.Errorf("cost %v, spent %v; want 0.06 for 6 input tokens", first.Cost.Total, b.Spent())
	}
	again := p.Embed(ctx, "", []string{"ab", "abcd"}, Call{})
	if !again.Cached || again.Err != nil || again.Cost.Total != 0 || b.Spent() != 0.06 {
		t.Errorf("repeat: cached %v err %v cost %v spent %v; want a free cached answer", again.Cached, again.Err, again.Cost.Total, b.Spent())
	}
	if diff := cmp.Diff(first.Embeddings, again.Embeddings); diff != "" {
		t.Errorf("cached embeddings differ (-want +got):\n%s", diff)
	}
	other := p.Embed(ctx, "", []string{"abcd", "ab"}, Call{})
	if other.Cached {
		t.Error("inputs in another order came from the cache")
	}
	model := p.Embed(ctx, "embed-2", []string{"ab", "abcd"}, Call{})
	if model.Cached {
		t.Error("another model's embeddings came from the cache")
	}
	if inner.calls != 4 {
		t.Errorf("%d embed calls, want 4 (one retried, one cached)", inner.calls)
	}
}

func TestEmbedWithoutAnEmbedderIsABadRequest(t *testing.T) {
	t.Parallel()
	p, _ := wrap(t, scripted(), Options{})
	out := p.Embed(context.Background(), "", []string{"x"}, Call{})
	if pe := provider.AsError(out.Err); pe == nil || pe.Kind != provider.KindBadRequest {
		t.Errorf("err = %v, want a bad request naming the missing embeddings", out.Err)
	}
}

func TestEmbedFailuresAreNotCached(t *testing.T) {
	t.Parallel()
	inner := &fakeEmbedder{fakeProvider: scripted(), errs: []error{perr(provider.KindBadRequest)}}
	c := newMapCache()
	p, _ := wrap(t, inner, Options{Cache: c})
	if out := p.Embed(context.Background(), "", []string{"x"}, Call{}); out.Err == nil {
		t.Fatal("the failing call succeeded")
	}
	if out := p.Embed(context.Background(), "", []string{"x"}, Call{}); out.Err != nil || out.Cached {
		t.Errorf("second call: err %v cached %v; want a fresh successful call", out.Err, out.Cached)
	}
}
