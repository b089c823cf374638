package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"
)

func TestVerdict(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		reply string
		score float64
		err   bool
	}{{"Yes.", 1, false}, {" no", 0, false}, {"maybe", 0, true}} {
		r, err := verdict(tc.reply)
		if (err != nil) != tc.err || r.Score != tc.score {
			t.Errorf("verdict(%q) = %+v, %v", tc.reply, r, err)
		}
	}
}

func TestEvaluateAsksTheQuestion(t *testing.T) {
	var asked string
	ask = func(req []byte) ([]byte, error) {
		asked = string(req)
		return []byte(`{"text":"yes"}`), nil
	}
	r, err := evaluate(json.RawMessage(`{"question":"Is it polite?"}`), ltbplugin.EvalInput{Response: "Thank you!"})
	if err != nil || r.Score != 1 || !strings.Contains(asked, "Is it polite?") || !strings.Contains(asked, "Thank you!") {
		t.Errorf("evaluate = %+v, %v; asked %s", r, err, asked)
	}
}
