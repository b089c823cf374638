package structure_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/eval/structure"
)

// FuzzExtractJSON checks that every extracted value is valid JSON taken
// verbatim from the input, in order and without overlap.
func FuzzExtractJSON(f *testing.F) {
	for _, s := range []string{
		`Sure: {"a": [1, "}"]}`, "```json\n[1,2]\n```", `{"a":[1}`, `[[[[`, `"{" [1] {"x":"\""}`, ``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		pos := 0
		for raw := range structure.ExtractJSON(text) {
			if !json.Valid([]byte(raw)) {
				t.Fatalf("extracted invalid JSON %q", raw)
			}
			if raw[0] != '{' && raw[0] != '[' {
				t.Fatalf("extracted %q, which is not an object or array", raw)
			}
			i := strings.Index(text[pos:], raw)
			if i < 0 {
				t.Fatalf("extracted %q, not found after offset %d", raw, pos)
			}
			pos += i + len(raw)
		}
	})
}

// FuzzSchema feeds arbitrary schema text and documents through the schema
// handling: it must return errors, never panic.
func FuzzSchema(f *testing.F) {
	f.Add(`{"type":"object","required":["a"]}`, `{"a":1}`)
	f.Add(`{"$ref":"#/definitions/x","definitions":{"x":{"type":"string"}}}`, `"s"`)
	f.Add(`{"pattern":"(?<x>a"}`, `"a"`)
	f.Add(`true`, `[]`)
	f.Add(`{"$ref":"http://example.com/s.json"}`, `1`)
	f.Fuzz(func(t *testing.T, schema, doc string) {
		s := structure.NewSchemas()
		sch, err := s.For(schema)
		if err != nil || sch == nil {
			return
		}
		var v any
		if json.Unmarshal([]byte(doc), &v) != nil {
			return
		}
		_ = sch.Validate(v)
	})
}

func BenchmarkExtractJSON(b *testing.B) {
	text := strings.Repeat("Some prose [1] with {braces} here. ", 30) + "```json\n{\"city\": \"Paris\", \"tags\": [\"a\", \"b\"]}\n```"
	b.ReportAllocs()
	for b.Loop() {
		for range structure.ExtractJSON(text) {
		}
	}
}
