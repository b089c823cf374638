package dataset_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/dataset"
)

// TestDefaultJudgesFillModelGradedAssertions: the suite's judge and
// embedding provider go to the model-graded assertions that name none, by
// the kind of model each calls, and to nothing else.
func TestDefaultJudgesFillModelGradedAssertions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "s.yaml")
	suite := `name: s
defaults:
  provider: openai:gpt-4o-mini
  embedding_provider: openai:text-embedding-3-small
  assert:
    - {type: coherence}
test_cases:
  - prompt: hi
    expected: hello
    assert:
      - {type: llm-rubric, value: polite}
      - {type: llm-rubric, value: polite, provider: anthropic:claude-haiku-4-5}
      - {type: similar, value: hello}
      - {type: answer-relevance}
      - {type: answer-relevance, config: {embedding_provider: ollama:all-minilm}}
      - {type: equals, value: hello}
`
	if err := os.WriteFile(p, []byte(suite), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := dataset.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	var got []bench.Assertion
	for c, err := range s.Cases() {
		if err != nil {
			t.Fatal(err)
		}
		got = c.Assert
	}
	judge, embed := "openai:gpt-4o-mini", "openai:text-embedding-3-small"
	want := []bench.Assertion{
		{Type: "llm-rubric", Value: "polite", Provider: judge},
		{Type: "llm-rubric", Value: "polite", Provider: "anthropic:claude-haiku-4-5"},
		{Type: "similar", Value: "hello", Provider: embed},
		{Type: "answer-relevance", Provider: judge, Config: map[string]any{"embedding_provider": embed}},
		{Type: "answer-relevance", Provider: judge, Config: map[string]any{"embedding_provider": "ollama:all-minilm"}},
		{Type: "equals", Value: "hello"},
		{Type: "coherence", Provider: judge},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("assertions (-want +got):\n%s", diff)
	}
}

// TestAssertSetLoads: a promptfoo assert-set reads its members under
// assert, with its own threshold, weight and metric, and its model-graded
// members get the suite's judge like any other.
func TestAssertSetLoads(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "s.yaml")
	suite := `name: s
defaults:
  provider: openai:gpt-4o-mini
test_cases:
  - prompt: hi
    assert:
      - type: assert-set
        threshold: 0.5
        weight: 2
        metric: tone
        assert:
          - {type: icontains, value: hello}
          - {type: llm-rubric, value: polite}
`
	if err := os.WriteFile(p, []byte(suite), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := dataset.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	var got []bench.Assertion
	for c, err := range s.Cases() {
		if err != nil {
			t.Fatal(err)
		}
		got = c.Assert
	}
	half, two := 0.5, 2.0
	want := []bench.Assertion{{Type: "assert-set", Threshold: &half, Weight: &two, Metric: "tone", Assert: []bench.Assertion{
		{Type: "icontains", Value: "hello"},
		{Type: "llm-rubric", Value: "polite", Provider: "openai:gpt-4o-mini"},
	}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("assertions (-want +got):\n%s", diff)
	}
}
