package runner

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/cache"
	"github.com/llm-test-bench/llm-test-bench/provider"

	_ "github.com/llm-test-bench/llm-test-bench/eval/tools" // tool-call-f1
)

// TestToolsReachTheProviderAndTheCallsTheResult: a case's tools and
// tool_choice are sent; the calls made are kept in the result, scored by
// the tool assertions, and served again from the cache.
func TestToolsReachTheProviderAndTheCallsTheResult(t *testing.T) {
	t.Parallel()
	tools := []bench.Tool{{Name: "get_weather", Parameters: map[string]any{"type": "object"}}}
	choice := &bench.ToolChoice{Mode: bench.ToolChoiceRequired}
	calls := []bench.ToolCall{{ID: "call_1", Name: "get_weather", Arguments: `{"city":"Rome"}`}}
	var mu sync.Mutex
	var seen []provider.Request
	p := &fakeProvider{GenerateFn: func(_ context.Context, req provider.Request, _ func(provider.Chunk) error) (provider.Response, error) {
		mu.Lock()
		seen = append(seen, req)
		mu.Unlock()
		return provider.Response{FinishReason: provider.FinishToolCalls, ToolCalls: calls}, nil
	}}
	c, err := cache.OpenDisk(t.TempDir(), cache.TTLs{Default: time.Hour}, 64)
	if err != nil {
		t.Fatal(err)
	}
	cases := func(yield func(bench.Case, error) bool) {
		yield(bench.Case{ID: "w", Prompt: "Weather in Rome?", Tools: tools, ToolChoice: choice,
			Assert: []bench.Assertion{{Type: "tool-call-f1", Value: "get_weather"}, {Type: "is-valid-openai-tools-call"}}}, nil)
	}
	for run := range 2 {
		r := newRunner(&Target{ID: "a:m", Model: "m", BaseURL: "http://x", Provider: p})
		r.Cache = c
		sink := &memSink{}
		if _, err := r.Run(context.Background(), "run", cases, sink); err != nil {
			t.Fatal(err)
		}
		res := sink.all()
		if len(res) != 1 {
			t.Fatalf("run %d: %d results", run, len(res))
		}
		if diff := cmp.Diff(calls, res[0].ToolCalls); diff != "" {
			t.Errorf("run %d: tool calls (-want +got):\n%s", run, diff)
		}
		if !res[0].Passed || res[0].Status != bench.StatusSuccess || res[0].Cached != (run == 1) {
			t.Errorf("run %d: result %+v", run, res[0])
		}
	}
	if len(seen) != 1 {
		t.Fatalf("%d calls, want 1 (the second run is cached)", len(seen))
	}
	if diff := cmp.Diff(tools, seen[0].Tools); diff != "" || seen[0].ToolChoice != choice {
		t.Errorf("tool choice %+v, tools (-want +got):\n%s", seen[0].ToolChoice, diff)
	}
}
