package dataset

import (
	"testing"
)

// TestBuiltinAssertTypesWithoutBlankImport validates a suite that uses one
// assertion type of every built-in family. No file of this package (tests
// included) imports eval/all or a family, so the types are known only
// because the dataset package brings them: a library caller needs no blank
// import.
func TestBuiltinAssertTypesWithoutBlankImport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		family, assert string
	}{
		{"text", `{type: contains, value: x}`},
		{"text", `{type: not-icontains, value: x}`},
		{"structure", `{type: is-json}`},
		{"callmeta", `{type: latency, threshold: 100}`},
		{"callmeta", `{type: finish-reason, value: stop}`},
		{"refusal", `{type: is-refusal}`},
		{"reference", `{type: bleu, threshold: 0.5}`},
	}
	for _, tt := range tests {
		t.Run(tt.family+"/"+tt.assert, func(t *testing.T) {
			t.Parallel()
			dir := writeFiles(t, map[string]string{"s.yaml": "test_cases:\n  - id: a\n    prompt: hi\n    references: [hello]\n    assert: [" + tt.assert + "]\n"})
			s, err := Load(dir + "/s.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(t.Context()); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}
