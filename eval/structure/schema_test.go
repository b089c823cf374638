package structure_test

import (
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// TestSchemaAsYAMLString: promptfoo's is-json and contains-json read a
// string schema with js-yaml (src/assertions/json.ts), so a schema written
// as YAML text works as well as JSON text (promptfoo's
// test/assertions/json.test.ts, "schema with YAML string").
func TestSchemaAsYAMLString(t *testing.T) {
	t.Parallel()
	yamlSchema := "type: object\nrequired: [latitude, longitude]\nproperties:\n  latitude:\n    type: number\n    minimum: -90\n    maximum: 90\n  longitude:\n    type: number\n    minimum: -180\n    maximum: 180\n"
	tests := []struct {
		typ, output string
		pass        bool
	}{
		{"is-json", `{"latitude": 80.123, "longitude": -1}`, true},
		{"is-json", `{"latitude": "high", "longitude": [-1]}`, false},
		{"is-json", `{"latitude": 100, "longitude": -1}`, false},
		{"contains-json", "Here: {\"latitude\": 80.123, \"longitude\": -1} done", true},
		{"contains-json", "Here: {\"latitude\": 91, \"longitude\": -1} done", false},
		{"not-is-json", `{"latitude": 80.123, "longitude": -1}`, false},
	}
	for _, tt := range tests {
		a := bench.Assertion{Type: tt.typ, Value: yamlSchema}
		if err := eval.Validate([]bench.Assertion{a}); err != nil {
			t.Fatalf("Validate(YAML schema): %v", err)
		}
		if got := run(a, tt.output); got.Pass != tt.pass {
			t.Errorf("%s on %s = %+v, want pass %v", tt.typ, tt.output, got, tt.pass)
		}
	}
	for _, bad := range []string{"just words", "- a\n- b", "type: [unclosed"} {
		err := eval.Validate([]bench.Assertion{{Type: "is-json", Value: bad}})
		if err == nil || !strings.Contains(err.Error(), "assert[0] is-json: schema") {
			t.Errorf("Validate(schema %q) = %v, want a schema error naming the assertion", bad, err)
		}
	}
}

// TestSchemaFormats: promptfoo validates with ajv and ajv-formats, which
// check "format"; so does this project.
func TestSchemaFormats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		format, good, bad string
	}{
		{"date", "2024-02-29", "2023-02-29"},
		{"date-time", "2024-01-02T03:04:05Z", "2024-01-02 03:04"},
		{"time", "03:04:05Z", "25:00:00Z"},
		{"email", "ada@example.com", "ada.example.com"},
		{"uri", "https://example.com/a?b=c", "not a uri"},
		{"ipv4", "192.168.0.1", "256.1.1.1"},
		{"ipv6", "::1", "1:::2"},
		{"uuid", "123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456"},
		{"hostname", "example.com", "-bad-.com"},
		{"duration", "P3DT4H", "3 days"},
	}
	for _, tt := range tests {
		schema := "type: object\nproperties:\n  v:\n    type: string\n    format: " + tt.format + "\n"
		a := bench.Assertion{Type: "is-json", Value: schema}
		if got := run(a, `{"v":"`+tt.good+`"}`); !got.Pass {
			t.Errorf("format %s, %q = %+v, want a pass", tt.format, tt.good, got)
		}
		if got := run(a, `{"v":"`+tt.bad+`"}`); got.Pass {
			t.Errorf("format %s, %q = %+v, want a failure", tt.format, tt.bad, got)
		}
	}
}
