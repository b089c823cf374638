package cli_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// simulatedVendors are run by TestSimulateEveryVendor: one model of each.
var simulatedVendors = []string{
	"openai:gpt-4o-mini",
}

func TestSimulateEveryVendor(t *testing.T) {
	t.Parallel()
	e := newEnv(t) // no API key anywhere: --simulate needs none
	suite := e.write("suite.yaml", `name: every-vendor
test_cases:
  - id: capital
    prompt: What is the capital of France?
    expected: Paris
    assert: [{type: icontains, value: paris}]
  - id: sum
    prompt: What is 2+2?
    expected: "4"
    assert: [{type: equals, value: "4"}]
`)
	out := filepath.Join(e.dir, "out.jsonl")
	args := []string{"bench", "--dataset", suite, "--simulate", "--output", out}
	for _, p := range simulatedVendors {
		args = append(args, "--providers", p)
	}
	code, stdout, stderr := e.run(context.Background(), args...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:%s\nstderr:%s", code, stdout, stderr)
	}
	results := readJSONL(t, out)
	if len(results) != 2*len(simulatedVendors) {
		t.Fatalf("%d results, want %d", len(results), 2*len(simulatedVendors))
	}
	for _, r := range results {
		if r.Status != bench.StatusSuccess || !r.Passed || r.Tokens.Total == 0 || r.TTFTMs <= 0 || r.FinishReason != "stop" || r.Cost.Total <= 0 {
			t.Errorf("%s %s: status %s pass %v usage %+v response %q", r.Provider, r.CaseID, r.Status, r.Passed, r.Tokens, r.Response)
		}
	}
}
