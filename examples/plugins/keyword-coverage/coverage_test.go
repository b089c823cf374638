package main

import (
	"encoding/json"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"
)

func TestEvaluate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, cfg, response string
		score               float64
		passed              bool
	}{
		{"all", `{"keywords":["Paris","France"]}`, "paris is in france", 1, true},
		{"half under default threshold", `{"keywords":["Paris","Lyon"]}`, "Paris", 0.5, false},
		{"half at threshold", `{"keywords":["Paris","Lyon"],"threshold":0.5}`, "Paris", 0.5, true},
		{"none", `{"keywords":["x"]}`, "", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := evaluate(json.RawMessage(tc.cfg), ltbplugin.EvalInput{Response: tc.response})
			if err != nil || r.Score != tc.score || *r.Passed != tc.passed {
				t.Errorf("evaluate = %+v, %v; want score %v passed %v", r, err, tc.score, tc.passed)
			}
		})
	}
}

func TestEvaluateBadConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []string{`{"keywords":[1]}`, `{"keywords":[]}`, `{}`, `{"keywords":`} {
		if _, err := evaluate(json.RawMessage(cfg), ltbplugin.EvalInput{Response: "x"}); err == nil {
			t.Errorf("config %s: no error", cfg)
		}
	}
}
