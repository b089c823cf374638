package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got):\n%s", name, diff)
	}
}

func TestWriteGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		format, file string
	}{
		{FormatMarkdown, "report.md"},
		{FormatCSV, "report.csv"},
		{FormatJUnit, "report.xml"},
		{FormatJSONL, "report.jsonl"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			t.Parallel()
			golden(t, tt.file, []byte(render(t, tt.format)))
		})
	}
}

func TestWriteTableGolden(t *testing.T) {
	t.Parallel()
	s := fixtureSummary(t)
	for _, color := range []bool{false, true} {
		name := "table.txt"
		if color {
			name = "table-color.txt"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := WriteTable(&buf, s, color); err != nil {
				t.Fatal(err)
			}
			if got := bytes.Contains(buf.Bytes(), []byte("\x1b[")); got != color {
				t.Errorf("output contains ANSI escapes = %v, want %v", got, color)
			}
			golden(t, name, buf.Bytes())
		})
	}
}
