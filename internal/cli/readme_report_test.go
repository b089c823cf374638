package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeReportCommands returns the command lines of the README's
// "### Reports" sh block, without their comments.
func readmeReportCommands(t *testing.T) [][]string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "\n### Reports\n")
	if start < 0 {
		t.Fatal(`README.md has no "### Reports" section`)
	}
	block := regexp.MustCompile("(?s)```sh\n(.*?)```").FindStringSubmatch(text[start:])
	if block == nil {
		t.Fatal("README's Reports section has no sh block")
	}
	var cmds [][]string
	for _, line := range strings.Split(strings.TrimSpace(block[1]), "\n") {
		line, _, _ = strings.Cut(line, "#")
		fields := strings.Fields(line)
		if len(fields) == 0 || fields[0] != "llm-test-bench" {
			t.Fatalf("README Reports line %q is not an llm-test-bench command", line)
		}
		cmds = append(cmds, fields[1:])
	}
	return cmds
}

// TestReadmeReportCommands runs the README's report commands as written,
// offline, so that section cannot rot: every command exits 0 (bench with
// the echo model exits 100, its cases failing as they are meant to) and
// the files it names are written.
func TestReadmeReportCommands(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.environ = append(e.environ, "LTB_BENCHMARKS__OUTPUT_DIR="+e.dir)
	cmds := readmeReportCommands(t)
	if len(cmds) < 4 {
		t.Fatalf("README Reports block has %d commands, want the two runs and the reports", len(cmds))
	}
	for _, args := range cmds {
		code, stdout, stderr := e.run(t.Context(), args...)
		benchFailedCases := args[0] == "bench" && code == 100
		if code != 0 && !benchFailedCases {
			t.Fatalf("%s: exit %d\n%s\n%s", strings.Join(args, " "), code, stdout, stderr)
		}
	}
	for _, f := range []string{"report.html", "trend.md"} {
		if _, err := os.Stat(filepath.Join(e.dir, f)); err != nil {
			t.Errorf("the README's commands did not write %s: %v", f, err)
		}
	}
}
