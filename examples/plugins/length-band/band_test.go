package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"
)

func TestEvaluate(t *testing.T) {
	t.Parallel()
	items := []ltbplugin.BatchItem{
		{Config: json.RawMessage(`{"min_words":2,"max_words":4}`), Input: ltbplugin.EvalInput{Response: "one two three"}},
		{Config: json.RawMessage(`{"min_words":4}`), Input: ltbplugin.EvalInput{Response: "one two"}},
		{Config: json.RawMessage(`{"min_words":1,"max_words":2}`), Input: ltbplugin.EvalInput{Response: "a b c d"}},
		{Config: json.RawMessage(`{"min_words":"x"}`)},
	}
	rs, err := evaluate(items)
	if err != nil || len(rs) != 4 {
		t.Fatalf("evaluate = %v, %v", rs, err)
	}
	for i, want := range []float64{1, 0.5, 0.5} {
		if rs[i].Score != want || *rs[i].Passed != (want == 1) {
			t.Errorf("item %d: %+v, want %v", i, rs[i], want)
		}
	}
	if !strings.Contains(rs[3].Error, "config") {
		t.Errorf("bad config: %+v", rs[3])
	}
}
