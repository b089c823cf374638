package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeJudgeExample returns the README's judge suite (with its judges
// swapped for the simulator judge, as the README says to) and its
// simulator-judge configuration.
func readmeJudgeExample(t *testing.T) (suite, config string) {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "\n### Judges: model-graded assertions\n")
	if start < 0 {
		t.Fatal(`README.md has no "### Judges: model-graded assertions" section`)
	}
	section := text[start+1:]
	if end := strings.Index(section[4:], "\n##"); end >= 0 {
		section = section[:end+4]
	}
	yaml := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindStringSubmatch(section)
	toml := regexp.MustCompile("(?s)```toml\n(.*?)```").FindStringSubmatch(section)
	if yaml == nil || toml == nil {
		t.Fatal("the README's judges section lacks its yaml suite or its toml configuration")
	}
	suite = regexp.MustCompile(`(?m)^  provider: .*$`).ReplaceAllString(yaml[1], "  provider: judge:sim")
	suite = regexp.MustCompile(`(?m)^  embedding_provider: .*$`).ReplaceAllString(suite, "  embedding_provider: judge:embed")
	return suite, toml[1]
}

// TestReadmeJudgeExampleRunsOffline runs the README's rubric suite with
// the README's simulator judge: every verdict passes, and a second run
// takes every judge answer from the cache.
func TestReadmeJudgeExampleRunsOffline(t *testing.T) {
	t.Parallel()
	suite, config := readmeJudgeExample(t)
	e := newEnv(t)
	args := []string{"--config", e.write("judge.toml", config), "bench", "--dataset", e.write("suite.yaml", suite), "--providers", "simulator:model"}
	out := filepath.Join(e.dir, "out.jsonl")
	code, stdout, stderr := e.run(t.Context(), append(args, "--output", out)...)
	if code != 0 {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for key, r := range readResults(t, out) {
		if len(r.Scores) != 4 {
			t.Errorf("%s: %d verdicts, want the example's 4", key, len(r.Scores))
		}
		for name, s := range r.Scores {
			if !s.Pass || s.Unscored || s.Judge == nil {
				t.Errorf("%s %s: %+v, want a judged pass", key, name, s)
			}
		}
	}
	code, stdout, _ = e.run(t.Context(), args...)
	if code != 0 || !strings.Contains(stdout, "all 5 judge answers came from the cache") {
		t.Errorf("second run: exit %d, want every judge answer from the cache:\n%s", code, stdout)
	}
}
