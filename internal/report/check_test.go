package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "taken.html"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		want []string // fragments of the error; none means no error
	}{
		{"writable", filepath.Join(dir, "run.html"), nil},
		{"upper-case extension", filepath.Join(dir, "RUN.MD"), nil},
		{"unknown extension", filepath.Join(dir, "run.pdf"), []string{`unknown extension ".pdf"`, ".jsonl", ".xml (junit)"}},
		{"no extension", filepath.Join(dir, "report"), []string{`unknown extension ""`}},
		{"directory missing", filepath.Join(dir, "nope", "deeper", "run.md"),
			[]string{`directory "` + filepath.Join(dir, "nope", "deeper") + `" does not exist`, "mkdir -p"}},
		{"parent is a file", filepath.Join(file, "x.html"), []string{`"` + file + `" is a file, not a directory`, "choose a path inside a directory"}},
		{"ancestor is a file", filepath.Join(file, "sub", "x.html"), []string{`"` + file + `" is a file, not a directory`}},
		{"path is a directory", filepath.Join(dir, "taken.html"), []string{"is a directory", "name a file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := Check(tt.path)
			if len(tt.want) == 0 {
				if err != nil {
					t.Errorf("Check(%s) = %v, want nil", tt.path, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Check(%s) = nil, want an error", tt.path)
			}
			if !strings.Contains(err.Error(), tt.path) {
				t.Errorf("error %q does not name the report file %s", err, tt.path)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	// Check leaves nothing behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("Check left %s behind", e.Name())
		}
	}
}

// TestCheckUnwritableDirectory uses a read-only directory, or /sys when the
// tests run as root (who may write anywhere else).
func TestCheckUnwritableDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
	if f, err := os.CreateTemp(dir, "probe"); err == nil {
		f.Close()
		os.Remove(f.Name())
		dir = "/sys"
		if f, err := os.CreateTemp(dir, "probe"); err == nil {
			f.Close()
			os.Remove(f.Name())
			t.Skip("no directory here refuses new files (running as root without a read-only /sys)")
		}
	}
	path := filepath.Join(dir, "r.html")
	err := Check(path)
	if err == nil {
		t.Fatalf("Check(%s) = nil, want an error", path)
	}
	for _, w := range []string{path, `cannot create a file in directory "` + dir + `"`, "choose a writable directory"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
}
