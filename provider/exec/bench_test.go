package exec

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

// BenchmarkGenerate measures one call: a process start, the request on
// stdin, the JSON answer on stdout.
func BenchmarkGenerate(b *testing.B) {
	c := helperClient(b, "echo", nil, nil)
	req := provider.Request{Messages: hello}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Generate(b.Context(), req, discard); err != nil {
			b.Fatalf("Generate: %v", err)
		}
	}
}

func BenchmarkSplit(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Split(`python3 'my model.py' --temperature 0 "a b" c\ d`); err != nil {
			b.Fatal(err)
		}
	}
}
