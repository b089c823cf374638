package dataset

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// fakeEvaluator is a test-only assertion type; ValidateFn lets a test
// reject values.
type fakeEvaluator struct {
	ValidateFn func(a bench.Assertion) error
}

func (f fakeEvaluator) Evaluate(context.Context, bench.Assertion, *eval.Input) (bench.Score, error) {
	return bench.Score{Score: 1, Pass: true}, nil
}

func (f fakeEvaluator) Validate(a bench.Assertion) error {
	if f.ValidateFn == nil {
		return nil
	}
	return f.ValidateFn(a)
}

func TestMain(m *testing.M) {
	// test-needs-value is a test-only type whose value must be a string.
	eval.Register("test-needs-value", fakeEvaluator{ValidateFn: func(a bench.Assertion) error {
		if _, ok := a.Value.(string); !ok {
			return errors.New("value must be a string")
		}
		return nil
	}})
	os.Exit(m.Run())
}

// writeFiles writes name->content into a new temporary directory and
// returns its path.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// memFiles serves files from memory, for fuzz tests.
type memFiles struct {
	fsys fstest.MapFS
}

func (m memFiles) open(name string) (io.ReadCloser, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return m.fsys.Open(name)
}
func (memFiles) resolve(from, ref string) string { return path.Join(path.Dir(from), ref) }
func (memFiles) display(name string) string      { return name }

// collect reads all cases, stopping at the first error.
func collect(t testing.TB, s *Suite) ([]bench.Case, error) {
	t.Helper()
	var out []bench.Case
	for c, err := range s.Cases() {
		if err != nil {
			return out, err
		}
		out = append(out, c)
	}
	return out, nil
}

// problemStrings formats a ValidationError's problems.
func problemStrings(err error) []string {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		if err == nil {
			return nil
		}
		return []string{"not a ValidationError: " + err.Error()}
	}
	out := make([]string, len(ve.Problems))
	for i, p := range ve.Problems {
		out[i] = p.String()
	}
	if ve.More > 0 {
		out = append(out, fmt.Sprintf("and %d more", ve.More))
	}
	return out
}

func mustContain(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%q does not contain %q", got, w)
		}
	}
}

func ptr[T any](v T) *T { return &v }
