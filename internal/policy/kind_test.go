package policy

import (
	"context"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/cache"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// TestCacheKindTravelsWithTheCall: a judge's answer is cached as a judge
// answer, so [cache.kind_ttl] judge applies to it; a bench call's is a
// response.
func TestCacheKindTravelsWithTheCall(t *testing.T) {
	t.Parallel()
	c := newMapCache()
	p, _ := wrap(t, scripted(), Options{ID: "a:m", Cache: c})
	req := func(q string) *provider.Request {
		return &provider.Request{Model: "m", Messages: []bench.Message{{Role: bench.RoleUser, Content: q}}}
	}
	if out := p.Do(context.Background(), req("bench"), Call{CaseID: "c"}); out.Err != nil {
		t.Fatal(out.Err)
	}
	if _, err := p.Generate(context.Background(), *req("judge"), nil); err != nil {
		t.Fatal(err)
	}
	kinds := map[cache.Kind]int{}
	for _, e := range c.m {
		kinds[e.Kind]++
	}
	if kinds[""] != 1 || kinds[cache.KindJudge] != 1 {
		t.Errorf("cached kinds %v: want one response and one judge answer", kinds)
	}
}
