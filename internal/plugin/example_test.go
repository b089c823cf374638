package plugin

import (
	"context"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

const examplePkg = "examples/plugins/keyword-coverage"

// TestExampleEvaluator builds the Go example plugin, loads its directory
// and scores answers through the assertion type plugin:keyword-coverage.
func TestExampleEvaluator(t *testing.T) {
	t.Parallel()
	h := newGoHost(t)
	p, err := h.Load(context.Background(), installGoGuest(t, examplePkg))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Activate([]*Plugin{p}); err != nil {
		t.Fatal(err)
	}
	typ := TypePrefix + "keyword-coverage"
	for _, tc := range []struct {
		name   string
		config map[string]any
		answer string
		score  float64
		pass   bool
		reason string
	}{
		{"all keywords", map[string]any{"keywords": []any{"Paris", "France"}}, "Paris is the capital of France.", 1, true, "2 of 2 keywords"},
		{"one missing", map[string]any{"keywords": []any{"Paris", "Seine"}}, "Paris.", 0.5, false, "missing: Seine"},
		{"threshold from config", map[string]any{"keywords": []any{"Paris", "Seine"}, "threshold": 0.5}, "Paris.", 0.5, true, "1 of 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			as := []bench.Assertion{{Type: typ, Config: tc.config}}
			if err := eval.Validate(as); err != nil {
				t.Fatal(err)
			}
			out := eval.Check(context.Background(), as, nil, &eval.Input{Case: &bench.Case{ID: "c"}, Output: tc.answer})
			s := out.Scores[typ]
			if s.Unscored || s.Score != tc.score || s.Pass != tc.pass || !strings.Contains(s.Reason, tc.reason) {
				t.Errorf("verdict %+v, want score %v pass %v reason %q", s, tc.score, tc.pass, tc.reason)
			}
		})
	}
}

// TestExampleConfigValidated: an assertion whose config breaks the
// plugin's config_schema is refused when the suite is validated.
func TestExampleConfigValidated(t *testing.T) {
	t.Parallel()
	h := newGoHost(t)
	p, err := h.Load(context.Background(), installGoGuest(t, examplePkg))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Activate([]*Plugin{p}); err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []map[string]any{nil, {"keywords": []any{}}, {"keywords": []any{"a"}, "threshold": 2}, {"keywords": []any{"a"}, "extra": true}} {
		err := eval.Validate([]bench.Assertion{{Type: "plugin:keyword-coverage", Config: cfg}})
		if err == nil || !strings.Contains(err.Error(), "config_schema") {
			t.Errorf("config %v: Validate = %v, want a config_schema error", cfg, err)
		}
	}
	if err := eval.Validate([]bench.Assertion{{Type: "plugin:not-installed"}}); err == nil {
		t.Error("an assertion naming no installed plugin validated")
	}
}
