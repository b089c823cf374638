package all_test

import (
	"context"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// TestAssertionsFromYAML decodes assertions the way a suite file is read,
// so values arrive with YAML's own numeric kinds (uint64, int, float64) and
// maps, then validates and checks them.
func TestAssertionsFromYAML(t *testing.T) {
	t.Parallel()
	const suite = `
- {type: word-count, value: 3}
- {type: word-count, value: {min: 2, max: 4.0}}
- {type: contains-all, value: [Paris, 1889]}
- {type: levenshtein, value: "Paris is the capital 1889", threshold: 2}
- {type: latency, threshold: 5000}
- {type: cost, threshold: 0.01}
- {type: not-is-refusal, weight: 0}
- type: contains-json
  value:
    type: object
    required: [year]
    properties:
      year: {type: integer, minimum: 1800, maximum: 2000}
`
	var as []bench.Assertion
	if err := yaml.Unmarshal([]byte(suite), &as); err != nil {
		t.Fatalf("decode YAML: %v", err)
	}
	if err := eval.Validate(as); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	in := &eval.Input{Output: `Paris {"year": 1889}`, LatencyMs: 10, Cost: bench.Cost{Total: 0.001}}
	out := eval.Check(context.Background(), as, nil, in)
	want := map[string]bool{
		"word-count": true, "word-count#1": true, "contains-all": true, "levenshtein": false,
		"latency": true, "cost": true, "not-is-refusal": true, "contains-json": true,
	}
	for name, pass := range want {
		s, ok := out.Scores[name]
		if !ok || s.Pass != pass {
			t.Errorf("score %q = %+v (present %v), want pass=%v", name, s, ok, pass)
		}
	}
	if out.Passed {
		t.Error("case passed although levenshtein failed")
	}
}

// TestNewDeterministicTypesFromYAML: the markup, SQL, GLEU and assert-set
// types read their values as a suite writes them.
func TestNewDeterministicTypesFromYAML(t *testing.T) {
	t.Parallel()
	const suite = `
- type: is-sql
  value: {databaseType: MySQL, allowedTables: ["select::null::users"]}
- {type: contains-xml, value: {requiredElements: [answer.city]}}
- {type: not-contains-html}
- {type: gleu, value: [the city is paris], threshold: 0.2}
- type: assert-set
  metric: format
  threshold: 0.5
  weight: 2
  assert:
    - {type: contains-sql}
    - {type: is-xml}
`
	var as []bench.Assertion
	if err := yaml.Unmarshal([]byte(suite), &as); err != nil {
		t.Fatalf("decode YAML: %v", err)
	}
	if err := eval.Validate(as); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	out := eval.Check(context.Background(), as, nil, &eval.Input{Output: "```sql\nSELECT city FROM users\n``` gives <answer><city>Paris</city></answer>"})
	want := map[string]bool{"is-sql": false, "contains-xml": true, "not-contains-html": false, "gleu": false, "format": true}
	for name, pass := range want {
		if s, ok := out.Scores[name]; !ok || s.Pass != pass {
			t.Errorf("score %q = %+v (present %v), want pass=%v", name, s, ok, pass)
		}
	}
	if s := out.Scores["format"]; s.Score != 0.5 {
		t.Errorf("assert-set score %v, want 0.5 (contains-sql passes, is-xml fails)", s.Score)
	}
}

func TestBadYAMLAssertionsFailAtLoad(t *testing.T) {
	t.Parallel()
	const suite = `
- {type: latency}
- {type: regex, value: "(unclosed"}
- {type: word-count, value: {min: 5, max: 1}}
- {type: is-json, value: {type: 12}}
- {type: contains-any}
`
	var as []bench.Assertion
	if err := yaml.Unmarshal([]byte(suite), &as); err != nil {
		t.Fatalf("decode YAML: %v", err)
	}
	err := eval.Validate(as)
	if err == nil {
		t.Fatal("Validate accepted bad assertions")
	}
	for _, want := range []string{"assert[0] latency", "assert[1] regex", "assert[2] word-count", "assert[3] is-json", "assert[4] contains-any"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate error %q does not name %q", err, want)
		}
	}
}
