package dataset

import (
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

func TestBuiltins(t *testing.T) {
	t.Parallel()
	infos := Builtins()
	var names []string
	for _, info := range infos {
		names = append(names, info.Name)
	}
	want := "coding,creative-writing,instruction-following,reasoning,summarization"
	if got := strings.Join(names, ","); got != want {
		t.Fatalf("Builtins() names = %s, want %s", got, want)
	}
	for _, info := range infos {
		t.Run(info.Name, func(t *testing.T) {
			t.Parallel()
			if info.Path != "builtin:"+info.Name || info.Description == "" || info.Version == "" {
				t.Errorf("info = %+v: want path builtin:NAME, a description and a version", info)
			}
			if info.Cases < 8 || info.Cases > 15 {
				t.Errorf("%d cases, want 8-15", info.Cases)
			}
			s, err := Load(info.Path)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if err := s.Validate(t.Context()); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			cases, err := collect(t, s)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cases {
				if len(c.Assert) == 0 {
					t.Errorf("case %q has no assertions", c.ID)
				}
				if _, _, err := s.Render(Prompt{}, &c); len(s.Prompts) == 0 && err != nil {
					t.Errorf("Render case %q: %v", c.ID, err)
				}
				for _, p := range s.Prompts {
					if _, _, err := s.Render(p, &c); err != nil {
						t.Errorf("Render case %q prompt %q: %v", c.ID, p.ID, err)
					}
				}
				checkExpectedPasses(t, c)
			}
		})
	}
}

// checkExpectedPasses checks that a case has an expected answer and that
// it passes the case's own assertions (defaults included), scored by the
// real evaluators: a simulated model that answers each case's expected
// answer passes every built-in case.
func checkExpectedPasses(t *testing.T, c bench.Case) {
	t.Helper()
	if strings.TrimSpace(c.Expected) == "" {
		t.Errorf("case %q has no expected answer", c.ID)
		return
	}
	in := &eval.Input{Case: &c, Output: c.Expected, FinishReason: "stop"}
	out := eval.Check(t.Context(), c.Assert, c.Threshold, in)
	if !out.Passed {
		t.Errorf("case %q: expected answer %q fails its own assertions: %+v", c.ID, c.Expected, out.Scores)
	}
}

func TestLoadBuiltinByName(t *testing.T) {
	// Not parallel: it changes the working directory.
	t.Chdir(t.TempDir())
	s, err := Load("reasoning")
	if err != nil {
		t.Fatalf("Load(reasoning) in a directory without such a file: %v", err)
	}
	if s.Path != "builtin:reasoning" || s.Name != "reasoning" {
		t.Errorf("Path, Name = %q, %q", s.Path, s.Name)
	}
	if _, err := Load("builtin:nope"); err == nil || !strings.Contains(err.Error(), "available: coding") {
		t.Errorf("Load(builtin:nope) error = %v, want the list of built-ins", err)
	}
	if _, err := Load("nope"); err == nil || !strings.Contains(err.Error(), "nope: stat") {
		t.Errorf("Load(nope) error = %v, want a file error", err)
	}
}
