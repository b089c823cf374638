package text_test

import (
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// Cases of promptfoo's test/assertions/characterCount.test.ts: the value,
// the output and promptfoo's verdict.
func TestCharacterCountPromptfoo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ    string
		value  any
		output string
		pass   bool
	}{
		{"character-count", 5, "hello", true},
		{"character-count", 3, "A😀B", true},
		{"character-count", 2, "e\u0301", true},
		{"character-count", 7, "👨‍👩‍👧‍👦", true},
		{"character-count", 0, "", true},
		{"character-count", "3", "abc", true},
		{"character-count", map[string]any{"min": 3, "max": 5}, "abcd", true},
		{"character-count", map[string]any{"min": 4}, "abcd", true},
		{"character-count", map[string]any{"max": 4}, "abcd", true},
		{"character-count", map[string]any{"min": 5, "max": 10}, "abc", false},
		{"not-character-count", 4, "abc", true},
		{"not-character-count", map[string]any{"min": 2, "max": 4}, "abc", false},
	}
	for _, tt := range tests {
		a := bench.Assertion{Type: tt.typ, Value: tt.value}
		if err := eval.Validate([]bench.Assertion{a}); err != nil {
			t.Fatalf("Validate(%v): %v", tt.value, err)
		}
		if got := run(a, tt.output, nil); got.Pass != tt.pass {
			t.Errorf("%s %v on %q = %+v, want pass %v", tt.typ, tt.value, tt.output, got, tt.pass)
		}
	}
	for _, v := range []any{-1, map[string]any{"min": -1}, map[string]any{"max": -1}, map[string]any{"min": 5, "max": 4}, map[string]any{}, "many", nil} {
		err := eval.Validate([]bench.Assertion{{Type: "character-count", Value: v}})
		if err == nil || !strings.Contains(err.Error(), "character-count") {
			t.Errorf("Validate(character-count %v) = %v, want an error naming it", v, err)
		}
	}
}
