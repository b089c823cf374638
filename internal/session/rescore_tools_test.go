package session

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// TestRescoreInputKeepsToolCalls: re-scoring shows the evaluators the
// calls the stored answer made, as the run did.
func TestRescoreInputKeepsToolCalls(t *testing.T) {
	t.Parallel()
	calls := []bench.ToolCall{{ID: "c1", Name: "get_weather", Arguments: `{"city":"Rome"}`}}
	in := inputOf(&bench.Case{ID: "w"}, &bench.Result{Response: "ok", ToolCalls: calls}, nil)
	if diff := cmp.Diff(calls, in.ToolCalls); diff != "" || in.Output != "ok" {
		t.Errorf("output %q, tool calls (-want +got):\n%s", in.Output, diff)
	}
}
