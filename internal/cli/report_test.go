package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// The check for reports: the strong simulator against echo on a
// built-in suite, from two stored runs, in both formats and selected by
// suite; the winner is named because the difference is significant.
func TestReportStrongAgainstEcho(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	strong, _ := benchRun(t, e, "simulator:sim-large")
	echo, _ := benchRun(t, e, "simulator:echo")
	ctx := t.Context()

	out := filepath.Join(e.dir, "report.html")
	code, stdout, stderr := e.run(ctx, "report", strong, echo, "--output", out)
	if code != 0 || !strings.Contains(stderr, "Wrote "+out+" (2 runs, 2 columns)") {
		t.Fatalf("report: exit %d\n%s\n%s", code, stdout, stderr)
	}
	page := string(readFile(t, out))
	for _, want := range []string{`id="matrix"`, "simulator:sim-large (#1)", "simulator:echo (#2)", `id="intervals"`, `id="scatter"`, `id="trend"`,
		"Winner: 1. simulator:sim-large (#1), significantly better than every other column."} {
		if !strings.Contains(page, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") || strings.Contains(page, "src=") {
		t.Error("HTML report refers to an external resource")
	}

	code, stdout, stderr = e.run(ctx, "report", "--suite", "reasoning", "--output", "-", "--format", "md", "--metric", "score")
	if code != 0 {
		t.Fatalf("report --suite: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"# Comparison of 2 runs", "Metric score", "**Winner: 1. simulator:sim-large (\\#1), significantly better",
		"| simulator:echo | — | 0.000", "| simulator:sim-large | 1.000"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("Markdown report lacks %q:\n%s", want, stdout)
		}
	}

	code, stdout, _ = e.run(ctx, "runs", "list", "--suite", "builtin:reasoning", "--name", "REASON")
	if code != 0 || strings.Count(stdout, "\n") != 3 {
		t.Errorf("runs list --suite: exit %d, want a header and 2 runs:\n%s", code, stdout)
	}
	code, stdout, _ = e.run(ctx, "runs", "list", "--suite", "other.yaml")
	if code != 0 || strings.Count(stdout, "\n") != 1 {
		t.Errorf("runs list --suite other.yaml: exit %d, want the header alone:\n%s", code, stdout)
	}
}

// Bad input gets a clear message and the usual exit codes: 3 for flags,
// 4 for the runs themselves.
func TestReportErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	benchRun(t, e, "simulator:echo")
	e.seed(func(ctx context.Context, st store.Store) {
		if err := st.CreateRun(ctx, &bench.Run{ID: "019a0000-aaaa-7000-8000-0000000000e0", Name: "empty", Status: bench.RunCompleted,
			CreatedAt: store.Now(), UpdatedAt: store.Now()}); err != nil {
			t.Fatal(err)
		}
	})
	html := filepath.Join(e.dir, "r.html")
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no runs", []string{"--output", html}, 3, "nothing to report"},
		{"no output", []string{"1"}, 3, "--output is required"},
		{"unsupported extension", []string{"1", "--output", filepath.Join(e.dir, "r.pdf")}, 3, `unsupported extension ".pdf"`},
		{"stdout without format", []string{"1", "--output", "-"}, 3, "--output - needs --format html or md"},
		{"bad format", []string{"1", "--output", "-", "--format", "pdf"}, 3, `--format "pdf"`},
		{"format with a file", []string{"1", "--output", html, "--format", "md"}, 3, "--format only applies with --output -"},
		{"last without selection", []string{"1", "--output", html, "--last", "3"}, 3, "--last only applies with --suite or --name"},
		{"bad correction", []string{"1", "--output", html, "--correction", "bonferroni"}, 3, "correction"},
		{"unknown run", []string{"1", "99", "--output", html}, 4, "no run #99"},
		{"run without results", []string{"1", "2", "--output", html}, 4, "run #2 (019a0000-aaaa-7000-8000-0000000000e0) holds no results"},
		{"one column", []string{"1", "--output", html}, 4, "a comparison needs at least 2"},
		{"selection finds nothing", []string{"--suite", "nothing.yaml", "--output", html}, 4, `no ended run matches --suite "nothing.yaml"`},
		{"metric nobody has", []string{"1", "--name", "reasoning", "--output", html, "--metric", "judge"}, 4, `no result of simulator:echo has a value for metric "judge"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := e.run(t.Context(), append([]string{"report"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, want %d; stderr %q, want %q\n%s", code, tt.code, stderr, tt.msg, stdout)
			}
		})
	}
	if _, err := os.Stat(html); !os.IsNotExist(err) {
		t.Errorf("a failed report left %s behind: %v", html, err)
	}
}
