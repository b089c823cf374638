package cli_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestDatasetsValidateCount checks the closing count of `datasets
// validate` against the files it lists as bad, for one to all bad files.
func TestDatasetsValidateCount(t *testing.T) {
	t.Parallel()
	const good = "test_cases:\n  - {id: a, prompt: hi}\n"
	const bad = "test_cases:\n  - {id: a, prompt: 'hi {{who}}'}\n"
	tests := []struct {
		name  string
		files []string // contents, in argument order
		want  string   // last line of stderr; "" for exit 0
	}{
		{"all good", []string{good, good}, ""},
		{"one bad", []string{good, bad, good, good}, "1 of 4 files are invalid"},
		{"three bad of four", []string{bad, good, bad, bad}, "3 of 4 files are invalid"},
		{"all bad", []string{bad, bad}, "2 of 2 files are invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			args := []string{"datasets", "validate"}
			for i, body := range tt.files {
				args = append(args, e.write(fmt.Sprintf("s%d.yaml", i), body))
			}
			code, _, stderr := e.run(context.Background(), args...)
			if tt.want == "" {
				if code != 0 {
					t.Fatalf("exit %d, want 0\n%s", code, stderr)
				}
				return
			}
			if code != 4 {
				t.Errorf("exit %d, want 4", code)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if last := lines[len(lines)-1]; !strings.Contains(last, tt.want) {
				t.Errorf("last line %q, want %q\n%s", last, tt.want, stderr)
			}
			if n := strings.Count(stderr, "problem:"); n != strings.Count(strings.Join(tt.files, "\x00"), "{{who}}") {
				t.Errorf("%d files reported bad\n%s", n, stderr)
			}
		})
	}
}

// TestBadCaseConfigIsInputError checks that a case config with a setting of
// the wrong type fails `datasets validate` and `bench` with exit 4, naming
// the file, the line and the key, before any call.
func TestBadCaseConfigIsInputError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, suite, want string
	}{
		{"temperature", "test_cases:\n  - id: a\n    prompt: hi\n    config: {temperature: hot}\n", `s.yaml:4: case "a": config temperature: want a number`},
		{"max_tokens", "defaults:\n  max_tokens: many\ntest_cases:\n  - {id: a, prompt: hi}\n", "s.yaml:2: defaults: config max_tokens: want a whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			suite := e.write("s.yaml", tt.suite)
			for _, args := range [][]string{
				{"datasets", "validate", suite},
				{"bench", "--dataset", suite, "--providers", "echo"},
			} {
				code, _, stderr := e.run(context.Background(), args...)
				if code != 4 || !strings.Contains(stderr, tt.want) {
					t.Errorf("%s: exit %d, want 4 and %q\n%s", args[0], code, tt.want, stderr)
				}
			}
		})
	}
}

// TestInvalidUTF8IsInputError checks that a suite with a byte that is not
// UTF-8 fails `datasets validate` and `bench` with exit 4 naming file:line.
func TestInvalidUTF8IsInputError(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	suite := e.write("latin1.yaml", "test_cases:\n  - id: a\n    prompt: caf\xe9\n")
	for _, args := range [][]string{
		{"datasets", "validate", suite},
		{"bench", "--dataset", suite, "--providers", "echo"},
	} {
		code, _, stderr := e.run(context.Background(), args...)
		if code != 4 || !strings.Contains(stderr, "latin1.yaml:3:16: invalid UTF-8 (byte 0xe9)") {
			t.Errorf("%s: exit %d, want 4 naming latin1.yaml:3:16\n%s", args[0], code, stderr)
		}
	}
}
