package record_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store/record"
)

func TestResultRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   bench.Result
		want bench.Result
		cols record.ResultJSON
	}{
		{
			name: "nil containers become empty",
			in:   bench.Result{ID: "a"},
			want: bench.Result{ID: "a", Scores: map[string]bench.Score{}, Tags: []string{}, Metadata: map[string]any{}},
			cols: record.ResultJSON{Scores: []byte("{}"), Tags: []byte("[]"), Metadata: []byte("{}")},
		},
		{
			name: "values and error",
			in: bench.Result{ID: "b", Scores: map[string]bench.Score{"x": {Score: 0.5, Reason: "r"}},
				Tags: []string{"t"}, Metadata: map[string]any{"n": 2}, Error: &bench.ErrorInfo{Kind: "timeout"}},
			want: bench.Result{ID: "b", Scores: map[string]bench.Score{"x": {Score: 0.5, Reason: "r"}},
				Tags: []string{"t"}, Metadata: map[string]any{"n": 2.0}, Error: &bench.ErrorInfo{Kind: "timeout"}},
			cols: record.ResultJSON{Scores: []byte(`{"x":{"score":0.5,"pass":false,"reason":"r"}}`),
				Error: []byte(`{"kind":"timeout","message":"","status":0}`), Tags: []byte(`["t"]`), Metadata: []byte(`{"n":2}`)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cols, err := record.EncodeResult(&tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.cols, cols); d != "" {
				t.Errorf("EncodeResult (-want +got):\n%s", d)
			}
			got := bench.Result{ID: tc.in.ID}
			if err := record.DecodeResult(&got, cols); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("DecodeResult (-want +got):\n%s", d)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	var r bench.Result
	if err := record.DecodeResult(&r, record.ResultJSON{Scores: []byte("{bad")}); err == nil {
		t.Error("DecodeResult accepted malformed scores")
	}
	var run bench.Run
	if err := record.DecodeRun(&run, record.RunJSON{Totals: []byte("[1]")}); err == nil {
		t.Error("DecodeRun accepted malformed totals")
	}
	if err := record.DecodeRun(&run, record.RunJSON{}); err != nil || run.Config == nil || run.Tags == nil {
		t.Errorf("DecodeRun(empty) = %v, %+v", err, run)
	}
}

func BenchmarkEncodeDecodeResult(b *testing.B) {
	in := bench.Result{ID: "r", Scores: map[string]bench.Score{"contains": {Score: 1, Pass: true}},
		Tags: []string{"smoke"}, Metadata: map[string]any{"k": "v"}}
	b.ReportAllocs()
	for b.Loop() {
		cols, err := record.EncodeResult(&in)
		if err != nil {
			b.Fatal(err)
		}
		var out bench.Result
		if err := record.DecodeResult(&out, cols); err != nil {
			b.Fatal(err)
		}
	}
}
