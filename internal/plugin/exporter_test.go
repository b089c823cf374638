package plugin

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/report"
)

// TestExampleExporter builds the Go example tsv-export and writes a run
// through it as an output, beside a built-in format in the same pass.
func TestExampleExporter(t *testing.T) {
	t.Parallel()
	h := newGoHost(t)
	p, err := h.Load(context.Background(), installGoGuest(t, "examples/plugins/tsv-export"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Activate([]*Plugin{p}); err != nil {
		t.Fatal(err)
	}
	run := bench.Run{ID: "run-1"}
	results := []bench.Result{
		{ID: "r1", RunID: "run-1", CaseID: "a", Provider: "openai:gpt-4o", Status: bench.StatusSuccess, Score: 1, Passed: true},
		{ID: "r2", RunID: "run-1", CaseID: "b", Provider: "openai:gpt-4o", Status: bench.StatusError},
	}
	seq := func(yield func(bench.Result, error) bool) {
		for _, r := range results {
			if !yield(r, nil) {
				return
			}
		}
	}
	ctx := context.Background()
	s, err := report.Summarize(ctx, run, seq)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tsv, js := filepath.Join(dir, "out.tsv"), filepath.Join(dir, "out.json")
	outputs := []string{"plugin:tsv-export=" + tsv, js}
	for _, o := range outputs {
		if err := report.Check(o); err != nil {
			t.Fatal(err)
		}
	}
	if err := report.WriteAll(ctx, outputs, run, s, seq); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(tsv)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(got), "case_id\tprovider") || !strings.Contains(string(got), "a\topenai:gpt-4o\tsuccess\t1\ttrue\n") || strings.Count(string(got), "\n") != 3 {
		t.Errorf("tsv:\n%s", got)
	}
	if _, err := os.Stat(js); err != nil {
		t.Errorf("the built-in output beside it: %v", err)
	}
	for spec, want := range map[string]string{
		"plugin:keyword-missing=" + tsv: `plugin "keyword-missing" is not loaded`,
		"plugin:tsv-export":             "want plugin:NAME=PATH",
	} {
		if err := report.Check(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Check(%s) = %v, want %q", spec, err, want)
		}
	}
}

func TestParseExportOutput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ raw, want, err string }{
		{`{"data":"a\tb"}`, "a\tb", ""},
		{`{"data_base64":"AAE="}`, "\x00\x01", ""},
		{`{"data":"a","data_base64":"AAE="}`, "", "both"},
		{`{}`, "", "neither"},
		{`{"data_base64":"!!"}`, "", "data_base64"},
		{`[1]`, "", "not the exporter's JSON"},
	} {
		got, err := parseExportOutput([]byte(tc.raw))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: %v, want %q", tc.raw, err, tc.err)
			}
			continue
		}
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: %q, %v", tc.raw, got, err)
		}
	}
}

func FuzzParseExportOutput(f *testing.F) {
	f.Add([]byte(`{"data":"x"}`))
	f.Add([]byte(`{"data_base64":"AAE="}`))
	f.Fuzz(func(t *testing.T, raw []byte) { _, _ = parseExportOutput(raw) })
}
